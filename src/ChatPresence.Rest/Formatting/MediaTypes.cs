using System.Collections.Concurrent;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace ChatPresence.Rest.Formatting;

/// <summary>The wire formats (Form only for request bodies).</summary>
/// <remarks>The one public REST type besides <see cref="RestServiceExtensions"/>: xUnit theories take it as data, and a
/// theory's signature must be public.</remarks>
public enum WireFormat
{
    Json,
    Xml,
    Form,
}

/// <summary>A negotiated reply representation: the format and the exact media type announced.</summary>
internal sealed record ReplyFormat(WireFormat Format, string MediaType)
{
    public static readonly ReplyFormat Json = new(WireFormat.Json, "application/json");

    /// <summary>The Content-Type header value.</summary>
    public string ContentType { get; } = MediaType + "; charset=utf-8";
}

/// <summary>Content negotiation for replies (Accept) and recognition of request bodies (Content-Type).</summary>
internal static class MediaTypes
{
    public static readonly string[] JsonTypes = ["application/json", "text/json", "application/json-patch+json", "application/merge-patch+json"];
    public static readonly string[] XmlTypes = ["application/xml", "text/xml"];
    public const string FormType = "application/x-www-form-urlencoded";

    /// <summary>Every request body type accepted.</summary>
    public static readonly string[] RequestTypes = [.. JsonTypes, .. XmlTypes, FormType];

    /// <summary>Every reply type that can be produced (the patch types are answered as JSON).</summary>
    public static readonly string[] ReplyTypes = [.. JsonTypes, .. XmlTypes];

    private static readonly Dictionary<string, ReplyFormat> Known = BuildKnown();
    private static readonly ConcurrentDictionary<string, ReplyFormat?> Negotiated = new(StringComparer.Ordinal);

    /// <summary>
    /// The best reply representation for an Accept header, or null when nothing here meets it (406). No Accept,
    /// an empty one, <c>*/*</c> and <c>application/*</c> give JSON; <c>text/*</c> gives text/json. Higher q wins,
    /// then earlier position.
    /// </summary>
    public static ReplyFormat? Negotiate(StringValues accept)
    {
        if (StringValues.IsNullOrEmpty(accept))
        {
            return ReplyFormat.Json;
        }

        var key = accept.Count == 1 ? accept[0]! : accept.ToString();
        if (Negotiated.TryGetValue(key, out var known))
        {
            return known;
        }

        var result = NegotiateCore(key);
        if (Negotiated.Count < 512)
        {
            Negotiated[key] = result;
        }

        return result;
    }

    /// <summary>The body format of a Content-Type, or null when it is not supported (415).</summary>
    public static WireFormat? RecognizeBody(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType) || !MediaTypeHeaderValue.TryParse(contentType, out var parsed))
        {
            return null;
        }

        var charset = parsed.Charset;
        var mediaType = parsed.MediaType.Value ?? string.Empty;
        WireFormat? format = Array.Exists(XmlTypes, t => string.Equals(t, mediaType, StringComparison.OrdinalIgnoreCase))
            ? WireFormat.Xml
            : Array.Exists(JsonTypes, t => string.Equals(t, mediaType, StringComparison.OrdinalIgnoreCase))
                ? WireFormat.Json
                : string.Equals(mediaType, FormType, StringComparison.OrdinalIgnoreCase) ? WireFormat.Form : null;

        // JSON and forms are read as UTF-8 (ASCII is a subset); XML declares its own encoding.
        if (format is WireFormat.Json or WireFormat.Form && charset.HasValue
            && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)
            && !charset.Equals("utf8", StringComparison.OrdinalIgnoreCase)
            && !charset.Equals("us-ascii", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return format;
    }

    private static ReplyFormat? NegotiateCore(string accept)
    {
        if (!MediaTypeHeaderValue.TryParseList([accept], out var entries) || entries.Count == 0)
        {
            return string.IsNullOrWhiteSpace(accept) ? ReplyFormat.Json : null;
        }

        ReplyFormat? best = null;
        var bestQuality = 0.0;
        foreach (var entry in entries)
        {
            var quality = entry.Quality ?? 1.0;
            if (quality <= 0 || quality <= bestQuality)
            {
                continue;
            }

            var mediaType = entry.MediaType.Value ?? string.Empty;
            if (Known.TryGetValue(mediaType, out var format))
            {
                best = format;
                bestQuality = quality;
            }
        }

        return best;
    }

    private static Dictionary<string, ReplyFormat> BuildKnown()
    {
        var known = new Dictionary<string, ReplyFormat>(StringComparer.OrdinalIgnoreCase);
        known["application/json"] = ReplyFormat.Json;
        known["text/json"] = new ReplyFormat(WireFormat.Json, "text/json");

        // A presence list is not a patch document: the patch types are answered as plain application/json.
        known["application/json-patch+json"] = ReplyFormat.Json;
        known["application/merge-patch+json"] = ReplyFormat.Json;

        foreach (var type in XmlTypes)
        {
            known[type] = new ReplyFormat(WireFormat.Xml, type);
        }

        known["*/*"] = ReplyFormat.Json;
        known["application/*"] = ReplyFormat.Json;
        known["text/*"] = known["text/json"];
        return known;
    }
}
