using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Xml;
using ChatPresence.Tests;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace ChatPresence.Rest.Tests;

/// <summary>Saturday 11 January 2025, 12:00 UTC: topic 1 (no opening hours) is open, topic 2 (weekdays) closed.</summary>
public static class SaturdayNoon
{
    public static readonly DateTimeOffset Now = new(2025, 1, 11, 12, 0, 0, TimeSpan.Zero);
}

/// <summary>One real host (Kestrel on 127.0.0.1, temp SQLite, Development with its demo directory, a clock stopped at Saturday noon) per test class.</summary>
public class RestHostFixture : HostFixture
{
    protected override string Environment => "Development";

    protected override string? DirectoryJson => null;

    protected override TimeProvider HostClock { get; } = new ManualClock(SaturdayNoon.Now);

    /// <summary>A client that sends Basic credentials (demo passwords equal the login names; admin/admin).</summary>
    public HttpClient Client(string user = "admin", string? password = null)
    {
        var client = Host.CreateClient();
        client.DefaultRequestHeaders.Authorization = Basic(user, password ?? user);
        return client;
    }

    public static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password)));
}

/// <summary>A host whose request body limit is small, for 413.</summary>
public sealed class SmallBodyHostFixture : RestHostFixture
{
    public const int Limit = 2048;

    protected override void Configure(IDictionary<string, string?> settings) => settings["ChatPresence:Rest:MaxBodyBytes"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>One ChatPresence row as a test reads it back, whatever the format.</summary>
public sealed record Row(int UserId, string? DisplayName, int OngoingChats, bool Present, int[]? ChatTopics, string? TableRightMask, string? TableRightReason, bool HasFieldProperties, string? PresentFieldMask);

public static class Replies
{
    private static readonly XmlReaderSettings Safe = new() { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };

    public static async Task<IReadOnlyList<Row>> ReadRowsAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsByteArrayAsync();
        var mediaType = response.Content.Headers.ContentType?.MediaType ?? string.Empty;
        return mediaType.EndsWith("xml", StringComparison.Ordinal) ? FromXml(body) : FromJson(body);
    }

    public static IReadOnlyList<Row> FromJson(byte[] body)
    {
        using var document = JsonDocument.Parse(body);
        return document.RootElement.EnumerateArray().Select(e => new Row(
            e.GetProperty("UserId").GetInt32(),
            e.GetProperty("DisplayName").GetString(),
            e.GetProperty("OngoingChats").GetInt32(),
            e.GetProperty("Present").GetBoolean(),
            e.GetProperty("ChatTopics").ValueKind == JsonValueKind.Null ? null : e.GetProperty("ChatTopics").EnumerateArray().Select(t => t.GetInt32()).ToArray(),
            e.GetProperty("TableRight").ValueKind == JsonValueKind.Null ? null : e.GetProperty("TableRight").GetProperty("Mask").GetString(),
            e.GetProperty("TableRight").ValueKind == JsonValueKind.Null ? null : e.GetProperty("TableRight").GetProperty("Reason").GetString(),
            e.GetProperty("FieldProperties").ValueKind != JsonValueKind.Null,
            e.GetProperty("FieldProperties") is { ValueKind: JsonValueKind.Object } f && f.GetProperty("Present") is { ValueKind: JsonValueKind.Object } p && p.GetProperty("FieldRight") is { ValueKind: JsonValueKind.Object } r
                ? r.GetProperty("Mask").GetString()
                : null)).ToArray();
    }

    /// <summary>Reads DataContract XML (with XmlReader only), checking names and namespaces on the way.</summary>
    public static IReadOnlyList<Row> FromXml(byte[] body)
    {
        const string ns = "http://www.superoffice.net/ws/crm/NetServer/Services86";
        const string arrays = "http://schemas.microsoft.com/2003/10/Serialization/Arrays";
        using var reader = XmlReader.Create(new MemoryStream(body), Safe);
        reader.MoveToContent();
        var root = XNode.Read(reader);
        Assert.Equal(("ArrayOfChatPresence", ns), (root.Name, root.Namespace));
        return root.Children.Select(c =>
        {
            Assert.Equal(("ChatPresence", ns), (c.Name, c.Namespace));
            Assert.Equal(["TableRight", "FieldProperties", "UserId", "DisplayName", "OngoingChats", "Present", "ChatTopics"], c.Children.Select(m => m.Name));
            var topics = c["ChatTopics"];
            Assert.All(topics.Children, t => Assert.Equal(("int", arrays), (t.Name, t.Namespace)));
            var table = c["TableRight"];
            var fields = c["FieldProperties"];
            var present = fields.Nil ? null : fields.Children.FirstOrDefault(p => p["Key"].Text == "Present")?["Value"];
            return new Row(
                int.Parse(c["UserId"].Text, System.Globalization.CultureInfo.InvariantCulture),
                c["DisplayName"].Nil ? null : c["DisplayName"].Text,
                int.Parse(c["OngoingChats"].Text, System.Globalization.CultureInfo.InvariantCulture),
                c["Present"].Text == "true",
                topics.Nil ? null : topics.Children.Select(t => int.Parse(t.Text, System.Globalization.CultureInfo.InvariantCulture)).ToArray(),
                table.Nil ? null : table["Mask"].Text,
                table.Nil ? null : table["Reason"].Nil ? null : table["Reason"].Text,
                !fields.Nil,
                present is null || present.Nil || present["FieldRight"].Nil ? null : present["FieldRight"]["Mask"].Text);
        }).ToArray();
    }

    /// <summary>A minimal element tree read with XmlReader.</summary>
    private sealed record XNode(string Name, string Namespace, bool Nil, string Text, List<XNode> Children)
    {
        public XNode this[string name] => Children.Single(c => c.Name == name);

        public static XNode Read(XmlReader reader)
        {
            var node = new XNode(reader.LocalName, reader.NamespaceURI, reader.GetAttribute("nil", "http://www.w3.org/2001/XMLSchema-instance") == "true", string.Empty, []);
            if (reader.IsEmptyElement)
            {
                reader.Read();
                return node;
            }

            reader.Read();
            var text = new StringBuilder();
            while (reader.NodeType != XmlNodeType.EndElement)
            {
                if (reader.NodeType == XmlNodeType.Element)
                {
                    node.Children.Add(Read(reader));
                }
                else
                {
                    text.Append(reader.Value);
                    reader.Read();
                }
            }

            reader.ReadEndElement();
            return node with { Text = text.ToString() };
        }
    }

    public static async Task<JsonElement> ErrorBodyAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        var body = document.RootElement.Clone();
        Assert.True(body.GetProperty("Error").GetBoolean());
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("ErrorMessage").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("ErrorSource").GetString()));
        return body;
    }
}
