using System.Globalization;
using System.Xml;
using ChatPresence.Contract.Presence;

namespace ChatPresence.Soap;

/// <summary>
/// Reads a SOAP 1.1/1.2 request with a forward-only <see cref="XmlReader"/>: no DOM, DTDs prohibited, quotas on
/// depth, name and string lengths. Accepts any prefixes, any element order, <c>xsi:type</c> attributes and headers
/// either inside <c>Header</c> or directly under <c>Envelope</c> (the documentation samples' form).
/// Every refusal is a <see cref="SoapFaultException"/>.
/// </summary>
public sealed class SoapEnvelopeReader
{
    private readonly SoapOptions options;
    private readonly XmlReaderSettings settings;

    public SoapEnvelopeReader(SoapOptions options)
    {
        this.options = options;
        settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            IgnoreWhitespace = true,
            MaxCharactersFromEntities = 1024,
            MaxCharactersInDocument = Math.Max(options.MaxBodyBytes, 1024),
            CloseInput = false,
            Async = false,
        };
    }

    /// <summary>
    /// Reads the envelope in <paramref name="body"/>. <paramref name="httpOperation"/> is the operation the HTTP
    /// action named (None when there was no action): the body element must agree with it.
    /// </summary>
    public SoapRequest Read(Stream body, SoapVersion version, SoapService service, SoapOperation httpOperation)
    {
        var request = new SoapRequest();
        try
        {
            using var reader = XmlReader.Create(body, settings);
            ReadEnvelope(reader, version, service, httpOperation, request);
        }
        catch (SoapFaultException fault) when (fault.Request is null)
        {
            // The fault reply needs the WS-Addressing headers read so far.
            throw fault.With(request);
        }
        catch (XmlException)
        {
            SoapFaultException.Throw(LooksLikeDtd(body) ? SoapFaultReason.DtdProhibited : SoapFaultReason.MalformedXml);
        }

        return request;
    }

    private static bool LooksLikeDtd(Stream body)
    {
        if (body is not PooledBufferStream pooled)
        {
            return false;
        }

        var bytes = pooled.WrittenSpan;
        return bytes.IndexOf("<!DOCTYPE"u8) >= 0 || bytes.IndexOf("<!ENTITY"u8) >= 0;
    }

    private void ReadEnvelope(XmlReader reader, SoapVersion version, SoapService service, SoapOperation httpOperation, SoapRequest request)
    {
        if (reader.MoveToContent() != XmlNodeType.Element || reader.LocalName != "Envelope")
        {
            SoapFaultException.Throw(SoapFaultReason.MalformedXml);
        }

        if (!string.Equals(reader.NamespaceURI, version.EnvelopeNamespace, StringComparison.Ordinal))
        {
            SoapFaultException.Throw(SoapFaultReason.VersionMismatch);
        }

        var envelopeNs = version.EnvelopeNamespace;
        var sawBody = false;
        var sawHeader = false;
        if (reader.IsEmptyElement)
        {
            SoapFaultException.Throw(SoapFaultReason.EmptyBody);
        }

        var depth = reader.Depth;
        reader.Read();
        while (NextChildElement(reader, depth))
        {
            if (reader.LocalName == "Body" && reader.NamespaceURI == envelopeNs)
            {
                // Exactly one Body, as WCF: a second one is not silently ignored.
                OnlyOnce(ref sawBody);
                ReadBody(reader, service, httpOperation, request);
            }
            else if (reader.LocalName == "Header" && reader.NamespaceURI == envelopeNs)
            {
                // At most one Header, and before the Body.
                OnlyOnce(ref sawHeader);
                if (sawBody)
                {
                    SoapFaultException.Throw(SoapFaultReason.MalformedXml);
                }

                ReadHeaders(reader, envelopeNs, request);
            }
            else
            {
                // The documentation samples put header entries straight under Envelope.
                ReadHeaderEntry(reader, envelopeNs, request);
            }
        }

        if (request.NotUnderstood is { } header)
        {
            SoapFaultException.Throw(SoapFaultReason.MustUnderstand, header.Name, header.Namespace);
        }

        if (!sawBody || (request.Operation == SoapOperation.None && !request.HasUnknownBody))
        {
            SoapFaultException.Throw(SoapFaultReason.EmptyBody);
        }

        // Nothing but whitespace, comments and processing instructions (skipped by the settings) after the root.
        if (reader.Read())
        {
            SoapFaultException.Throw(SoapFaultReason.MalformedXml);
        }
    }

    private static void OnlyOnce(ref bool seen)
    {
        if (seen)
        {
            SoapFaultException.Throw(SoapFaultReason.MalformedXml);
        }

        seen = true;
    }

    private void ReadHeaders(XmlReader reader, string envelopeNs, SoapRequest request)
    {
        if (!EnterChildren(reader, out var depth))
        {
            return;
        }

        while (NextChildElement(reader, depth))
        {
            ReadHeaderEntry(reader, envelopeNs, request);
        }

        reader.Read();
    }

    private void ReadHeaderEntry(XmlReader reader, string envelopeNs, SoapRequest request)
    {
        if (reader.NamespaceURI == SoapNames.Tns)
        {
            switch (reader.LocalName)
            {
                case "ApplicationToken":
                    request.ApplicationToken = ReadString(reader);
                    return;
                case "Credentials":
                    ReadCredentials(reader, request);
                    return;
                case "TimeZone":
                    ReadTimeZone(reader, request);
                    return;
            }
        }
        else if (envelopeNs == SoapVersion.Soap12.EnvelopeNamespace
            && WsAddressing.FromNamespace(reader.NamespaceURI) is var addressing and not SoapAddressing.None
            && (request.Addressing == SoapAddressing.None || request.Addressing == addressing)
            && reader.LocalName is "Action" or "To" or "MessageID" or "ReplyTo" or "From" or "RelatesTo" or "FaultTo")
        {
            // SOAP 1.2 with WS-Addressing: wsa:Action dispatches (WsAddressing.CheckDispatch). On SOAP 1.1 these are
            // unknown headers, as under BasicHttpBinding (AddressingVersion.None).
            request.Addressing = addressing;
            switch (reader.LocalName)
            {
                case "Action":
                    request.AddressingAction = ReadString(reader)?.Trim() ?? string.Empty;
                    return;
                case "MessageID":
                    request.MessageId = ReadString(reader)?.Trim();
                    return;
                case "ReplyTo":
                    request.ReplyTo = ReadAddress(reader);
                    return;
            }

            Skip(reader);
            return;
        }

        var mustUnderstand = reader.GetAttribute("mustUnderstand", envelopeNs);
        if (mustUnderstand is not null && (mustUnderstand.Trim() is "1" or "true"))
        {
            // Refused once all headers are read, so that the fault can relate to the request's wsa:MessageID.
            request.NotUnderstood ??= (reader.LocalName, reader.NamespaceURI);
        }

        Skip(reader);
    }

    private void ReadCredentials(XmlReader reader, SoapRequest request)
    {
        if (IsNil(reader) || reader.IsEmptyElement)
        {
            Skip(reader);
            return;
        }

        var depth = reader.Depth;
        reader.Read();
        while (NextChildElement(reader, depth))
        {
            if (reader.LocalName == "Ticket" && reader.NamespaceURI == SoapNames.Tns)
            {
                request.Ticket = ReadString(reader);
            }
            else
            {
                Skip(reader);
            }
        }

        reader.Read();
    }

    private void ReadTimeZone(XmlReader reader, SoapRequest request)
    {
        // As the DataContractSerializer reads it: nil is no TimeZone (echoed nil), an empty element one with default members.
        request.HasTimeZone = !IsNil(reader);
        request.TimeZoneId = null;
        request.TimeZoneLocationCode = null;
        if (!request.HasTimeZone || reader.IsEmptyElement)
        {
            Skip(reader);
            return;
        }

        var depth = reader.Depth;
        reader.Read();
        while (NextChildElement(reader, depth))
        {
            if (reader.NamespaceURI == SoapNames.Tns && reader.LocalName == "SoTimeZoneId")
            {
                request.TimeZoneId = ReadHeaderInt(reader);
            }
            else if (reader.NamespaceURI == SoapNames.Tns && reader.LocalName == "SoTimeZoneLocationCode")
            {
                request.TimeZoneLocationCode = ReadString(reader);
            }
            else
            {
                Skip(reader);
            }
        }

        reader.Read();
    }

    /// <summary>The <c>wsa:Address</c> of an endpoint reference (ReplyTo); empty when it has none.</summary>
    private string ReadAddress(XmlReader reader)
    {
        var address = string.Empty;
        var ns = reader.NamespaceURI;
        if (IsNil(reader) || !EnterChildren(reader, out var depth))
        {
            return address;
        }

        while (NextChildElement(reader, depth))
        {
            if (reader.LocalName == "Address" && reader.NamespaceURI == ns)
            {
                address = ReadString(reader)?.Trim() ?? string.Empty;
            }
            else
            {
                Skip(reader);
            }
        }

        reader.Read();
        return address;
    }

    /// <summary>Steps into the current element's children; false (with the reader past the element) when it has none.</summary>
    private static bool EnterChildren(XmlReader reader, out int depth)
    {
        depth = reader.Depth;
        var empty = reader.IsEmptyElement;
        reader.Read();
        return !empty;
    }

    private void ReadBody(XmlReader reader, SoapService service, SoapOperation httpOperation, SoapRequest request)
    {
        if (!EnterChildren(reader, out var depth))
        {
            return;
        }

        while (NextChildElement(reader, depth))
        {
            if (request.Operation != SoapOperation.None || request.HasUnknownBody)
            {
                Skip(reader);
                continue;
            }

            var operation = reader.NamespaceURI == SoapNames.Tns
                ? SoapOperations.FromElement(service, reader.LocalName)
                : SoapOperation.None;
            if (request.Addressing != SoapAddressing.None)
            {
                // wsa:Action names the operation: checked against the body once all is read.
                request.HasUnknownBody = operation == SoapOperation.None;
                if (request.HasUnknownBody)
                {
                    Skip(reader);
                    continue;
                }
            }
            else if (operation == SoapOperation.None)
            {
                // Without an HTTP action the body names the operation (the documentation samples send none).
                SoapFaultException.Throw(httpOperation == SoapOperation.None ? SoapFaultReason.ActionNotSupported : SoapFaultReason.InternalError);
            }
            else if (httpOperation != SoapOperation.None && httpOperation != operation)
            {
                // WCF dispatches on the action and its formatter then finds another body element: its internal fault.
                SoapFaultException.Throw(SoapFaultReason.InternalError);
            }

            request.Operation = operation;
            ReadParameters(reader, request);
        }

        reader.Read();
    }

    private void ReadParameters(XmlReader reader, SoapRequest request)
    {
        if (request.Operation == SoapOperation.SaveChatPresence)
        {
            request.Presences = [];
        }

        if (!EnterChildren(reader, out var depth))
        {
            return;
        }

        while (NextChildElement(reader, depth))
        {
            if (reader.NamespaceURI != SoapNames.Tns)
            {
                Skip(reader);
                continue;
            }

            switch (request.Operation, reader.LocalName)
            {
                case (SoapOperation.SaveChatPresence, "ChatPresence"):
                    ReadPresenceArray(reader, request);
                    break;
                case (SoapOperation.IsWithinOpeningHours, "ChatTopicId"):
                    request.ChatTopicId = ReadInt(reader) ?? 0;
                    break;
                case (SoapOperation.AuthenticateUsernamePassword, "UserName"):
                    request.UserName = ReadString(reader);
                    break;
                case (SoapOperation.AuthenticateUsernamePassword, "Password"):
                    request.Password = ReadString(reader);
                    break;
                default:
                    Skip(reader);
                    break;
            }
        }

        reader.Read();
    }

    private void ReadPresenceArray(XmlReader reader, SoapRequest request)
    {
        if (IsNil(reader) || reader.IsEmptyElement)
        {
            Skip(reader);
            return;
        }

        var depth = reader.Depth;
        reader.Read();
        while (NextChildElement(reader, depth))
        {
            if (reader.NamespaceURI == SoapNames.Tns && reader.LocalName == "ChatPresence")
            {
                request.Presences!.Add(ReadPresence(reader));
            }
            else
            {
                Skip(reader);
            }
        }

        reader.Read();
    }

    /// <summary>One entry as it came: a missing or nil UserId or Present stays null (refused by <see cref="SaveEntries"/>).</summary>
    private SaveEntry? ReadPresence(XmlReader reader)
    {
        if (IsNil(reader))
        {
            Skip(reader);
            return null;
        }

        int? userId = null;
        bool? present = null;
        if (!EnterChildren(reader, out var depth))
        {
            return new SaveEntry(null, null);
        }

        while (NextChildElement(reader, depth))
        {
            if (reader.NamespaceURI == SoapNames.Tns && reader.LocalName == "UserId")
            {
                userId = ReadInt(reader);
            }
            else if (reader.NamespaceURI == SoapNames.Tns && reader.LocalName == "Present")
            {
                present = ReadBool(reader);
            }
            else
            {
                // TableRight, FieldProperties, DisplayName, OngoingChats, ChatTopics: ignored on save.
                Skip(reader);
            }
        }

        reader.Read();
        return new SaveEntry(userId, present);
    }

    private static bool IsNil(XmlReader reader)
    {
        var nil = reader.GetAttribute("nil", SoapNames.Xsi);
        return nil is not null && (nil.Trim() is "true" or "1");
    }

    private string? ReadString(XmlReader reader)
    {
        if (IsNil(reader))
        {
            Skip(reader);
            return null;
        }

        var value = reader.ReadElementContentAsString();
        if (value.Length > options.MaxStringLength)
        {
            SoapFaultException.Throw(SoapFaultReason.QuotaExceeded);
        }

        return value;
    }

    private int? ReadInt(XmlReader reader)
    {
        var text = ReadString(reader);
        if (text is null)
        {
            return null;
        }

        if (!int.TryParse(text.AsSpan().Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            SoapFaultException.Throw(SoapFaultReason.DeserializationFailed);
        }

        return value;
    }

    /// <summary>
    /// An int member of a header. The DataContractSerializer reads neither nil, nothing nor text into an int, and WCF
    /// reads headers outside the formatter's parameter-level catch: its internal service fault, not DeserializationFailed.
    /// </summary>
    private int ReadHeaderInt(XmlReader reader)
    {
        var text = IsNil(reader) ? null : ReadString(reader);
        if (text is null || !int.TryParse(text.AsSpan().Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            SoapFaultException.Throw(SoapFaultReason.InternalError);
            return 0;
        }

        return value;
    }

    private bool? ReadBool(XmlReader reader)
    {
        var text = ReadString(reader);
        if (text is null)
        {
            return null;
        }

        var span = text.AsSpan().Trim();
        if (span.SequenceEqual("true") || span.SequenceEqual("1"))
        {
            return true;
        }

        if (span.SequenceEqual("false") || span.SequenceEqual("0"))
        {
            return false;
        }

        SoapFaultException.Throw(SoapFaultReason.DeserializationFailed);
        return null;
    }

    /// <summary>
    /// Moves to the next child element of the element at <paramref name="depth"/>, applying the quotas to it and
    /// to any text passed on the way; false at the parent's end tag, which is left for the caller to read.
    /// </summary>
    private bool NextChildElement(XmlReader reader, int depth)
    {
        while (reader.Depth > depth)
        {
            if (reader.NodeType == XmlNodeType.Element)
            {
                CheckElement(reader);
                return true;
            }

            CheckText(reader);
            reader.Read();
        }

        return false;
    }

    /// <summary>Skips the current element and its subtree, applying the quotas to everything skipped.</summary>
    private void Skip(XmlReader reader)
    {
        if (reader.IsEmptyElement)
        {
            reader.Read();
            return;
        }

        var depth = reader.Depth;
        while (reader.Read() && reader.Depth > depth)
        {
            if (reader.NodeType == XmlNodeType.Element)
            {
                CheckElement(reader);
            }
            else
            {
                CheckText(reader);
            }
        }

        reader.Read();
    }

    private void CheckElement(XmlReader reader)
    {
        if (reader.Depth > options.MaxDepth
            || reader.LocalName.Length > options.MaxNameLength
            || reader.Prefix.Length > options.MaxNameLength)
        {
            SoapFaultException.Throw(SoapFaultReason.QuotaExceeded);
        }
    }

    private void CheckText(XmlReader reader)
    {
        if (reader.NodeType is XmlNodeType.Text or XmlNodeType.CDATA && reader.Value.Length > options.MaxStringLength)
        {
            SoapFaultException.Throw(SoapFaultReason.QuotaExceeded);
        }
    }
}
