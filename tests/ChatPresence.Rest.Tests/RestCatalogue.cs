using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace ChatPresence.Rest.Tests;

/// <summary>
/// The shared catalogue the functional theories are built from: every route, every request body type (form in
/// both notations), every reply type.
/// </summary>
public static class RestCatalogue
{
    public const string Ns = SoapMessages.Tns;

    /// <summary>Reading routes: (method, path).</summary>
    public static readonly (string Method, string Path)[] ReadRoutes =
    [
        ("POST", "api/v1/Agents/Chat/GetChatPresence"),
        ("GET", "api/v1/Presence/GetAll"),
        ("POST", "Cust12345/api/v1/agents/chat/getchatpresence"),
        ("GET", "Cust12345/API/V1/presence/getall"),
    ];

    /// <summary>Accept header → expected reply media type (null Accept: none sent).</summary>
    public static readonly (string? Accept, string MediaType)[] ReplyTypes =
    [
        (null, "application/json"),
        ("*/*", "application/json"),
        ("application/json", "application/json"),
        ("text/json", "text/json"),
        ("application/json-patch+json", "application/json"),
        ("application/merge-patch+json", "application/json"),
        ("application/xml", "application/xml"),
        ("text/xml", "text/xml"),
    ];

    /// <summary>Request body kinds: the Content-Type to send and how to write the body.</summary>
    public static readonly string[] BodyKinds =
    [
        "application/json", "text/json", "application/json-patch+json", "application/merge-patch+json",
        "application/xml", "text/xml", "form-brackets", "form-dots",
    ];

    public static readonly string[] SaveRoutes = ["api/v1/Agents/Chat/SaveChatPresence", "api/v1/Presence/SaveAll"];

    public static readonly string[] OutFormats = ["application/json", "application/xml"];

    public static TheoryData<string, string, string?, string> ReadRows()
    {
        var data = new TheoryData<string, string, string?, string>();
        foreach (var (method, path) in ReadRoutes)
        {
            foreach (var (accept, mediaType) in ReplyTypes)
            {
                data.Add(method, path, accept, mediaType);
            }
        }

        return data;
    }

    public static TheoryData<string, string, string> SaveRows()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var route in SaveRoutes)
        {
            foreach (var kind in BodyKinds)
            {
                foreach (var output in OutFormats)
                {
                    data.Add(route, kind, output);
                }
            }
        }

        return data;
    }

    public static TheoryData<string, string> OpeningHoursRows()
    {
        var data = new TheoryData<string, string>();
        foreach (var kind in BodyKinds)
        {
            foreach (var output in OutFormats)
            {
                data.Add(kind, output);
            }
        }

        return data;
    }

    /// <summary>A save body for one user in the given kind, for SaveChatPresence (wrapped) or SaveAll (bare array).</summary>
    public static HttpContent SaveBody(string route, string kind, int userId, bool present)
    {
        var wrapped = route.EndsWith("SaveChatPresence", StringComparison.Ordinal);
        var id = userId.ToString(CultureInfo.InvariantCulture);
        var flag = present ? "true" : "false";
        return kind switch
        {
            "form-brackets" => Form(wrapped ? $"ChatPresence[0][UserId]={id}&ChatPresence[0][Present]={flag}" : $"[0][UserId]={id}&[0][Present]={flag}"),
            "form-dots" => Form(wrapped ? $"ChatPresence[0].UserId={id}&ChatPresence[0].Present={flag}" : $"[0].UserId={id}&[0].Present={flag}"),
            _ when kind.EndsWith("xml", StringComparison.Ordinal) => Text(kind, wrapped
                ? $"<SaveChatPresence xmlns=\"{Ns}\"><ChatPresence><ChatPresence><UserId>{id}</UserId><Present>{flag}</Present></ChatPresence></ChatPresence></SaveChatPresence>"
                : $"<ArrayOfChatPresence xmlns=\"{Ns}\"><ChatPresence><UserId>{id}</UserId><Present>{flag}</Present></ChatPresence></ArrayOfChatPresence>"),
            _ => Text(kind, wrapped ? $"{{\"ChatPresence\":[{{\"UserId\":{id},\"Present\":{flag}}}]}}" : $"[{{\"UserId\":{id},\"Present\":{flag}}}]"),
        };
    }

    public static HttpContent TopicBody(string kind, int topicId)
    {
        var id = topicId.ToString(CultureInfo.InvariantCulture);
        return kind switch
        {
            "form-brackets" or "form-dots" => Form("ChatTopicId=" + id),
            _ when kind.EndsWith("xml", StringComparison.Ordinal) => Text(kind, $"<IsWithinOpeningHours xmlns=\"{Ns}\"><ChatTopicId>{id}</ChatTopicId></IsWithinOpeningHours>"),
            _ => Text(kind, "{\"ChatTopicId\":" + id + "}"),
        };
    }

    public static HttpContent Text(string mediaType, string text)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType) { CharSet = "utf-8" };
        return content;
    }

    private static ByteArrayContent Form(string text)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        return content;
    }
}
