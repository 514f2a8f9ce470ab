using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using Xunit;

namespace ChatPresence.Tests;

/// <summary>
/// One ChatPresence row as a test reads it back, whatever carried it (REST JSON, REST DataContract XML, a SOAP reply).
/// Masks are as the wire wrote them ("Select, Update" in JSON, "Select Update" in XML).
/// </summary>
/// <param name="FieldRights">The FieldProperties by field name (a nil FieldRight is null); null when FieldProperties is nil.</param>
public sealed record ReplyRow(
    int UserId,
    string? DisplayName,
    int OngoingChats,
    bool Present,
    int[]? ChatTopics,
    string? TableRightMask,
    string? TableRightReason,
    IReadOnlyDictionary<string, FieldRightText?>? FieldRights)
{
    public bool HasFieldProperties => FieldRights is not null;

    /// <summary>The Present field's FieldRight mask; null when there are no field properties or no FieldRight.</summary>
    public string? PresentFieldMask => FieldRights?.GetValueOrDefault("Present")?.Mask;
}

/// <summary>A FieldRight as written: mask text and reason.</summary>
public sealed record FieldRightText(string? Mask, string? Reason);

/// <summary>Reads /api/v1 replies: presence rows (JSON or XML) and error bodies.</summary>
public static class RestReplies
{
    private static readonly XmlReaderSettings Safe = new() { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };

