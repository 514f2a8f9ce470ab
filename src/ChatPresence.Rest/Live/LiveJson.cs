using System.Buffers;
using System.Globalization;
using System.Text.Json;
using ChatPresence.Domain.Live;
using ChatPresence.Rest.Formatting;

namespace ChatPresence.Rest.Live;

/// <summary>JSON of the live routes: topic states (stream <c>topic</c> events, <c>Presence/Board</c>) and removed rows.</summary>
internal static class LiveJson
{
    public static void WriteTopic(Utf8JsonWriter writer, TopicState topic)
    {
        writer.WriteStartObject();
        writer.WriteNumber("TopicId", topic.TopicId);
        writer.WriteString("Name", topic.Name);
        writer.WriteBoolean("Open", topic.Open);
        writer.WriteBoolean("AlwaysOpen", topic.AlwaysOpen);
        writer.WriteString("TimeZone", topic.TimeZone);
        writer.WriteStartArray("Today");
        foreach (var (from, to) in topic.AlwaysOpen ? [] : topic.Today)
        {
            writer.WriteStartObject();
            writer.WriteString("From", from.ToString("HH:mm", CultureInfo.InvariantCulture));
            writer.WriteString("To", to.ToString("HH:mm", CultureInfo.InvariantCulture));
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        if (topic.Removed)
        {
            writer.WriteBoolean("Removed", true);
        }

        writer.WriteEndObject();
    }

    public static void WriteRemoved(Utf8JsonWriter writer, int userId)
    {
        writer.WriteStartObject();
        writer.WriteNumber("UserId", userId);
        writer.WriteBoolean("Removed", true);
        writer.WriteEndObject();
    }

    public static byte[] Board(BoardHeader board)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, PresenceJson.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteNumber("UserId", board.User.Id);
            writer.WriteString("LoginName", board.User.LoginName);
            writer.WriteString("DisplayName", board.User.DisplayName);
            writer.WriteStartArray("Topics");
            foreach (var topic in board.Topics)
            {
                WriteTopic(writer, topic);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
