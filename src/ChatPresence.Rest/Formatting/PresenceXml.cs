using System.Globalization;
using System.Text;
using System.Xml;
using ChatPresence.Contract.Rights;
using ChatPresence.Domain.Presence;
using ChatPresence.Domain.Text;

namespace ChatPresence.Rest.Formatting;

/// <summary>
/// Writes DataContract-style XML in the contract namespace of the published WSDL: <c>ArrayOfChatPresence</c> of
/// <c>ChatPresence</c> in schema order (TableRight, FieldProperties, UserId, DisplayName, OngoingChats, Present,
/// ChatTopics), <c>i:nil="true"</c> for nulls, int arrays in the Serialization/Arrays namespace, masks as
/// <c>xs:list</c> values, FieldProperties as <c>FieldPropertyDictionaryKeyValuePair</c> Key/Value pairs.
/// </summary>
internal static class PresenceXml
{
    public const string ContractNamespace = "http://www.superoffice.net/ws/crm/NetServer/Services86";
    public const string ArraysNamespace = "http://schemas.microsoft.com/2003/10/Serialization/Arrays";
    public const string SerializationNamespace = "http://schemas.microsoft.com/2003/10/Serialization/";
    public const string InstanceNamespace = "http://www.w3.org/2001/XMLSchema-instance";

    internal static readonly XmlWriterSettings WriterSettings = new()
    {
        Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        OmitXmlDeclaration = true,
        Indent = false,
        CloseOutput = false,
    };

    public static byte[] Serialize(IReadOnlyList<PresenceRow> items, ReplyRights rights, Selection selection)
    {
        using var stream = new MemoryStream(256 + (items.Count * 1024));
        using (var writer = XmlWriter.Create(stream, WriterSettings))
        {
            WriteStart(writer);
            foreach (var item in items)
            {
                WriteItem(writer, item, rights.Of(item), selection);
            }

            writer.WriteEndElement();
        }

        return stream.ToArray();
    }

    /// <summary>
    /// The same bytes as <see cref="Serialize"/>, handed to <paramref name="output"/> in pieces of about
    /// <paramref name="chunkBytes"/>: for a large directory the whole reply is never held in memory.
    /// </summary>
    public static async Task WriteStreamingAsync(Stream output, IReadOnlyList<PresenceRow> items, ReplyRights rights, Selection selection, int chunkBytes, CancellationToken cancellationToken)
    {
        // A synchronous XmlWriter into a small buffer that is sent and emptied as it fills.
        using var chunk = new MemoryStream(chunkBytes + 4096);
        using (var writer = XmlWriter.Create(chunk, WriterSettings))
        {
            WriteStart(writer);
            for (var i = 0; i < items.Count; i++)
            {
                WriteItem(writer, items[i], rights.Of(items[i]), selection);
                // The writer moves its own small buffer into the chunk as that fills, so the chunk's length grows.
                if (chunk.Length >= chunkBytes)
                {
                    writer.Flush();
                    await output.WriteAsync(chunk.GetBuffer().AsMemory(0, (int)chunk.Length), cancellationToken);
                    chunk.SetLength(0);
                }
            }

            writer.WriteEndElement();
        }

        await output.WriteAsync(chunk.GetBuffer().AsMemory(0, (int)chunk.Length), cancellationToken);
    }

    private static void WriteStart(XmlWriter writer)
    {
        writer.WriteStartElement("ArrayOfChatPresence", ContractNamespace);
        writer.WriteAttributeString("xmlns", ContractNamespace);
        writer.WriteAttributeString("xmlns", "i", null, InstanceNamespace);
    }

    private static void WriteItem(XmlWriter writer, PresenceRow item, RowRights rights, Selection selection)
    {
        writer.WriteStartElement("ChatPresence", ContractNamespace);
        WriteRow(writer, item, rights, selection);
        writer.WriteEndElement();
    }

