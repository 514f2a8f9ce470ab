using System.Net.Http.Headers;

namespace ChatPresence.Soap;

/// <summary>
/// Checks a request's declared <c>charset</c> against its bytes before the XML reader guesses from them. As WCF's text
/// encoder: a charset it does not support is 415 (CoreWCF <c>TextMessageEncoderFactory.IsCharSetSupported</c>: utf-8,
/// utf-16/utf-16LE, utf-16BE); a supported one the bytes do not match (BOM, or the first character's byte pattern) is
/// a malformed message, not a silent guess. No charset: the bytes decide, as XML says.
/// </summary>
internal static class SoapCharset
{
    private enum Family
    {
        Utf8,
        Utf16LE,
        Utf16BE,
        Utf16Either,
    }

    /// <summary>The fault for <paramref name="contentType"/> and <paramref name="body"/>, or null when they agree.</summary>
    public static SoapFaultReason? Check(string? contentType, ReadOnlySpan<byte> body)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var parsed) || string.IsNullOrEmpty(parsed.CharSet))
        {
            return null;
        }

        Family? declared = parsed.CharSet.Trim('"').ToLowerInvariant() switch
        {
            "utf-8" or "utf8" => Family.Utf8,
            "utf-16" or "unicode" => Family.Utf16Either,
            "utf-16le" => Family.Utf16LE,
            "utf-16be" or "unicodefffe" => Family.Utf16BE,
            _ => null,
        };
        if (declared is not { } family)
        {
            return SoapFaultReason.UnsupportedMediaType;
        }

        var actual = Detect(body);
        var agrees = family == Family.Utf16Either ? actual is Family.Utf16LE or Family.Utf16BE : actual == family;
        return agrees ? null : SoapFaultReason.MalformedXml;
    }

    /// <summary>The encoding the bytes show: a BOM, else the byte pattern of the first character ('&lt;' or whitespace).</summary>
    private static Family Detect(ReadOnlySpan<byte> body) => body switch
    {
        [0xEF, 0xBB, 0xBF, ..] => Family.Utf8,
        [0xFF, 0xFE, ..] => Family.Utf16LE,
        [0xFE, 0xFF, ..] => Family.Utf16BE,
        [not 0, 0, ..] => Family.Utf16LE,
        [0, not 0, ..] => Family.Utf16BE,
        _ => Family.Utf8,
    };
}
