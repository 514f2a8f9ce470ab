using System.Text;
using System.Xml;
using ChatPresence.Contract.Rights;
using ChatPresence.Domain.Presence;

namespace ChatPresence.Soap.Tests;

/// <summary>
/// The GetChatPresence reply is written as bytes by hand (it is the reply that grows with the directory). These tests
/// hold it to byte equality with what an <see cref="XmlWriter"/> with the service's settings writes for the same list
/// (the reference below is the writer the service used before), including text that needs escaping.
/// </summary>
public sealed class GetChatPresenceReplyTests
{
    public static TheoryData<string> Lists() => new(ListsByName.Keys);

    [Theory]
    [MemberData(nameof(Lists))]
    public void Reply_bytes_equal_what_XmlWriter_writes(string name)
    {
        foreach (var version in new[] { SoapVersion.Soap11, SoapVersion.Soap12 })
        {
            foreach (var timeZone in new[] { default, new TimeZoneEcho(true, 287, "NO"), new TimeZoneEcho(true, null, null), new TimeZoneEcho(true, -1, "") })
            {
                var (list, rights) = ListsByName[name];
                var expected = Reference.Write(version, timeZone, list, rights);
                var written = Written(version, timeZone, list, rights);
                Assert.Equal(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(written)); // readable on failure
                Assert.Equal(expected, written);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Lists))]
    public async Task Streamed_reply_bytes_equal_the_buffered_ones(string name)
    {
        foreach (var version in new[] { SoapVersion.Soap11, SoapVersion.Soap12 })
        {
            var (list, rights) = ListsByName[name];
            using var streamed = new MemoryStream();
            await GetChatPresenceReply.WriteStreamingAsync(streamed, version, new TimeZoneEcho(true, 287, "NO"), list, rights, chunkBytes: 100, extraHeaders: default, CancellationToken.None);
            Assert.Equal(Written(version, new TimeZoneEcho(true, 287, "NO"), list, rights), streamed.ToArray());
        }
    }

    /// <summary>
    /// Issue 10: a character XML cannot carry (the importer refuses it, but a store may hold it) becomes U+FFFD:
    /// the reply stays well-formed, buffered and streamed, instead of failing for everyone.
    /// </summary>
    [Theory]
    [InlineData(0x0007)]
    [InlineData(0x0000)]
    [InlineData(0x001F)]
    [InlineData(0xFFFE)]
    [InlineData(0xFFFF)]
    [InlineData(0xD83D)] // half a pair
    [InlineData(0xDC00)]
    public async Task A_character_XML_cannot_carry_is_replaced_and_the_reply_stays_well_formed(int character)
    {
        var list = new PresenceList("t", "en", [Row(2, "bad " + (char)character + " name"), Row(3, "fine 😀")]);
        foreach (var version in new[] { SoapVersion.Soap11, SoapVersion.Soap12 })
        {
            var written = Written(version, default, list, ReplyRights.For("en"));
            using var streamed = new MemoryStream();
            await SoapReplyWriter.WriteGetChatPresenceStreamingAsync(streamed, version, default, list, CancellationToken.None, chunkBytes: 10);
            Assert.Equal(written, streamed.ToArray());

            var names = System.Xml.Linq.XDocument.Parse(Encoding.UTF8.GetString(written)).Descendants().Where(e => e.Name.LocalName == "DisplayName").Select(e => e.Value);
            Assert.Equal(["bad \uFFFD name", "fine 😀"], names);
        }
    }

    // Odd rights no reply of the service shows, to hold the encoding of every rights member to XmlWriter's.
    private static readonly ReplyRights OddRights = new(
        writable: new RowRights(new TableRight(ETableRight.Select | ETableRight.RestrictedUpdate | ETableRight.Filtering, null!), new FieldPropertyDictionary([])),
        readOnly: new RowRights(
            new TableRight(ETableRight.None, ""),
            new FieldPropertyDictionary(
            [
                new("Present", new FieldProperty(null, null, -3)),
                new("Odd & <key>", new FieldProperty(new FieldRight(EFieldRight.UndefinedValue256 | EFieldRight.Unused1 | EFieldRight.UIHintMandatory, "why & <not>"), "", 0)),
                new("None", new FieldProperty(new FieldRight(EFieldRight.None, null!), "T", 1)),
            ])));

