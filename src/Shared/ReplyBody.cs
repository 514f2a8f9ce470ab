namespace ChatPresence.Compression;

// Compiled into both facades (linked from src/Shared), like ReplyCompression: one way to send a large kept reply.

/// <summary>
/// Sends kept reply bytes in slices of at most <see cref="SliceBytes"/>, each write awaited. Kestrel copies all that
/// one write hands it into blocks of its pinned memory pool before it flushes, so a single write of an 8 MB reply holds
/// 8 MB of pool per connection until the client has read it: 32 clients of a 5,000-user directory grew the pool to
/// 270 MB, which the process then kept and cycled through, and every later reply, small or large, was copied into
/// memory no longer in cache (bench: gzip replies 42 → 55 µs each after identity ones). Each sliced write waits until
/// Kestrel's output buffer has drained, so a connection holds about one slice and the pool stays small. 256 KB, not
/// Kestrel's 64 KB buffer: replies up to that size (every compressed one measured) still go in one write, and
/// larger slices wait less often (identity 5,000 users: 365–418 req/s, 313–358 with 64 KB slices).
/// </summary>
internal static class ReplyBody
{
    public const int SliceBytes = 256 * 1024;

    public static ValueTask WriteAsync(Stream body, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken) =>
        bytes.Length <= SliceBytes ? body.WriteAsync(bytes, cancellationToken) : WriteSlicesAsync(body, bytes, cancellationToken);

    private static async ValueTask WriteSlicesAsync(Stream body, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        while (!bytes.IsEmpty)
        {
            var slice = bytes[..Math.Min(SliceBytes, bytes.Length)];
            await body.WriteAsync(slice, cancellationToken);
            bytes = bytes[slice.Length..];
        }
    }
}
