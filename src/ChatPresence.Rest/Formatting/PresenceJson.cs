using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using ChatPresence.Contract.Rights;
using ChatPresence.Domain.Presence;

namespace ChatPresence.Rest.Formatting;

/// <summary>
/// Writes ChatPresence arrays as JSON with <see cref="Utf8JsonWriter"/>: PascalCase names in the documented order
/// (UserId, DisplayName, OngoingChats, Present, ChatTopics, TableRight, FieldProperties), masks as flag-name
/// strings, <see cref="Selection"/> applied by nulling or defaulting members. Each row shows the rights of
/// <see cref="ReplyRights"/> its <see cref="PresenceRow.Writable"/> picks.
/// </summary>
internal static class PresenceJson
{
    private static readonly JsonEncodedText UserId = JsonEncodedText.Encode("UserId");
    private static readonly JsonEncodedText DisplayName = JsonEncodedText.Encode("DisplayName");
    private static readonly JsonEncodedText OngoingChats = JsonEncodedText.Encode("OngoingChats");
    private static readonly JsonEncodedText Present = JsonEncodedText.Encode("Present");
    private static readonly JsonEncodedText ChatTopics = JsonEncodedText.Encode("ChatTopics");
    private static readonly JsonEncodedText TableRight = JsonEncodedText.Encode("TableRight");
    private static readonly JsonEncodedText FieldProperties = JsonEncodedText.Encode("FieldProperties");
    private static readonly JsonEncodedText Mask = JsonEncodedText.Encode("Mask");
    private static readonly JsonEncodedText Reason = JsonEncodedText.Encode("Reason");
    private static readonly JsonEncodedText FieldRight = JsonEncodedText.Encode("FieldRight");
    private static readonly JsonEncodedText FieldType = JsonEncodedText.Encode("FieldType");
    private static readonly JsonEncodedText FieldLength = JsonEncodedText.Encode("FieldLength");

    internal static readonly JsonWriterOptions WriterOptions = new()
    {
        // Served as application/json only, never inlined into HTML: keep non-ASCII (æøå, ä) readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    public static byte[] Serialize(IReadOnlyList<PresenceRow> items, ReplyRights rights, Selection selection)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + (items.Count * 512));
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            Write(writer, items, rights, selection);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// The same bytes as <see cref="Serialize"/>, handed to <paramref name="output"/> in pieces of about
    /// <paramref name="chunkBytes"/>: for a large directory the whole reply is never held in memory.
    /// </summary>
    public static async Task WriteStreamingAsync(Stream output, IReadOnlyList<PresenceRow> items, ReplyRights rights, Selection selection, int chunkBytes, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(chunkBytes + 4096);
        await using var writer = new Utf8JsonWriter(buffer, WriterOptions);
        writer.WriteStartArray();
        for (var i = 0; i < items.Count; i++)
        {
            WriteRow(writer, items[i], rights.Of(items[i]), selection);
            if (writer.BytesPending >= chunkBytes)
            {
                writer.Flush();
                await output.WriteAsync(buffer.WrittenMemory, cancellationToken);
                buffer.ResetWrittenCount();
            }
        }

        writer.WriteEndArray();
        writer.Flush();
        await output.WriteAsync(buffer.WrittenMemory, cancellationToken);
    }

    public static void Write(Utf8JsonWriter writer, IReadOnlyList<PresenceRow> items, ReplyRights rights, Selection selection)
    {
        writer.WriteStartArray();
        foreach (var item in items)
        {
            WriteRow(writer, item, rights.Of(item), selection);
        }

        writer.WriteEndArray();
    }

    /// <summary>One row, exactly as it appears in a <c>Presence/GetAll</c> array (an event stream's <c>presence</c> data).</summary>
    public static void WriteRow(Utf8JsonWriter writer, PresenceRow item, RowRights rights) => WriteRow(writer, item, rights, Selection.All);

    private static void WriteRow(Utf8JsonWriter writer, PresenceRow item, RowRights rights, Selection select)
    {
        writer.WriteStartObject();
        writer.WriteNumber(UserId, select.Has("UserId") ? item.UserId : 0);
        WriteString(writer, DisplayName, select.Has("DisplayName") ? item.DisplayName : null);
        writer.WriteNumber(OngoingChats, select.Has("OngoingChats") ? item.OngoingChats : 0);
        writer.WriteBoolean(Present, select.Has("Present") && item.Present);

        writer.WritePropertyName(ChatTopics);
        if (select.Has("ChatTopics"))
        {
            writer.WriteStartArray();
            foreach (var topic in item.ChatTopics)
            {
                writer.WriteNumberValue(topic);
            }

            writer.WriteEndArray();
        }
        else
        {
            writer.WriteNullValue();
        }

        writer.WritePropertyName(TableRight);
        if (select.Has("TableRight"))
        {
            var tableRight = rights.TableRight;
            var part = select.Child("TableRight");
            writer.WriteStartObject();
            writer.WriteString(Mask, MaskText.ToJson(part.Has("Mask") ? tableRight.Mask : ETableRight.None));
            WriteString(writer, Reason, part.Has("Reason") ? tableRight.Reason : null);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNullValue();
        }

        writer.WritePropertyName(FieldProperties);
        if (select.Has("FieldProperties"))
        {
            var fields = rights.FieldProperties;
            var part = select.Child("FieldProperties");
            writer.WriteStartObject();
            foreach (var (name, property) in fields.Entries)
            {
                writer.WritePropertyName(name);
                if (property is null || !part.Has(name))
                {
                    writer.WriteNullValue();
                    continue;
                }

                WriteFieldProperty(writer, property, part.Child(name));
            }

            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNullValue();
        }

        writer.WriteEndObject();
    }

    private static void WriteFieldProperty(Utf8JsonWriter writer, FieldProperty property, Selection select)
    {
        writer.WriteStartObject();
        writer.WritePropertyName(FieldRight);
        if (property.FieldRight is { } right && select.Has("FieldRight"))
        {
            var part = select.Child("FieldRight");
            writer.WriteStartObject();
            writer.WriteString(Mask, MaskText.ToJson(part.Has("Mask") ? right.Mask : EFieldRight.None));
            WriteString(writer, Reason, part.Has("Reason") ? right.Reason : null);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNullValue();
        }

        WriteString(writer, FieldType, select.Has("FieldType") ? property.FieldType : null);
        writer.WriteNumber(FieldLength, select.Has("FieldLength") ? property.FieldLength : 0);
        writer.WriteEndObject();
    }

    private static void WriteString(Utf8JsonWriter writer, JsonEncodedText name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }
}
