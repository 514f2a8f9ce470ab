using System.IO.Compression;
using Microsoft.AspNetCore.Http;

namespace ChatPresence.Compression;

// Compiled into both facades (linked from src/Shared), so SOAP and REST negotiate and compress by one rule.

/// <summary>The content codings a reply may be sent in.</summary>
internal enum ContentCoding
{
    Identity,
    Gzip,
    Brotli,
}

/// <summary>
/// Which coding a presence reply is sent in: the best one <c>Accept-Encoding</c> allows (q-values honoured, so
/// <c>gzip;q=0</c> refuses gzip), Brotli before gzip at equal weight, identity when nothing else is acceptable or the
/// reply is smaller than <see cref="MinimumBytes"/>. Only presence lists are ever compressed: they carry no ticket,
/// password or other secret, so compressing them beside attacker-chosen text opens no BREACH-style side channel.
/// Replies that do carry secrets (SoPrincipal logins, REST Login) never reach this type.
/// </summary>
internal sealed class ReplyCompression(bool enabled, int minimumBytes)
{
    public bool Enabled { get; } = enabled;

    public int MinimumBytes { get; } = minimumBytes;

    /// <summary>The coding for a reply of <paramref name="length"/> bytes (null: not known yet, a streamed reply).</summary>
    public ContentCoding Choose(HttpRequest request, long? length) =>
        !Enabled || length < MinimumBytes ? ContentCoding.Identity : Negotiate(request.Headers.AcceptEncoding.ToString());

    /// <summary>
    /// Reads an <c>Accept-Encoding</c> value (RFC 9110 §12.5.3). Anything it cannot read counts as not offered, so a
    /// malformed header gets identity, never an error.
    /// </summary>
    public static ContentCoding Negotiate(ReadOnlySpan<char> header)
    {
        double? gzip = null, brotli = null, any = null;
        foreach (var range in header.Split(','))
        {
            var item = header[range].Trim();
            var semicolon = item.IndexOf(';');
            var name = (semicolon < 0 ? item : item[..semicolon]).Trim();
            var q = semicolon < 0 ? 1.0 : Weight(item[(semicolon + 1)..]);
            if (name.Equals("gzip", StringComparison.OrdinalIgnoreCase) || name.Equals("x-gzip", StringComparison.OrdinalIgnoreCase))
            {
                gzip = Math.Max(gzip ?? 0, q);
            }
            else if (name.Equals("br", StringComparison.OrdinalIgnoreCase))
            {
                brotli = Math.Max(brotli ?? 0, q);
            }
            else if (name.SequenceEqual("*"))
            {
                any = Math.Max(any ?? 0, q);
            }
        }

        var gzipWeight = gzip ?? any ?? 0;
        var brotliWeight = brotli ?? any ?? 0;
        if (brotliWeight > 0 && brotliWeight >= gzipWeight)
        {
            return ContentCoding.Brotli;
        }

        return gzipWeight > 0 ? ContentCoding.Gzip : ContentCoding.Identity;
    }

    /// <summary>Marks a reply as sent in <paramref name="coding"/>; identity adds nothing.</summary>
    public static void SetContentEncoding(HttpResponse response, ContentCoding coding)
    {
        if (coding != ContentCoding.Identity)
        {
            response.Headers.ContentEncoding = coding == ContentCoding.Gzip ? "gzip" : "br";
        }
    }

    /// <summary>
    /// The strong ETag of a coded representation: distinct from the identity one (RFC 9110 §8.8.3), so a cache never
    /// answers a client with bytes in a coding it did not ask for.
    /// </summary>
    public static string ETagFor(string identityETag, ContentCoding coding) => coding switch
    {
        ContentCoding.Gzip => string.Concat(identityETag.AsSpan(0, identityETag.Length - 1), "-gzip\""),
        ContentCoding.Brotli => string.Concat(identityETag.AsSpan(0, identityETag.Length - 1), "-br\""),
        _ => identityETag,
    };

    /// <summary>Compresses a whole reply once (kept in a cache entry), at a level worth its one-time cost.</summary>
    public static byte[] Compress(ReadOnlySpan<byte> identity, ContentCoding coding)
    {
        using var output = new MemoryStream((identity.Length / 16) + 64);
        using (var compressor = Open(output, coding, cached: true))
        {
            compressor.Write(identity);
        }

        return output.ToArray();
    }

    /// <summary>
    /// A stream that compresses what a streamed reply writes, chunk by chunk, into <paramref name="body"/> (left open;
    /// dispose the returned stream to write the end of the coding). Fastest level: this is paid on every request.
    /// </summary>
    public static Stream Open(Stream body, ContentCoding coding, bool cached = false) => coding switch
    {
        ContentCoding.Gzip => new GZipStream(body, cached ? CompressionLevel.Optimal : CompressionLevel.Fastest, leaveOpen: true),
        ContentCoding.Brotli => new BrotliStream(body, new BrotliCompressionOptions { Quality = cached ? CachedBrotliQuality : 1 }, leaveOpen: true),
        _ => throw new ArgumentOutOfRangeException(nameof(coding)),
    };

    // Quality 6 is within a few per cent of 11 on these repetitive documents at a small fraction of its time.
    private const int CachedBrotliQuality = 6;

    private static double Weight(ReadOnlySpan<char> parameters)
    {
        foreach (var range in parameters.Split(';'))
        {
            var parameter = parameters[range].Trim();
            if (parameter.Length > 2 && (parameter[0] is 'q' or 'Q') && parameter[1] == '=')
            {
                return double.TryParse(parameter[2..], System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var q) && q is >= 0 and <= 1 ? q : 0;
            }
        }

        return 1;
    }
}

/// <summary>
/// One reply's identity bytes and, made on first demand and then kept, its gzip and Brotli forms: a cached reply is
/// compressed at most once per coding, however many clients ask for it.
/// </summary>
internal sealed class EncodedReply(byte[] identity)
{
    private readonly Lock compressing = new();
    private byte[]? gzip;
    private byte[]? brotli;

    public byte[] Identity { get; } = identity;

    /// <summary>Bytes of the compressed forms made so far.</summary>
    public long CompressedBytes => (Volatile.Read(ref gzip)?.Length ?? 0) + (Volatile.Read(ref brotli)?.Length ?? 0);

    public byte[] For(ContentCoding coding) => For(coding, out _);

    /// <summary>The bytes in <paramref name="coding"/>; <paramref name="made"/> when this call compressed them.</summary>
    public byte[] For(ContentCoding coding, out bool made)
    {
        made = false;
        if (coding == ContentCoding.Identity)
        {
            return Identity;
        }

        ref var slot = ref coding == ContentCoding.Gzip ? ref gzip : ref brotli;
        if (Volatile.Read(ref slot) is { } kept)
        {
            return kept;
        }

        lock (compressing)
        {
            // One thread compresses; the others wait for its result instead of compressing the same bytes again.
            if (slot is null)
            {
                slot = ReplyCompression.Compress(Identity, coding);
                made = true;
            }

            return slot;
        }
    }
}
