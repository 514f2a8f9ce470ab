using System.Buffers;
using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Text;
using ChatPresence.Contract.Rights;
using ChatPresence.Domain.Presence;
using ChatPresence.Domain.Text;

namespace ChatPresence.Soap;

/// <summary>
/// Writes the GetChatPresence reply straight as UTF-8 bytes, byte for byte what <see cref="SoapReplyWriter"/>'s
/// <c>XmlWriter</c> settings would write (same prefixes and declarations, <c> /&gt;</c> for empty elements, the same
/// text escaping). This is the one reply whose size grows with the directory, so it is the one written by hand: a
/// reply shows two rights objects (<see cref="ReplyRights"/> of the list's language), whose XML is encoded once and
/// copied into each row by its <see cref="PresenceRow.Writable"/>; per row only the user's own values are encoded.
/// </summary>
internal static class GetChatPresenceReply
{
    private const string EnvelopeAttributes =
        " xmlns:i=\"" + SoapNames.Xsi + "\" xmlns:t=\"" + SoapNames.Tns + "\" xmlns:b=\"" + SoapNames.Arrays + "\"";

    private const string HeaderStart =
        "<s:Header><t:ExceptionInfo i:nil=\"true\" /><t:ExtraInfo i:nil=\"true\" /><t:Succeeded>true</t:Succeeded>";

    private static readonly byte[] Start11 = Encoding.UTF8.GetBytes(
        "<s:Envelope" + EnvelopeAttributes + " xmlns:s=\"" + SoapVersion.Soap11.EnvelopeNamespace + "\">" + HeaderStart);

    private static readonly byte[] Start12 = Encoding.UTF8.GetBytes(
        "<s:Envelope" + EnvelopeAttributes + " xmlns:s=\"" + SoapVersion.Soap12.EnvelopeNamespace + "\">" + HeaderStart);

    // The rights XML is shared by all rows with the same rights: encoded once per reply rights (language).
    private static readonly ConditionalWeakTable<ReplyRights, EncodedRights> Rights = new();

    // Characters that need more than plain UTF-8 encoding in element content: markup, tab/LF/CR, and what XML
    // cannot carry (replaced, see CarriableText).
    private static readonly SearchValues<char> Special = SearchValues.Create("&<>\t\n\r" + CarriableText.Suspect);

    public static void Write(PooledBufferStream output, SoapVersion version, TimeZoneEcho timeZone, PresenceList list) =>
        Write(output, version, timeZone, list, fragments: null);

    /// <summary>
    /// The same bytes, with the rows of the list's rights view copied from <paramref name="fragments"/> in runs where
    /// they were encoded before with the same content: only rows that differ are encoded (after a save, the saved row;
    /// in an agent's list, the agent's own row). When many rows of the view changed since its block was made, the block
    /// is made anew (a second pass that copies the unchanged rows).
    /// </summary>
    public static void Write(PooledBufferStream output, SoapVersion version, TimeZoneEcho timeZone, PresenceList list, RowFragmentCache? fragments) =>
        Write(output, version, timeZone, list, ReplyRights.For(list.Language), fragments);

    /// <summary>The same bytes, with <paramref name="rights"/> shown on the rows (the list's language's, unless a test says otherwise).</summary>
    internal static void Write(PooledBufferStream output, SoapVersion version, TimeZoneEcho timeZone, PresenceList list, ReplyRights rights, RowFragmentCache? fragments)
    {
        if (fragments is not null)
        {
            using var pieces = new ReplyPieces();
            Write(pieces, version, timeZone, list, rights, fragments);
            pieces.CopyTo(output);
            return;
        }

        var items = list.Items;
        WriteStart(output, version, timeZone, items.Count, default);
        if (items.Count == 0)
        {
            return;
        }

        var encoded = Encoded(rights);
        // One buffer for the whole reply: rows differ only in a few short values.
        output.EnsureCapacity(output.Length + (items.Count * (encoded.Of(items[0].Writable).Length + 320)) + 128);
        for (var i = 0; i < items.Count; i++)
        {
            WritePresence(output, items[i], encoded);
        }

        output.Write(End);
    }

    /// <summary>The same bytes as pieces: the kept rows of the list's rights view are inserted by reference, not copied.</summary>
    public static void Write(ReplyPieces pieces, SoapVersion version, TimeZoneEcho timeZone, PresenceList list, RowFragmentCache fragments) =>
        Write(pieces, version, timeZone, list, ReplyRights.For(list.Language), fragments);

