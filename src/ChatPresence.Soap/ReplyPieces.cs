using ChatPresence.Compression;

namespace ChatPresence.Soap;

/// <summary>
/// A GetChatPresence reply as pieces: its own bytes (envelope, the rows encoded for this reply) with runs of kept
/// rows (<see cref="RowFragmentCache"/>) inserted between them by reference. Sent as it is, a cold reply costs the
/// rows it encodes and the one copy into the response, not a copy of the kept rows into a reply buffer first.
/// The kept blocks are immutable, so holding them here is safe while the cache moves on.
/// </summary>
internal sealed class ReplyPieces : IDisposable
{
    private readonly List<(int At, byte[] Bytes, int Start, int Length)> inserts = [];
    private long inserted;

    /// <summary>Everything of the reply but the inserted runs, in order.</summary>
    public PooledBufferStream Own { get; } = new(4096);

    public long Length => Own.Length + inserted;

    /// <summary>Inserts <paramref name="bytes"/>[<paramref name="start"/>..+<paramref name="length"/>] at the current end of <see cref="Own"/>.</summary>
    public void Insert(byte[] bytes, int start, int length)
    {
        if (length > 0)
        {
            inserts.Add(((int)Own.Length, bytes, start, length));
            inserted += length;
        }
    }

    /// <summary>The reply in one buffer.</summary>
    public void CopyTo(PooledBufferStream output)
    {
        output.EnsureCapacity(output.Length + Length);
        var own = Own.WrittenSpan;
        var at = 0;
        foreach (var (position, bytes, start, length) in inserts)
        {
            output.Write(own[at..position]);
            output.Write(bytes.AsSpan(start, length));
            at = position;
        }

        output.Write(own[at..]);
    }

    /// <summary>The reply sent piece by piece.</summary>
    public async Task WriteToAsync(Stream body, CancellationToken cancellationToken)
    {
        var own = Own.WrittenMemory;
        var at = 0;
        foreach (var (position, bytes, start, length) in inserts)
        {
            if (position > at)
            {
                await ReplyBody.WriteAsync(body, own[at..position], cancellationToken);
            }

            await ReplyBody.WriteAsync(body, bytes.AsMemory(start, length), cancellationToken);
            at = position;
        }

        await ReplyBody.WriteAsync(body, own[at..], cancellationToken);
    }

    public void Dispose() => Own.Dispose();
}
