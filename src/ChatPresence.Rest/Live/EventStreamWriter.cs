using System.Buffers;
using System.Text;
using System.Text.Json;
using ChatPresence.Domain.Live;
using ChatPresence.Rest.Formatting;

namespace ChatPresence.Rest.Live;

/// <summary>
/// Frames server-sent events (<c>id:</c>, <c>event:</c>, one <c>data:</c> line of compact JSON) into a buffer that
/// the stream writes and flushes once per batch. JSON written compact never holds a line break, so one data line is
/// always enough.
/// </summary>
internal sealed class EventStreamWriter
{
    private const int InitialCapacity = 4096;

    // A snapshot (the caller's whole GetAll reply) grows the buffer; an open stream must not keep that size for good.
    private const int KeptCapacity = 16 * 1024;

    private ArrayBufferWriter<byte> buffer = new(InitialCapacity);
    private readonly Utf8JsonWriter json;

    public EventStreamWriter() => json = new Utf8JsonWriter(buffer, PresenceJson.WriterOptions);

    public int Pending => buffer.WrittenCount;

    public void Snapshot(string id, byte[] getAllJson)
    {
        Head(id, "snapshot"u8);
        buffer.Write(getAllJson);
        Tail();
    }

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
        json.Reset();
        Tail();
    }

    /// <summary>The last event before the server closes the stream, saying why (e.g. NotAuthenticated).</summary>
    public void End(string reason)
    {
        buffer.Write("event: end\ndata: {\"Reason\":"u8);
        buffer.Write(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(reason)));
        buffer.Write("}\n\n"u8);
    }

    /// <summary>A comment line: ignored by EventSource, keeps idle connections and proxies alive.</summary>
    public void Heartbeat() => buffer.Write(": heartbeat\n\n"u8);

    /// <summary>How long a browser waits before reconnecting after the connection drops.</summary>
    public void Retry(int milliseconds) => buffer.Write(Encoding.ASCII.GetBytes($"retry: {milliseconds}\n\n"));

    public ReadOnlyMemory<byte> Written => buffer.WrittenMemory;

    public void Clear()
    {
        if (buffer.Capacity <= KeptCapacity)
        {
            buffer.ResetWrittenCount();
            return;
        }

        buffer = new ArrayBufferWriter<byte>(InitialCapacity);
        json.Reset(buffer);
    }

    private void Head(string id, ReadOnlySpan<byte> name)
    {
        buffer.Write("id: "u8);
        buffer.Write(Encoding.ASCII.GetBytes(id));
        buffer.Write("\nevent: "u8);
        buffer.Write(name);
        buffer.Write("\ndata: "u8);
    }

    private void Tail() => buffer.Write("\n\n"u8);
}