    internal static void Write(ReplyPieces pieces, SoapVersion version, TimeZoneEcho timeZone, PresenceList list, ReplyRights rights, RowFragmentCache fragments)
    {
        var items = list.Items;
        WriteStart(pieces.Own, version, timeZone, items.Count, default);
        if (items.Count == 0)
        {
            return;
        }

        WriteReusing(pieces, items, rights, fragments);
        pieces.Own.Write(End);
    }

    private static void WriteReusing(ReplyPieces pieces, IReadOnlyList<PresenceRow> items, ReplyRights rights, RowFragmentCache fragments)
    {
        var output = pieces.Own;
        var encoded = Encoded(rights);
        var writable = ViewOf(items);
        var view = rights.Of(writable);
        var kept = fragments.Find(view);
        if (kept is null || kept.Count != items.Count)
        {
            // Nothing kept for this view, or a directory of another size: kept anew, then inserted whole but for the rows of other rights.
            kept = Encode(items, view, writable, encoded, kept: null);
            fragments.Keep(kept);
        }

        var changed = 0;
        var renewed = false;
        var run = -1;
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var inView = kept.InView(item);
            if (inView && kept.Holds(i, item))
            {
                renewed |= !ReferenceEquals(kept.Rows[i], item);
                if (run < 0)
                {
                    run = i;
                }

                continue;
            }

            if (run >= 0)
            {
                pieces.Insert(kept.Bytes, kept.Start(run), kept.End(i - 1) - kept.Start(run));
                run = -1;
            }

            changed += inView ? 1 : 0;
            WritePresence(output, item, encoded);
        }

        if (run >= 0)
        {
            pieces.Insert(kept.Bytes, kept.Start(run), kept.End(items.Count - 1) - kept.Start(run));
        }