    private static readonly Dictionary<string, (PresenceList List, ReplyRights Rights)> ListsByName = new()
    {
        ["empty"] = WithItsRights(new PresenceList("t", "en", [])),
        ["agent view, en"] = WithItsRights(View(60, "en", ownId: 3)),
        ["manager view, no"] = WithItsRights(View(12, "no", ownId: -1)),
        ["agent view, de"] = WithItsRights(View(3, "de", 2)),
        ["agent view, sv"] = WithItsRights(View(3, "sv", 2)),
        ["agent view, *"] = WithItsRights(View(3, "*", 2)),
        ["agent view, x"] = WithItsRights(View(3, "x", 2)),
        ["escaping"] = WithItsRights(new PresenceList("t", "en",
        [
            Row(1, "Tom & Jerry <cartoons> \"quoted\" 'single'"),
            Row(2, "line\r\nbreaks\rand\nmore\ttabs"),
            Row(3, "Bjørn Æsir – 名前 😀 \u00A0nbsp"),
            Row(4, ""),
            Row(5, null),
            Row(6, "]]> and &amp; already"),
        ])),
        ["odd values"] = (new PresenceList("t", "en",
        [
            Row(int.MaxValue, "max") with { OngoingChats = int.MinValue, ChatTopics = [] },
            Row(0, "zero") with { ChatTopics = [], OngoingChats = 1023, Present = true },
            Row(1024, "big") with { ChatTopics = [-1, 0, 1, 1_000_000], OngoingChats = 1024 },
            Row(7, "custom rights"),
            Row(8, "no fields"),
        ]), OddRights),
    };

    private static (PresenceList, ReplyRights) WithItsRights(PresenceList list) => (list, ReplyRights.For(list.Language));

    private static PresenceRow Row(int userId, string? displayName)
    {
        return new PresenceRow
        {
            Writable = userId % 2 == 0,
            UserId = userId,
            DisplayName = displayName,
            OngoingChats = userId % 3,
            Present = userId % 2 == 1,
            ChatTopics = [1, 2],
        };
    }

    private static PresenceList View(int users, string language, int ownId)
    {
        var items = Enumerable.Range(1, users).Select(id =>
        {
            return new PresenceRow
            {
                Writable = ownId == -1 || ownId == id,
                UserId = id,
                DisplayName = "User " + id,
                OngoingChats = id % 4,
                Present = id % 3 == 0,
                ChatTopics = id % 5 == 0 ? [] : [1 + (id % 2)],
            };
        }).ToArray();
        return new PresenceList("t", language, items);
    }

