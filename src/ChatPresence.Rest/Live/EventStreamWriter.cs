using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using ChatPresence.Contract.Rights;
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
    /// <summary>Bytes written since the last <see cref="Flushed"/>.</summary>
    public long Pending { get; private set; }

    /// <summary>Starts a <c>snapshot</c> event: the caller's GetAll JSON follows (<see cref="Append"/>), then <see cref="EndSnapshot"/>.</summary>
    public void StartSnapshot(string id) => Head(id, "snapshot"u8);

    /// <summary>Part of a snapshot's JSON.</summary>
    public void Append(ReadOnlySpan<byte> json) => Raw(json);

    public void EndSnapshot() => Tail();

    /// <summary>
    /// An event as its frame's bytes. Streams of one rights view and language share the rendered event (the feed
    /// renders each once), so the frame is encoded once for all of them, not once per stream.
    /// </summary>
    public void Event(StreamEvent e) => Raw(Frames.GetValue(e, Encode));

    private static readonly ConditionalWeakTable<StreamEvent, byte[]> Frames = [];

    private static byte[] Encode(StreamEvent e)
    {
        var frame = new ArrayBufferWriter<byte>(512);
        var json = new Utf8JsonWriter(frame, PresenceJson.WriterOptions);
        frame.Write("id: "u8);
        frame.Write(Encoding.ASCII.GetBytes(e.Id));
        frame.Write("\nevent: "u8);
        switch (e.Kind)
        {
            case FeedEventKind.Topic:
                frame.Write("topic\ndata: "u8);
                LiveJson.WriteTopic(json, e.Topic!);
                break;
            case FeedEventKind.Removed:
                frame.Write("presence\ndata: "u8);
                LiveJson.WriteRemoved(json, e.SubjectId);
                break;
            default:
                frame.Write("presence\ndata: "u8);
                PresenceJson.WriteRow(json, e.Row!, ReplyRights.For(e.Language).Of(e.Row!));
                break;
        }

        json.Flush();
        frame.Write("\n\n"u8);
        return frame.WrittenSpan.ToArray();
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