        if (changed > 4 + (items.Count / 32))
        {
            // Enough rows changed since the block was made that encoding them costs: a new block (one pass that
            // copies the rest, once per view, not per reply). Fewer stay encoded per reply: a save costs no copy of the view.
            fragments.Keep(Encode(items, view, writable, encoded, kept));
        }
        else if (renewed)
        {
            // A newer data version: remember its rows where their bytes are kept, so the next reply matches by reference.
            var current = new PresenceRow[items.Count];
            for (var i = 0; i < current.Length; i++)
            {
                current[i] = kept.InView(items[i]) && kept.Holds(i, items[i]) ? items[i] : kept.Rows[i];
            }

            fragments.Keep(kept.With(current));
        }
    }

    /// <summary>
    /// Whether most rows of <paramref name="items"/> are writable (a list has at most one row with other rights, the
    /// caller's own): the majority of the first, middle and last rows.
    /// </summary>
    private static bool ViewOf(IReadOnlyList<PresenceRow> items)
    {
        var a = items[0].Writable;
        var b = items[items.Count / 2].Writable;
        var c = items[^1].Writable;
        return a == b || a == c ? a : b;
    }

    /// <summary>
    /// Every row of <paramref name="items"/> as the view <paramref name="view"/> (the rights of rows that are
    /// <paramref name="writable"/> or not) shows it (a row with other rights is encoded with the view's), copied from
    /// <paramref name="kept"/> where it holds it.
    /// </summary>
    private static RowFragmentCache.EncodedRows Encode(IReadOnlyList<PresenceRow> items, RowRights view, bool writable, EncodedRights encoded, RowFragmentCache.EncodedRows? kept)
    {
        var rows = new PresenceRow[items.Count];
        var ends = new int[items.Count];
        var rowBytes = encoded.Of(writable).Length + 320L;
        using var output = new PooledBufferStream((int)Math.Min(Array.MaxLength, items.Count * rowBytes));
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (item.Writable != writable)
            {
                item = item with { Writable = writable };
            }

            rows[i] = item;
            if (kept is not null && kept.Holds(i, item))
            {
                output.Write(kept.Bytes.AsSpan(kept.Start(i), kept.End(i) - kept.Start(i)));
            }
            else
            {
                WritePresence(output, item, encoded);
            }

            ends[i] = (int)output.Length;
        }

        return new RowFragmentCache.EncodedRows(view, writable, rows, ends, output.WrittenSpan.ToArray());
    }

    /// <summary>
    /// The same bytes as <see cref="Write"/>, sent to <paramref name="body"/> in pieces of about
    /// <paramref name="chunkBytes"/> as they are written: for a large directory the first byte leaves at once and the
    /// whole reply is never held in memory.
    /// </summary>
    public static Task WriteStreamingAsync(Stream body, SoapVersion version, TimeZoneEcho timeZone, PresenceList list, int chunkBytes, ReadOnlyMemory<byte> extraHeaders, CancellationToken cancellationToken) =>
        WriteStreamingAsync(body, version, timeZone, list, ReplyRights.For(list.Language), chunkBytes, extraHeaders, cancellationToken);

    internal static async Task WriteStreamingAsync(Stream body, SoapVersion version, TimeZoneEcho timeZone, PresenceList list, ReplyRights rights, int chunkBytes, ReadOnlyMemory<byte> extraHeaders, CancellationToken cancellationToken)
    {
        var items = list.Items;
        using var chunk = new PooledBufferStream(chunkBytes + 4096);
        WriteStart(chunk, version, timeZone, items.Count, extraHeaders.Span);
        var encoded = Encoded(rights);
        for (var i = 0; i < items.Count; i++)
        {
            WritePresence(chunk, items[i], encoded);
            if (chunk.Length >= chunkBytes)
            {
                await body.WriteAsync(chunk.WrittenMemory, cancellationToken);
                chunk.Reset();
            }
        }

        if (items.Count > 0)
        {
            chunk.Write(End);
        }

        await body.WriteAsync(chunk.WrittenMemory, cancellationToken);
    }

    private static ReadOnlySpan<byte> End => "</t:Response></t:GetChatPresenceResponse></s:Body></s:Envelope>"u8;

    /// <summary>
    /// Everything before the first row (for an empty list: the whole reply); <paramref name="extraHeaders"/> (WS-Addressing)
    /// first in the header.
    /// </summary>
    private static void WriteStart(PooledBufferStream output, SoapVersion version, TimeZoneEcho timeZone, int count, ReadOnlySpan<byte> extraHeaders)
    {
        var start = version.Is12 ? Start12 : Start11;
        var headerOpen = start.Length - HeaderStart.Length + "<s:Header>".Length;
        output.Write(start.AsSpan(0, headerOpen));
        output.Write(extraHeaders);
        output.Write(start.AsSpan(headerOpen));
        if (!timeZone.Present)
        {
            output.Write("<t:TimeZone i:nil=\"true\" />"u8);
        }
        else
        {
            output.Write("<t:TimeZone><t:SoTimeZoneId>"u8);
            WriteInt(output, timeZone.Id ?? 0);
            output.Write("</t:SoTimeZoneId>"u8);
            WriteStringOrNil(output, "<t:SoTimeZoneLocationCode"u8, "</t:SoTimeZoneLocationCode>"u8, timeZone.LocationCode);
            output.Write("</t:TimeZone>"u8);
        }

        output.Write("</s:Header><s:Body><t:GetChatPresenceResponse>"u8);
        output.Write(count == 0 ? "<t:Response /></t:GetChatPresenceResponse></s:Body></s:Envelope>"u8 : "<t:Response>"u8);
    }

    private static void WritePresence(PooledBufferStream output, PresenceRow item, EncodedRights rights)
    {
        output.Write("<t:ChatPresence>"u8);
        output.Write(rights.Of(item.Writable));
        output.Write("<t:UserId>"u8);
        WriteInt(output, item.UserId);
        output.Write("</t:UserId>"u8);
        WriteStringOrNil(output, "<t:DisplayName"u8, "</t:DisplayName>"u8, item.DisplayName);
        output.Write("<t:OngoingChats>"u8);
        WriteInt(output, item.OngoingChats);
        output.Write(item.Present ? "</t:OngoingChats><t:Present>true</t:Present>"u8 : "</t:OngoingChats><t:Present>false</t:Present>"u8);
        var topics = item.ChatTopics;
        if (topics.Count == 0)
        {
            output.Write("<t:ChatTopics /></t:ChatPresence>"u8);
        }
        else
        {
            output.Write("<t:ChatTopics>"u8);
            for (var i = 0; i < topics.Count; i++)
            {
                output.Write("<b:int>"u8);
                WriteInt(output, topics[i]);
                output.Write("</b:int>"u8);
            }

            output.Write("</t:ChatTopics></t:ChatPresence>"u8);
        }
    }

    private static EncodedRights Encoded(ReplyRights rights) => Rights.GetValue(rights, static r => new EncodedRights(Encode(r.Writable), Encode(r.ReadOnly)));

    /// <summary>A row's <c>TableRight</c> and <c>FieldProperties</c> elements, as one run of bytes.</summary>
    private static byte[] Encode(RowRights rights)
    {
        using var output = new PooledBufferStream(2048);
        var table = rights.TableRight;
        output.Write("<t:TableRight>"u8);
        WriteStringOrNil(output, "<t:Mask"u8, "</t:Mask>"u8, MaskNames.SpaceSeparated(table.Mask));
        WriteStringOrNil(output, "<t:Reason"u8, "</t:Reason>"u8, table.Reason);
        output.Write("</t:TableRight>"u8);
        var fields = rights.FieldProperties;
        if (fields.Entries.Count == 0)
        {
            output.Write("<t:FieldProperties />"u8);
            return output.WrittenSpan.ToArray();
        }

        output.Write("<t:FieldProperties>"u8);
        foreach (var (key, property) in fields.Entries)
        {
            output.Write("<t:FieldPropertyDictionaryKeyValuePair>"u8);
            WriteStringOrNil(output, "<t:Key"u8, "</t:Key>"u8, key);
            output.Write("<t:Value>"u8);
            if (property.FieldRight is { } right)
            {
                output.Write("<t:FieldRight>"u8);
                WriteStringOrNil(output, "<t:Mask"u8, "</t:Mask>"u8, MaskNames.SpaceSeparated(right.Mask));
                WriteStringOrNil(output, "<t:Reason"u8, "</t:Reason>"u8, right.Reason);
                output.Write("</t:FieldRight>"u8);
            }
            else
            {
                output.Write("<t:FieldRight i:nil=\"true\" />"u8);
            }

            WriteStringOrNil(output, "<t:FieldType"u8, "</t:FieldType>"u8, property.FieldType);
            output.Write("<t:FieldLength>"u8);
            WriteInt(output, property.FieldLength);
            output.Write("</t:FieldLength></t:Value></t:FieldPropertyDictionaryKeyValuePair>"u8);
        }

        output.Write("</t:FieldProperties>"u8);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>
    /// <paramref name="open"/> is the start tag without its closing bracket: an element with the text, an empty
    /// element (<c> /&gt;</c>) for an empty string, or <c>i:nil="true"</c> for null.
    /// </summary>
    private static void WriteStringOrNil(PooledBufferStream output, ReadOnlySpan<byte> open, ReadOnlySpan<byte> close, string? value)
    {
        output.Write(open);
        if (value is null)
        {
            output.Write(" i:nil=\"true\" />"u8);
        }
        else if (value.Length == 0)
        {
            output.Write(" />"u8);
        }
        else
        {
            output.Write(">"u8);
            WriteText(output, value);
            output.Write(close);
        }
    }

    private static void WriteInt(PooledBufferStream output, int value)
    {
        var span = output.GetSpan(11);
        Utf8Formatter.TryFormat(value, span, out var written);
        output.Advance(written);
    }

    /// <summary>Element content escaped as XmlWriter does (NewLineHandling.Replace); what XML cannot carry becomes U+FFFD.</summary>
    private static void WriteText(PooledBufferStream output, string text)
    {
        var chars = text.AsSpan();
        while (!chars.IsEmpty)
        {
            var special = chars.IndexOfAny(Special);
            var plain = special < 0 ? chars : chars[..special];
            if (!plain.IsEmpty)
            {
                var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(plain.Length));
                output.Advance(Encoding.UTF8.GetBytes(plain, span));
            }

            if (special < 0)
            {
                return;
            }

            chars = chars[special..];
            var c = chars[0];
            var consumed = 1;
            switch (c)
            {
                case '&':
                    output.Write("&amp;"u8);
                    break;
                case '<':
                    output.Write("&lt;"u8);
                    break;
                case '>':
                    output.Write("&gt;"u8);
                    break;
                case '\t':
                    output.Write("\t"u8);
                    break;
                case '\n':
                    output.Write("\n"u8);
                    break;
                case '\r':
                    // XmlWriter's NewLineHandling.Replace: CR LF and a lone CR become the new-line characters.
                    output.Write(Encoding.UTF8.GetBytes(Environment.NewLine));
                    consumed = chars.Length > 1 && chars[1] == '\n' ? 2 : 1;
                    break;
                default:
                    if (CarriableText.IsPairAt(chars, 0))
                    {
                        var span = output.GetSpan(4);
                        output.Advance(Encoding.UTF8.GetBytes(chars[..2], span));
                        consumed = 2;
                        break;
                    }

                    // A character XML cannot carry (the importer refuses it; a store may still hold it): replaced,
                    // never thrown, so one row's text can neither fail the reply nor cut a streamed one.
                    output.Write("\uFFFD"u8);
                    break;
            }

            chars = chars[consumed..];
        }
    }

    /// <summary>The encoded rights of one reply: one run of bytes for writable rows, one for the others.</summary>
    private sealed class EncodedRights(byte[] writable, byte[] readOnly)
    {
        public byte[] Of(bool isWritable) => isWritable ? writable : readOnly;
    }
}