    private static byte[] Written(SoapVersion version, TimeZoneEcho timeZone, PresenceList list, ReplyRights rights)
    {
        using var output = new PooledBufferStream(64);
        GetChatPresenceReply.Write(output, version, timeZone, list, rights, fragments: null);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>The XmlWriter-based writer the service used before the byte writer (same settings, same calls).</summary>
    private static class Reference
    {
        private const string Tns = SoapMessages.Tns;
        private const string Arrays = "http://schemas.microsoft.com/2003/10/Serialization/Arrays";
        private const string Xsi = "http://www.w3.org/2001/XMLSchema-instance";
        private const string Xmlns = "http://www.w3.org/2000/xmlns/";

        private static readonly XmlWriterSettings Settings = new()
        {
            Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
            OmitXmlDeclaration = true,
            Indent = false,
            CloseOutput = false,
        };

        public static byte[] Write(SoapVersion version, TimeZoneEcho timeZone, PresenceList list, ReplyRights rights)
        {
            using var output = new MemoryStream();
            using (var w = XmlWriter.Create(output, Settings))
            {
                w.WriteStartElement("s", "Envelope", version.EnvelopeNamespace);
                w.WriteAttributeString("xmlns", "i", Xmlns, Xsi);
                w.WriteAttributeString("xmlns", "t", Xmlns, Tns);
                w.WriteAttributeString("xmlns", "b", Xmlns, Arrays);
                w.WriteStartElement("s", "Header", version.EnvelopeNamespace);
                WriteNil(w, "ExceptionInfo");
                WriteNil(w, "ExtraInfo");
                w.WriteElementString("t", "Succeeded", Tns, "true");
                if (!timeZone.Present)
                {
                    WriteNil(w, "TimeZone");
                }
                else
                {
                    w.WriteStartElement("t", "TimeZone", Tns);
                    w.WriteElementString("t", "SoTimeZoneId", Tns, (timeZone.Id ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture));
                    WriteStringOrNil(w, "SoTimeZoneLocationCode", timeZone.LocationCode);
                    w.WriteEndElement();
                }

                w.WriteEndElement();
                w.WriteStartElement("s", "Body", version.EnvelopeNamespace);
                w.WriteStartElement("t", "GetChatPresenceResponse", Tns);
                w.WriteStartElement("t", "Response", Tns);
                foreach (var item in list.Items)
                {
                    WritePresence(w, item, rights.Of(item));
                }

                w.WriteEndElement();
                w.WriteEndElement();
                w.WriteEndElement();
                w.WriteEndElement();
            }

            return output.ToArray();
        }

        private static void WritePresence(XmlWriter w, PresenceRow item, RowRights rights)
        {
            w.WriteStartElement("t", "ChatPresence", Tns);
            if (rights.TableRight is { } table)
            {
                w.WriteStartElement("t", "TableRight", Tns);
                w.WriteStartElement("t", "Mask", Tns);
                WriteMask(w, table.Mask.ToString());
                w.WriteEndElement();
                WriteStringOrNil(w, "Reason", table.Reason);
                w.WriteEndElement();
            }
            else
            {
                WriteNil(w, "TableRight");
            }

            if (rights.FieldProperties is { } fields)
            {
                w.WriteStartElement("t", "FieldProperties", Tns);
                foreach (var (key, property) in fields.Entries)
                {
                    w.WriteStartElement("t", "FieldPropertyDictionaryKeyValuePair", Tns);
                    w.WriteElementString("t", "Key", Tns, key);
                    w.WriteStartElement("t", "Value", Tns);
                    if (property.FieldRight is { } right)
                    {
                        w.WriteStartElement("t", "FieldRight", Tns);
                        w.WriteStartElement("t", "Mask", Tns);
                        WriteMask(w, right.Mask.ToString());
                        w.WriteEndElement();
                        WriteStringOrNil(w, "Reason", right.Reason);
                        w.WriteEndElement();
                    }
                    else
                    {
                        WriteNil(w, "FieldRight");
                    }

                    WriteStringOrNil(w, "FieldType", property.FieldType);
                    w.WriteElementString("t", "FieldLength", Tns, property.FieldLength.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    w.WriteEndElement();
                    w.WriteEndElement();
                }

                w.WriteEndElement();
            }
            else
            {
                WriteNil(w, "FieldProperties");
            }

            w.WriteElementString("t", "UserId", Tns, item.UserId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            WriteStringOrNil(w, "DisplayName", item.DisplayName);
            w.WriteElementString("t", "OngoingChats", Tns, item.OngoingChats.ToString(System.Globalization.CultureInfo.InvariantCulture));
            w.WriteElementString("t", "Present", Tns, item.Present ? "true" : "false");
            if (item.ChatTopics is { } topics)
            {
                w.WriteStartElement("t", "ChatTopics", Tns);
                foreach (var topic in topics)
                {
                    w.WriteElementString("b", "int", Arrays, topic.ToString(System.Globalization.CultureInfo.InvariantCulture));
                }

                w.WriteEndElement();
            }
            else
            {
                WriteNil(w, "ChatTopics");
            }

            w.WriteEndElement();
        }

        // Enum names joined with spaces: the xs:list form ("Select, Update" → "Select Update"; None → empty).
        private static void WriteMask(XmlWriter w, string names)
        {
            if (names != "None")
            {
                w.WriteString(names.Replace(", ", " ", StringComparison.Ordinal));
            }
        }

        private static void WriteNil(XmlWriter w, string name)
        {
            w.WriteStartElement("t", name, Tns);
            w.WriteAttributeString("i", "nil", Xsi, "true");
            w.WriteEndElement();
        }

        private static void WriteStringOrNil(XmlWriter w, string name, string? value)
        {
            if (value is null)
            {
                WriteNil(w, name);
            }
            else
            {
                w.WriteElementString("t", name, Tns, value);
            }
        }
    }
}
