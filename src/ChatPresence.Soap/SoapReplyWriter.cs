using System.Text;
using System.Xml;
using ChatPresence.Domain.Directory;
using ChatPresence.Domain.Identity;
using ChatPresence.Domain.Presence;
using ChatPresence.Domain.Text;

namespace ChatPresence.Soap;

/// <summary>What ExceptionInfo says about a refused call.</summary>
public sealed record SoapExceptionInfo(string Message, string FriendlyText, string ExceptionType, string Source, string? StackTrace);

/// <summary>The TimeZone header echoed in a reply (Present=false: nil).</summary>
public readonly record struct TimeZoneEcho(bool Present, int? Id, string? LocationCode)
{
    public static TimeZoneEcho From(SoapRequest request) => new(request.HasTimeZone, request.TimeZoneId, request.TimeZoneLocationCode);
}

/// <summary>
/// Writes replies with an <see cref="XmlWriter"/>: no indentation, no XML declaration, elements in schema order,
/// masks as <c>xs:list</c> values, the four response headers always present (ExceptionInfo, ExtraInfo, Succeeded,
/// TimeZone).
/// </summary>
public static class SoapReplyWriter
{
    private const string S = "s";
    private const string T = "t";
    private const string I = "i";

    private static readonly XmlWriterSettings Settings = new()
    {
        Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        OmitXmlDeclaration = true,
        Indent = false,
        CloseOutput = false,
        NamespaceHandling = NamespaceHandling.Default,
    };

    /// <summary>The GetChatPresence reply (written as bytes by <see cref="GetChatPresenceReply"/>: it grows with the directory).</summary>
    public static void WriteGetChatPresence(PooledBufferStream output, SoapVersion version, TimeZoneEcho timeZone, PresenceList list) =>
        GetChatPresenceReply.Write(output, version, timeZone, list);

    /// <summary>The GetChatPresence reply sent to <paramref name="body"/> piece by piece (large directories).</summary>
    public static Task WriteGetChatPresenceStreamingAsync(Stream body, SoapVersion version, TimeZoneEcho timeZone, PresenceList list, CancellationToken cancellationToken, int chunkBytes = 32 * 1024, ReadOnlyMemory<byte> extraHeaders = default) =>
        GetChatPresenceReply.WriteStreamingAsync(body, version, timeZone, list, chunkBytes, extraHeaders, cancellationToken);

    public static void WriteEmptyResponse(Stream output, SoapVersion version, SoapOperation operation, TimeZoneEcho timeZone, SoapExceptionInfo? failure)
    {
        using var w = Begin(output, version, failure, timeZone);
        w.WriteStartElement(T, SoapOperations.ResponseElement(operation), SoapNames.Tns);
        w.WriteEndElement();
        End(w);
    }

    public static void WriteIsWithinOpeningHours(Stream output, SoapVersion version, TimeZoneEcho timeZone, bool open)
    {
        using var w = Begin(output, version, null, timeZone);
        w.WriteStartElement(T, "IsWithinOpeningHoursResponse", SoapNames.Tns);
        w.WriteElementString(T, "Response", SoapNames.Tns, open ? "true" : "false");
        w.WriteEndElement();
        End(w);
    }

