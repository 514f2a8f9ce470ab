using System.Buffers;
using System.Text;
using System.Text.Json;
using ChatPresence.Domain.Live;
using ChatPresence.Rest.Formatting;

namespace ChatPresence.Rest.Live;

/// <summary>
/// Frames server-sent events (<c>id:</c>, <c>event:</c>, one <c>data:</c> line of compact JSON) straight into the
/// response's pipe, which the stream flushes once per batch. JSON written compact never holds a line break, so one
/// data line is always enough. Nothing is buffered here: between batches an open stream holds no bytes of its own,
/// and a snapshot (the cached GetAll reply, shared by every stream of that rights view) is copied once, into the pipe.
/// </summary>
internal sealed class EventStreamWriter(IBufferWriter<byte> output)
{
    private readonly Utf8JsonWriter json = new(output, PresenceJson.WriterOptions);

    /// <summary>Bytes written since the last <see cref="Flushed"/>.</summary>
    public long Pending { get; private set; }

    /// <summary>Starts a <c>snapshot</c> event: the caller's GetAll JSON follows (<see cref="Append"/>), then <see cref="EndSnapshot"/>.</summary>
    public void StartSnapshot(string id) => Head(id, "snapshot"u8);

    /// <summary>Part of a snapshot's JSON.</summary>
    public void Append(ReadOnlySpan<byte> json) => Raw(json);

    public void EndSnapshot() => Tail();

    public void Event(StreamEvent e)
    {
        switch (e.Kind)
        {
            case FeedEventKind.Topic:
                Head(e.Id, "topic"u8);
                LiveJson.WriteTopic(json, e.Topic!);
                break;
            case FeedEventKind.Removed:
                Head(e.Id, "presence"u8);
                LiveJson.WriteRemoved(json, e.SubjectId);
                break;
            default:
                Head(e.Id, "presence"u8);
                PresenceJson.WriteRow(json, e.Row!);
                break;
        }

        json.Flush();
        Pending += json.BytesCommitted;
        json.Reset();
        Tail();
    }

    /// <summary>The last event before the server closes the stream, saying why (e.g. NotAuthenticated).</summary>
    public void End(string reason)
    {
        Raw("event: end\ndata: {\"Reason\":"u8);
        Raw(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(reason)));
        Raw("}\n\n"u8);
    }

    /// <summary>A comment line: ignored by EventSource, keeps idle connections and proxies alive.</summary>
    public void Heartbeat() => Raw(": heartbeat\n\n"u8);

    /// <summary>How long a browser waits before reconnecting after the connection drops.</summary>
    public void Retry(int milliseconds) => Raw(Encoding.ASCII.GetBytes($"retry: {milliseconds}\n\n"));

    /// <summary>The pipe was flushed: what was pending is on its way.</summary>
    public void Flushed() => Pending = 0;

    private void Head(string id, ReadOnlySpan<byte> name)
    {
        Raw("id: "u8);
        Span<byte> ascii = stackalloc byte[64];
        Raw(Encoding.ASCII.TryGetBytes(id, ascii, out var written) ? ascii[..written] : Encoding.ASCII.GetBytes(id));
        Raw("\nevent: "u8);
        Raw(name);
        Raw("\ndata: "u8);
    }

    private void Tail() => Raw("\n\n"u8);

    private void Raw(ReadOnlySpan<byte> bytes)
    {
        output.Write(bytes);
        Pending += bytes.Length;
    }
}
