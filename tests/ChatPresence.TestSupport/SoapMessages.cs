using System.Net.Http.Headers;
using System.Text;
using System.Xml.Linq;
using Xunit;

namespace ChatPresence.Tests;

/// <summary>
/// Builds SOAP requests (1.1 and 1.2: content type, action) and reads replies (<see cref="SoapReply"/>) for every
/// test project; tests may use a DOM, the service does not.
/// </summary>
public static class SoapMessages
{
    public const string Tns = "http://www.superoffice.net/ws/crm/NetServer/Services86";
    public const string Arrays = "http://schemas.microsoft.com/2003/10/Serialization/Arrays";
    public const string Xsi = "http://www.w3.org/2001/XMLSchema-instance";
    public const string Env11 = "http://schemas.xmlsoap.org/soap/envelope/";
    public const string Env12 = "http://www.w3.org/2003/05/soap-envelope";
    public const string Wsa10 = "http://www.w3.org/2005/08/addressing";
    public const string Wsa2004 = "http://schemas.xmlsoap.org/ws/2004/08/addressing";
    public const string ChatPath = "Remote/Services86/Chat.svc";
    public const string PrincipalPath = "Remote/Services86/SoPrincipal.svc";

    public static readonly XNamespace T = Tns;

    public static string Action(string operation) =>
        operation == "AuthenticateUsernamePassword" ? Tns + "/SoPrincipal/" + operation : Tns + "/Chat/" + operation;

    public static string Envelope(bool soap12, string body, string? ticket = null, string extraHeaders = "")
    {
        var env = soap12 ? Env12 : Env11;
        var credentials = ticket is null ? string.Empty : $"<t:Credentials><t:Ticket>{System.Security.SecurityElement.Escape(ticket)}</t:Ticket></t:Credentials>";
        return $"<s:Envelope xmlns:s=\"{env}\" xmlns:t=\"{Tns}\" xmlns:b=\"{Arrays}\"><s:Header>{credentials}{extraHeaders}</s:Header><s:Body>{body}</s:Body></s:Envelope>";
    }

    /// <summary>A SaveChatPresence body with one entry.</summary>
    public static string SaveBody(int userId, bool present) =>
        $"<t:SaveChatPresence><t:ChatPresence><t:ChatPresence><t:UserId>{userId}</t:UserId><t:Present>{(present ? "true" : "false")}</t:Present></t:ChatPresence></t:ChatPresence></t:SaveChatPresence>";

    /// <summary>A request with the Content-Type and action of <paramref name="soap12"/>'s version.</summary>
    public static HttpRequestMessage Request(bool soap12, string path, string operation, string envelope)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(envelope)) };
        if (soap12)
        {
            message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse($"application/soap+xml; charset=utf-8; action=\"{Action(operation)}\"");
        }
        else
        {
            message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("text/xml; charset=utf-8");
            message.Headers.TryAddWithoutValidation("SOAPAction", $"\"{Action(operation)}\"");
        }

        return message;
    }

    public static async Task<SoapReply> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new SoapReply((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, text);
    }

    /// <summary>One call to the operation's service (SoPrincipal.svc for the login, Chat.svc otherwise).</summary>
    /// <param name="extraHeaders">More SOAP headers after the credentials (an ApplicationToken, WS-Addressing).</param>
    public static Task<SoapReply> CallAsync(HttpClient client, bool soap12, string operation, string body, string? ticket = null, string extraHeaders = "") =>
        SendAsync(client, Request(soap12, operation == "AuthenticateUsernamePassword" ? PrincipalPath : ChatPath, operation, Envelope(soap12, body, ticket, extraHeaders)));

    /// <summary>AuthenticateUsernamePassword that must succeed: the ticket.</summary>
    public static async Task<string> LoginAsync(HttpClient client, string user, string password, bool soap12 = false, string extraHeaders = "")
    {
        var reply = await CallAsync(client, soap12, "AuthenticateUsernamePassword", $"<t:AuthenticateUsernamePassword><t:UserName>{user}</t:UserName><t:Password>{password}</t:Password></t:AuthenticateUsernamePassword>", extraHeaders: extraHeaders);
        Assert.Equal(200, reply.Status);
        var ticket = reply.Xml.Descendants(T + "Ticket").SingleOrDefault()?.Value;
        Assert.True(ticket is not null, $"No ticket for {user}: {reply.Text}");
        Assert.StartsWith("7T:", ticket);
        return ticket;
    }

    public static async Task<XElement[]> GetPresenceAsync(HttpClient client, string ticket, bool soap12 = false)
    {
        var reply = await CallAsync(client, soap12, "GetChatPresence", "<t:GetChatPresence/>", ticket);
        Assert.Equal(200, reply.Status);
        Assert.Equal("true", reply.Header("Succeeded")!.Value);
        return reply.Xml.Descendants(T + "Response").Single().Elements(T + "ChatPresence").ToArray();
    }
}

/// <summary>A SOAP reply as a test reads it: status, media type, text and its DOM.</summary>
public sealed record SoapReply(int Status, string? MediaType, string Text)
{
    public XDocument Xml { get; } = string.IsNullOrEmpty(Text) ? new XDocument() : XDocument.Parse(Text);

    public XElement? Header(string name) =>
        Xml.Root!.Elements().Single(e => e.Name.LocalName == "Header").Element(SoapMessages.T + name);

    public XElement Body => Xml.Root!.Elements().Single(e => e.Name.LocalName == "Body");

    public XElement? Fault => Body.Elements().SingleOrDefault(e => e.Name.LocalName == "Fault");
}
