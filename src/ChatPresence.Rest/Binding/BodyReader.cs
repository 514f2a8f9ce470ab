using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Xml;
using ChatPresence.Rest.Errors;
using ChatPresence.Rest.Formatting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace ChatPresence.Rest.Binding;

/// <summary>
/// Reads a request body within the size limit and parses it by Content-Type into a <see cref="BodyNode"/>.
/// Refusals: 415 (type), 413 (size), 400 (empty, not well-formed, or beyond a <see cref="BodyLimits"/> quota).
/// </summary>
internal static class BodyReader
{
    public static async Task<BodyNode> ReadAsync(HttpRequest request, BodyLimits limits, string language, CancellationToken cancellationToken)
    {
        var maxBytes = limits.MaxBytes;
        var format = MediaTypes.RecognizeBody(request.ContentType);
        if (format is null)
        {
            if (string.IsNullOrWhiteSpace(request.ContentType) && request.ContentLength is null or 0 && !HasChunkedBody(request))
            {
                throw RestRefusals.Malformed(language, "a request body is required");
            }

            throw RestRefusals.UnsupportedMediaType(language, request.ContentType);
        }

        if (request.ContentLength > maxBytes)
        {
            throw RestRefusals.TooLarge(language, maxBytes);
        }

        var body = await ReadLimitedAsync(request.Body, maxBytes, language, cancellationToken);
        if (body.Length == 0)
        {
            throw RestRefusals.Malformed(language, "a request body is required");
        }

        return Parse(body, format.Value, limits, language);
    }

    /// <summary>Parses a whole body with the default structural quotas; public for unit tests.</summary>
    public static BodyNode Parse(ReadOnlyMemory<byte> body, WireFormat format, int maxBytes, string language) =>
        Parse(body, format, BodyLimits.For(maxBytes), language);

    /// <summary>Parses a whole body within <paramref name="limits"/>: any refusal is a 400 <see cref="RestRefusals"/> refusal.</summary>
    public static BodyNode Parse(ReadOnlyMemory<byte> body, WireFormat format, BodyLimits limits, string language)
    {
        try
        {
            return format switch
            {
                WireFormat.Json => JsonBodyNode.Load(body, limits),
                WireFormat.Xml => LoadXml(body, limits),
                _ => LoadForm(body, limits),
            };
        }
        catch (JsonException e)
        {
            throw RestRefusals.Malformed(language, $"the JSON is not well-formed (line {(e.LineNumber ?? 0) + 1}, byte {(e.BytePositionInLine ?? 0) + 1})");
        }
        catch (XmlException e)
        {
            throw RestRefusals.Malformed(language, $"the XML is not well-formed (line {e.LineNumber}, position {e.LinePosition})");
        }
        catch (Exception e) when (e is DecoderFallbackException or InvalidDataException)
        {
            throw RestRefusals.Malformed(language, format == WireFormat.Form ? "the form body is not valid UTF-8 form data within the limits" : "the body is not valid UTF-8");
        }
        catch (BindingException e)
        {
            throw RestRefusals.Malformed(language, e.Message);
        }
    }

    private static XmlBodyNode LoadXml(ReadOnlyMemory<byte> body, BodyLimits limits)
    {
        using var stream = new MemoryStream(body.ToArray(), writable: false);
        return XmlBodyNode.Load(stream, limits);
    }

    private static FormBodyNode LoadForm(ReadOnlyMemory<byte> body, BodyLimits limits)
    {
        var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(body.Span);
        var fields = new List<KeyValuePair<string, string>>();

        // FormReader refuses (InvalidDataException) more fields, or longer keys or values, than the limits allow.
        using var reader = new FormReader(text)
        {
            ValueCountLimit = limits.MaxNodes,
            KeyLengthLimit = Math.Min(limits.MaxNameLength * limits.MaxDepth, 4096),
            ValueLengthLimit = limits.MaxStringLength,
        };
        while (reader.ReadNextPair() is { } pair)
        {
            fields.Add(new(pair.Key, pair.Value));
        }

        return FormBodyNode.Build(fields, limits);
    }

    private static bool HasChunkedBody(HttpRequest request) =>
        request.Headers.TransferEncoding.ToString().Contains("chunked", StringComparison.OrdinalIgnoreCase);

    private static async Task<ReadOnlyMemory<byte>> ReadLimitedAsync(Stream body, int maxBytes, string language, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            using var collected = new MemoryStream();
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                if (collected.Length + read > maxBytes)
                {
                    throw RestRefusals.TooLarge(language, maxBytes);
                }

                collected.Write(buffer, 0, read);
            }

            return collected.GetBuffer().AsMemory(0, (int)collected.Length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
