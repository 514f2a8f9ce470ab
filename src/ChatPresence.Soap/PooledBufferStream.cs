using System.Buffers;

namespace ChatPresence.Soap;

/// <summary>
/// A memory stream over an <see cref="ArrayPool{T}"/> buffer: the request body is read into it once (up to the
/// body limit) and parsed from it synchronously; replies are written into it and then sent with a Content-Length.
/// Dispose returns the buffer.
/// </summary>
public sealed class PooledBufferStream : Stream, IBufferWriter<byte>
{
    private byte[] buffer;
    private int length;
    private int position;

    public PooledBufferStream(int initialCapacity = 4096)
    {
        buffer = ArrayPool<byte>.Shared.Rent(initialCapacity);
    }

    public ReadOnlySpan<byte> WrittenSpan => buffer.AsSpan(0, length);

    public ReadOnlyMemory<byte> WrittenMemory => buffer.AsMemory(0, length);

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => true;

    public override long Length => length;

    public override long Position
    {
        get => position;
        set => position = (int)Math.Clamp(value, 0, length);
    }

    /// <summary>
    /// Reads all of <paramref name="source"/> into this buffer. False (and the rest unread) when it holds more than
    /// <paramref name="maxBytes"/>.
    /// </summary>
    public async ValueTask<bool> FillAsync(Stream source, int maxBytes, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (length == buffer.Length)
            {
                if (length > maxBytes)
                {
                    return false;
                }

                Grow(Math.Min((long)buffer.Length * 2, (long)maxBytes + 1));
            }

            var read = await source.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return length <= maxBytes;
            }

            length += read;
            if (length > maxBytes)
            {
                return false;
            }
        }
    }

    public void Reset()
    {
        length = 0;
        position = 0;
    }

    public override int Read(byte[] destination, int offset, int count) => Read(destination.AsSpan(offset, count));

    public override int Read(Span<byte> destination)
    {
        var count = Math.Min(destination.Length, length - position);
        buffer.AsSpan(position, count).CopyTo(destination);
        position += count;
        return count;
    }

    public override Task<int> ReadAsync(byte[] destination, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(destination.AsSpan(offset, count)));

    public override ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(destination.Span));

    public override void Write(byte[] source, int offset, int count) => Write(source.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> source)
    {
        if (position + source.Length > buffer.Length)
        {
            EnsureCapacity((long)position + source.Length);
        }

        source.CopyTo(buffer.AsSpan(position));
        position += source.Length;
        length = Math.Max(length, position);
    }

    public override void WriteByte(byte value) => Write([value]);

    /// <summary>Room for at least <paramref name="sizeHint"/> bytes at the current position (see <see cref="Advance"/>).</summary>
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        EnsureCapacity((long)position + Math.Max(sizeHint, 1));
        return buffer.AsSpan(position);
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        EnsureCapacity((long)position + Math.Max(sizeHint, 1));
        return buffer.AsMemory(position);
    }

    /// <summary>Counts <paramref name="count"/> bytes written into the span <see cref="GetSpan"/> gave as written.</summary>
    public void Advance(int count)
    {
        position += count;
        length = Math.Max(length, position);
    }

    /// <summary>Makes the buffer hold at least <paramref name="capacity"/> bytes, so that writing up to it copies nothing.</summary>
    public void EnsureCapacity(long capacity)
    {
        if (capacity > buffer.Length)
        {
            Grow(Math.Max((long)buffer.Length * 2, capacity));
        }
    }

    public override Task WriteAsync(byte[] source, int offset, int count, CancellationToken cancellationToken)
    {
        Write(source.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
    {
        Write(source.Span);
        return ValueTask.CompletedTask;
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => position + offset,
            _ => length + offset,
        };
        return position;
    }

    public override void SetLength(long value)
    {
        if (value > buffer.Length)
        {
            Grow(value);
        }

        length = (int)value;
        position = Math.Min(position, length);
    }

    protected override void Dispose(bool disposing)
    {
        var rented = buffer;
        buffer = [];
        length = 0;
        position = 0;
        if (rented.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        base.Dispose(disposing);
    }

    private void Grow(long minimum)
    {
        if (minimum > Array.MaxLength)
        {
            throw new InvalidOperationException("Buffer too large.");
        }

        var larger = ArrayPool<byte>.Shared.Rent((int)minimum);
        buffer.AsSpan(0, length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        buffer = larger;
    }
}