    public static void WriteAuthenticate(Stream output, SoapVersion version, TimeZoneEcho timeZone, LoginResult login)
    {
        using var w = Begin(output, version, null, timeZone);
        w.WriteStartElement(T, "AuthenticateUsernamePasswordResponse", SoapNames.Tns);
        w.WriteStartElement(T, "Response", SoapNames.Tns);
        var user = login.Succeeded ? login.User : null;
        if (user is null)
        {
            WriteNil(w, "Response");
            WriteNil(w, "Credentials");
        }
        else
        {
            w.WriteStartElement(T, "Response", SoapNames.Tns);
            w.WriteElementString(T, "AssociateId", SoapNames.Tns, user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            WriteText(w, "Associate", user.LoginName);
            WriteText(w, "FullName", user.DisplayName);
            w.WriteElementString(T, "UserType", SoapNames.Tns, "InternalAssociate");
            w.WriteElementString(T, "RoleName", SoapNames.Tns, RoleName(user.Role));
            w.WriteEndElement();
            w.WriteStartElement(T, "Credentials", SoapNames.Tns);
            WriteStringOrNil(w, "Ticket", login.Ticket);
            w.WriteEndElement();
        }

        w.WriteElementString(T, "AuthenticationSucceeded", SoapNames.Tns, user is null ? "false" : "true");
        w.WriteEndElement();
        w.WriteEndElement();
        End(w);
    }

    /// <summary>
    /// A SOAP fault in <paramref name="version"/> as WCF writes it (MessageFault.WriteTo11/WriteTo12): in SOAP 1.1 the
    /// subcode, when there is one, is the <c>faultcode</c>. <paramref name="headers"/> are WS-Addressing reply headers
    /// (XML); <paramref name="notUnderstood"/> adds SOAP 1.2's NotUnderstood header.
    /// </summary>
    public static void WriteFault(Stream output, SoapVersion version, SoapFault fault, string headers = "", (string Name, string Namespace)? notUnderstood = null)
    {
        using var w = XmlWriter.Create(output, Settings);
        w.WriteStartElement(S, "Envelope", version.EnvelopeNamespace);
        if (headers.Length > 0 || notUnderstood is not null)
        {
            w.WriteStartElement(S, "Header", version.EnvelopeNamespace);
            w.WriteRaw(headers);
            if (notUnderstood is { } header)
            {
                w.WriteStartElement(S, "NotUnderstood", version.EnvelopeNamespace);
                w.WriteAttributeString("xmlns", "h", SoapNames.Xmlns, header.Namespace);
                w.WriteAttributeString("qname", "h:" + header.Name);
                w.WriteEndElement();
            }

            w.WriteEndElement();
        }

        w.WriteStartElement(S, "Body", version.EnvelopeNamespace);
        w.WriteStartElement(S, "Fault", version.EnvelopeNamespace);
        if (version.Is12)
        {
            w.WriteStartElement(S, "Code", version.EnvelopeNamespace);
            w.WriteElementString(S, "Value", version.EnvelopeNamespace, S + ":" + fault.CodeName(version));
            if (fault.Subcode is not null)
            {
                w.WriteStartElement(S, "Subcode", version.EnvelopeNamespace);
                WriteSubcodeValue(w, version, fault.SubcodeNamespace, fault.Subcode);
                if (fault.InnerSubcode is not null)
                {
                    w.WriteStartElement(S, "Subcode", version.EnvelopeNamespace);
                    WriteSubcodeValue(w, version, fault.SubcodeNamespace, fault.InnerSubcode);
                    w.WriteEndElement();
                }

                w.WriteEndElement();
            }

            w.WriteEndElement();
            w.WriteStartElement(S, "Reason", version.EnvelopeNamespace);
            w.WriteStartElement(S, "Text", version.EnvelopeNamespace);
            w.WriteAttributeString("xml", "lang", null, SoapFault.Language);
            w.WriteString(CarriableText.Replace(fault.Text));
            w.WriteEndElement();
            w.WriteEndElement();
            if (fault.ProblemHeader is not null)
            {
                // WSAddressing10ProblemHeaderQNameFault: the header at fault, in the detail (SOAP 1.2).
                w.WriteStartElement(S, "Detail", version.EnvelopeNamespace);
                w.WriteStartElement("a", "ProblemHeaderQName", SoapNames.Addressing10);
                w.WriteString("a:" + fault.ProblemHeader);
                w.WriteEndElement();
                w.WriteEndElement();
            }
        }
        else
        {
            w.WriteStartElement("faultcode");
            if (fault.Subcode is null)
            {
                w.WriteString(S + ":" + fault.CodeName(version));
            }
            else
            {
                w.WriteAttributeString("xmlns", "a", SoapNames.Xmlns, fault.SubcodeNamespace);
                w.WriteString("a:" + fault.Subcode);
            }

            w.WriteEndElement();
            w.WriteStartElement("faultstring");
            w.WriteAttributeString("xml", "lang", null, SoapFault.Language);
            w.WriteString(CarriableText.Replace(fault.Text));
            w.WriteEndElement();
        }

        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteEndElement();
    }

    private static void WriteSubcodeValue(XmlWriter w, SoapVersion version, string? ns, string name)
    {
        w.WriteStartElement(S, "Value", version.EnvelopeNamespace);
        w.WriteAttributeString("xmlns", "a", SoapNames.Xmlns, ns);
        w.WriteString("a:" + name);
        w.WriteEndElement();
    }

    private static XmlWriter Begin(Stream output, SoapVersion version, SoapExceptionInfo? failure, TimeZoneEcho timeZone)
    {
        var w = XmlWriter.Create(output, Settings);
        w.WriteStartElement(S, "Envelope", version.EnvelopeNamespace);
        w.WriteAttributeString("xmlns", I, SoapNames.Xmlns, SoapNames.Xsi);
        w.WriteAttributeString("xmlns", T, SoapNames.Xmlns, SoapNames.Tns);
        w.WriteStartElement(S, "Header", version.EnvelopeNamespace);
        if (failure is null)
        {
            WriteNil(w, "ExceptionInfo");
        }
        else
        {
            w.WriteStartElement(T, "ExceptionInfo", SoapNames.Tns);
            WriteText(w, "Message", failure.Message);
            WriteStringOrNil(w, "StackTrace", failure.StackTrace);
            WriteText(w, "FriendlyText", failure.FriendlyText);
            w.WriteElementString(T, "ExceptionType", SoapNames.Tns, failure.ExceptionType);
            w.WriteElementString(T, "Source", SoapNames.Tns, failure.Source);
            WriteNil(w, "InnerException");
            WriteNil(w, "Parameters");
            w.WriteEndElement();
        }

        WriteNil(w, "ExtraInfo");
        w.WriteElementString(T, "Succeeded", SoapNames.Tns, failure is null ? "true" : "false");
        if (!timeZone.Present)
        {
            WriteNil(w, "TimeZone");
        }
        else
        {
            w.WriteStartElement(T, "TimeZone", SoapNames.Tns);
            w.WriteElementString(T, "SoTimeZoneId", SoapNames.Tns, (timeZone.Id ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture));
            WriteStringOrNil(w, "SoTimeZoneLocationCode", timeZone.LocationCode);
            w.WriteEndElement();
        }

        w.WriteEndElement();
        w.WriteStartElement(S, "Body", version.EnvelopeNamespace);
        return w;
    }

    private static void End(XmlWriter w)
    {
        w.WriteEndElement();
        w.WriteEndElement();
    }

    private static string RoleName(ChatRole role) => role switch
    {
        ChatRole.Administrator => "Administrator",
        ChatRole.Manager => "Manager",
        _ => "Agent",
    };

    private static void WriteNil(XmlWriter w, string name)
    {
        w.WriteStartElement(T, name, SoapNames.Tns);
        w.WriteAttributeString(I, "nil", SoapNames.Xsi, "true");
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
            WriteText(w, name, value);
        }
    }

    /// <summary>Text from data (names, messages): what XML cannot carry is replaced, never thrown mid-reply.</summary>
    private static void WriteText(XmlWriter w, string name, string value) =>
        w.WriteElementString(T, name, SoapNames.Tns, CarriableText.Replace(value));
}