    public static async Task<IReadOnlyList<ReplyRow>> ReadRowsAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsByteArrayAsync();
        var mediaType = response.Content.Headers.ContentType?.MediaType ?? string.Empty;
        return mediaType.EndsWith("xml", StringComparison.Ordinal) ? FromXml(body) : FromJson(body);
    }

    /// <summary>A JSON array of full rows: every member present (null where the wire says null).</summary>
    public static IReadOnlyList<ReplyRow> FromJson(byte[] body)
    {
        using var document = JsonDocument.Parse(body);
        return document.RootElement.EnumerateArray().Select(e =>
        {
            var topics = e.GetProperty("ChatTopics");
            var table = e.GetProperty("TableRight");
            var fields = e.GetProperty("FieldProperties");
            return new ReplyRow(
                e.GetProperty("UserId").GetInt32(),
                e.GetProperty("DisplayName").GetString(),
                e.GetProperty("OngoingChats").GetInt32(),
                e.GetProperty("Present").GetBoolean(),
                topics.ValueKind == JsonValueKind.Null ? null : topics.EnumerateArray().Select(t => t.GetInt32()).ToArray(),
                table.ValueKind == JsonValueKind.Null ? null : table.GetProperty("Mask").GetString(),
                table.ValueKind == JsonValueKind.Null ? null : table.GetProperty("Reason").GetString(),
                fields.ValueKind == JsonValueKind.Null ? null : FieldRightsOf(fields));
        }).ToArray();
    }

    /// <summary>One row of a JSON array by user id, as an element (for the member names and order a test checks itself).</summary>
    public static JsonElement JsonRowOf(string array, int userId)
    {
        using var rows = JsonDocument.Parse(array);
        return rows.RootElement.EnumerateArray().Single(r => r.GetProperty("UserId").GetInt32() == userId).Clone();
    }

    /// <summary>Reads DataContract XML (with XmlReader only), checking names, namespaces and member order on the way.</summary>
    public static IReadOnlyList<ReplyRow> FromXml(byte[] body)
    {
        using var reader = XmlReader.Create(new MemoryStream(body), Safe);
        reader.MoveToContent();
        var root = XNode.Read(reader);
        Assert.Equal(("ArrayOfChatPresence", SoapMessages.Tns), (root.Name, root.Namespace));
        return root.Children.Select(c =>
        {
            Assert.Equal(("ChatPresence", SoapMessages.Tns), (c.Name, c.Namespace));
            Assert.Equal(["TableRight", "FieldProperties", "UserId", "DisplayName", "OngoingChats", "Present", "ChatTopics"], c.Children.Select(m => m.Name));
            var topics = c["ChatTopics"];
            Assert.All(topics.Children, t => Assert.Equal(("int", SoapMessages.Arrays), (t.Name, t.Namespace)));
            var table = c["TableRight"];
            var fields = c["FieldProperties"];
            return new ReplyRow(
                int.Parse(c["UserId"].Text, CultureInfo.InvariantCulture),
                c["DisplayName"].Nil ? null : c["DisplayName"].Text,
                int.Parse(c["OngoingChats"].Text, CultureInfo.InvariantCulture),
                c["Present"].Text == "true",
                topics.Nil ? null : topics.Children.Select(t => int.Parse(t.Text, CultureInfo.InvariantCulture)).ToArray(),
                table.Nil ? null : table["Mask"].Text,
                table.Nil ? null : table["Reason"].Nil ? null : table["Reason"].Text,
                fields.Nil ? null : fields.Children.ToDictionary(
                    p => p["Key"].Text,
                    p => p["Value"].Nil || p["Value"]["FieldRight"].Nil ? null : new FieldRightText(p["Value"]["FieldRight"]["Mask"].Text, null)));
        }).ToArray();
    }

    /// <summary>An error reply's body, after checking what every error body has (Error, ErrorMessage, ErrorSource).</summary>
    public static async Task<JsonElement> ErrorBodyAsync(HttpResponseMessage response) =>
        ErrorBody(response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());

    /// <summary>The same checks on a reply already read: its media type and text.</summary>
    public static JsonElement ErrorBody(string? mediaType, string text)
    {
        Assert.Equal("application/json", mediaType);
        using var document = JsonDocument.Parse(text);
        var body = document.RootElement.Clone();
        Assert.True(body.GetProperty("Error").GetBoolean());
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("ErrorMessage").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("ErrorSource").GetString()));
        return body;
    }

    private static Dictionary<string, FieldRightText?> FieldRightsOf(JsonElement fields)
    {
        var rights = fields.EnumerateObject().ToDictionary(
            p => p.Name,
            p => p.Value.GetProperty("FieldRight") is { ValueKind: JsonValueKind.Object } right
                ? new FieldRightText(right.GetProperty("Mask").GetString(), right.GetProperty("Reason").GetString())
                : null);
        Assert.True(rights.ContainsKey("Present"), "FieldProperties has the Present field");
        return rights;
    }

    /// <summary>A minimal element tree read with XmlReader.</summary>
    private sealed record XNode(string Name, string Namespace, bool Nil, string Text, List<XNode> Children)
    {
        public XNode this[string name] => Children.Single(c => c.Name == name);

        public static XNode Read(XmlReader reader)
        {
            var node = new XNode(reader.LocalName, reader.NamespaceURI, reader.GetAttribute("nil", SoapMessages.Xsi) == "true", string.Empty, []);
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
}

/// <summary>Reads the ChatPresence rows of a SOAP GetChatPresence reply.</summary>
public static class SoapRows
{
    private static readonly XNamespace T = SoapMessages.Tns;
    private static readonly XNamespace I = SoapMessages.Xsi;

    /// <summary>The rows of a GetChatPresenceResponse.</summary>
    public static IReadOnlyList<ReplyRow> Of(XDocument reply) =>
        [.. reply.Descendants(T + "GetChatPresenceResponse").Single().Element(T + "Response")!.Elements(T + "ChatPresence").Select(Read)];

    public static ReplyRow Read(XElement row)
    {
        var table = row.Element(T + "TableRight")!;
        var topics = row.Element(T + "ChatTopics");
        var fields = row.Element(T + "FieldProperties")!;
        var rights = Nil(fields) ? null : fields.Elements(T + "FieldPropertyDictionaryKeyValuePair").ToDictionary(
            p => p.Element(T + "Key")!.Value,
            p => p.Element(T + "Value")!.Element(T + "FieldRight")! is var right && !Nil(right)
                ? new FieldRightText(right.Element(T + "Mask")!.Value, right.Element(T + "Reason")!.Value)
                : null);
        Assert.True(rights is null || rights.ContainsKey("Present"), "FieldProperties has the Present field");
        return new ReplyRow(
            int.Parse(row.Element(T + "UserId")!.Value, CultureInfo.InvariantCulture),
            row.Element(T + "DisplayName") is { } name && !Nil(name) ? name.Value : null,
            int.Parse(row.Element(T + "OngoingChats")!.Value, CultureInfo.InvariantCulture),
            row.Element(T + "Present")!.Value == "true",
            topics is null || Nil(topics) ? null : [.. topics.Elements().Select(t => int.Parse(t.Value, CultureInfo.InvariantCulture))],
            Nil(table) ? null : table.Element(T + "Mask")!.Value,
            Nil(table) ? null : table.Element(T + "Reason")!.Value,
            rights);
    }

    private static bool Nil(XElement element) => element.Attribute(I + "nil")?.Value == "true";
}