    /// <summary>A bare boolean the DataContract way: <c>&lt;boolean xmlns="…/Serialization/"&gt;true&lt;/boolean&gt;</c>.</summary>
    public static byte[] SerializeBoolean(bool value) =>
        Encoding.UTF8.GetBytes($"<boolean xmlns=\"{SerializationNamespace}\">{(value ? "true" : "false")}</boolean>");

    private static void WriteRow(XmlWriter writer, PresenceRow item, RowRights rights, Selection select)
    {
        writer.WriteStartElement("TableRight", ContractNamespace);
        if (select.Has("TableRight"))
        {
            var tableRight = rights.TableRight;
            var part = select.Child("TableRight");
            writer.WriteElementString("Mask", ContractNamespace, MaskText.ToXml(part.Has("Mask") ? tableRight.Mask : ETableRight.None));
            WriteString(writer, "Reason", part.Has("Reason") ? tableRight.Reason : null);
        }
        else
        {
            WriteNil(writer);
        }

        writer.WriteEndElement();

        writer.WriteStartElement("FieldProperties", ContractNamespace);
        if (select.Has("FieldProperties"))
        {
            var fields = rights.FieldProperties;
            var part = select.Child("FieldProperties");
            foreach (var (name, property) in fields.Entries)
            {
                writer.WriteStartElement("FieldPropertyDictionaryKeyValuePair", ContractNamespace);
                writer.WriteElementString("Key", ContractNamespace, name);
                writer.WriteStartElement("Value", ContractNamespace);
                if (property is null || !part.Has(name))
                {
                    WriteNil(writer);
                }
                else
                {
                    WriteFieldProperty(writer, property, part.Child(name));
                }

                writer.WriteEndElement();
                writer.WriteEndElement();
            }
        }
        else
        {
            WriteNil(writer);
        }

        writer.WriteEndElement();

        writer.WriteElementString("UserId", ContractNamespace, Int(select.Has("UserId") ? item.UserId : 0));
        WriteString(writer, "DisplayName", select.Has("DisplayName") ? item.DisplayName : null);
        writer.WriteElementString("OngoingChats", ContractNamespace, Int(select.Has("OngoingChats") ? item.OngoingChats : 0));
        writer.WriteElementString("Present", ContractNamespace, select.Has("Present") && item.Present ? "true" : "false");

        writer.WriteStartElement("ChatTopics", ContractNamespace);
        if (select.Has("ChatTopics"))
        {
            writer.WriteAttributeString("xmlns", "a", null, ArraysNamespace);
            foreach (var topic in item.ChatTopics)
            {
                writer.WriteElementString("int", ArraysNamespace, Int(topic));
            }
        }
        else
        {
            WriteNil(writer);
        }

        writer.WriteEndElement();
    }

    private static void WriteFieldProperty(XmlWriter writer, FieldProperty property, Selection select)
    {
        writer.WriteStartElement("FieldRight", ContractNamespace);
        if (property.FieldRight is { } right && select.Has("FieldRight"))
        {
            var part = select.Child("FieldRight");
            writer.WriteElementString("Mask", ContractNamespace, MaskText.ToXml(part.Has("Mask") ? right.Mask : EFieldRight.None));
            WriteString(writer, "Reason", part.Has("Reason") ? right.Reason : null);
        }
        else
        {
            WriteNil(writer);
        }

        writer.WriteEndElement();
        WriteString(writer, "FieldType", select.Has("FieldType") ? property.FieldType : null);
        writer.WriteElementString("FieldLength", ContractNamespace, Int(select.Has("FieldLength") ? property.FieldLength : 0));
    }

    private static void WriteString(XmlWriter writer, string name, string? value)
    {
        writer.WriteStartElement(name, ContractNamespace);
        if (value is null)
        {
            WriteNil(writer);
        }
        else
        {
            // What XML cannot carry (refused at import, but a store may hold it) is replaced, never thrown mid-reply.
            writer.WriteString(CarriableText.Replace(value));
        }

        writer.WriteEndElement();
    }

    private static void WriteNil(XmlWriter writer) => writer.WriteAttributeString("nil", InstanceNamespace, "true");

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);
}
