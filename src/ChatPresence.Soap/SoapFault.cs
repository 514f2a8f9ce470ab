using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http;

namespace ChatPresence.Soap;

/// <summary>
/// Why a request was refused before it reached an operation. Each reason has one HTTP status and one SOAP fault code
/// (and subcode), see <see cref="SoapFault.For"/>.
/// </summary>
public enum SoapFaultReason
{
    /// <summary>The body is not well-formed XML, or not a SOAP envelope.</summary>
    MalformedXml,

    /// <summary>The body carries a DTD (entity expansion attacks): never processed.</summary>
    DtdProhibited,

    /// <summary>The envelope namespace is not that of the SOAP version the Content-Type asked for.</summary>
    VersionMismatch,

    /// <summary>The action (HTTP level or body element) names no operation of this service.</summary>
    ActionNotSupported,

    /// <summary>The HTTP-level action and the body element name different operations.</summary>
    ActionMismatch,

    /// <summary>A header marked mustUnderstand that this service does not know.</summary>
    MustUnderstand,

    /// <summary>No body, or a SOAP Body without an operation element.</summary>
    EmptyBody,

    /// <summary>Nesting, a name or a string beyond the reader quotas.</summary>
    QuotaExceeded,

    /// <summary>An operation parameter that is not of its schema type (a non-integer UserId, a non-boolean Present).</summary>
    DeserializationFailed,

    /// <summary>The body is larger than ChatPresence:Soap:MaxBodyBytes.</summary>
    BodyTooLarge,

    /// <summary>Content-Type missing or not a SOAP media type.</summary>
    UnsupportedMediaType,

    /// <summary>Anything unexpected before dispatch; details are logged, never sent.</summary>
    InternalError,
}

/// <summary>What a fault reason looks like on the wire.</summary>
/// <param name="Status">HTTP status.</param>
/// <param name="Code">The SOAP code kind: Sender, Receiver, VersionMismatch or MustUnderstand.</param>
/// <param name="Subcode">Local name of the subcode (SOAP 1.2 Subcode; SOAP 1.1 dotted faultcode), or null.</param>
/// <param name="SubcodeNamespace">Namespace of the subcode.</param>
/// <param name="Text">The fault string: fixed English text, never internals.</param>
public sealed record SoapFault(int Status, SoapFaultCode Code, string? Subcode, string? SubcodeNamespace, string Text)
{
    private static readonly SoapFault[] Table = Build();

    public static SoapFault For(SoapFaultReason reason) => Table[(int)reason];

    /// <summary>The SOAP 1.1 <c>faultcode</c> local name (dotted subcode) or the SOAP 1.2 Code/Value local name.</summary>
    public string CodeName(SoapVersion version, bool dotted) => Code switch
    {
        SoapFaultCode.Sender => dotted && Subcode is not null ? version.SenderCode + "." + Subcode : version.SenderCode,
        SoapFaultCode.Receiver => dotted && Subcode is not null ? version.ReceiverCode + "." + Subcode : version.ReceiverCode,
        SoapFaultCode.VersionMismatch => "VersionMismatch",
        _ => "MustUnderstand",
    };

    private static SoapFault[] Build()
    {
        var table = new SoapFault[Enum.GetValues<SoapFaultReason>().Length];
        const int Fault = StatusCodes.Status500InternalServerError;
        table[(int)SoapFaultReason.MalformedXml] = new(Fault, SoapFaultCode.Sender, "InvalidMessage", SoapNames.Dispatcher, "The request is not a well-formed SOAP envelope.");
        table[(int)SoapFaultReason.DtdProhibited] = new(Fault, SoapFaultCode.Sender, "InvalidMessage", SoapNames.Dispatcher, "DTDs are not allowed in SOAP messages.");
        table[(int)SoapFaultReason.VersionMismatch] = new(Fault, SoapFaultCode.VersionMismatch, null, null, "The envelope namespace does not match the SOAP version of the Content-Type.");
        table[(int)SoapFaultReason.ActionNotSupported] = new(Fault, SoapFaultCode.Sender, "ActionNotSupported", SoapNames.Addressing10, "The action is not supported by this service.");
        table[(int)SoapFaultReason.ActionMismatch] = new(Fault, SoapFaultCode.Sender, "ActionMismatch", SoapNames.Addressing10, "The HTTP action does not match the operation in the body.");
        table[(int)SoapFaultReason.MustUnderstand] = new(Fault, SoapFaultCode.MustUnderstand, null, null, "A header marked mustUnderstand was not understood.");
        table[(int)SoapFaultReason.EmptyBody] = new(Fault, SoapFaultCode.Sender, "EmptyBody", SoapNames.Dispatcher, "The request has no operation in its body.");
        table[(int)SoapFaultReason.QuotaExceeded] = new(Fault, SoapFaultCode.Sender, "QuotaExceeded", SoapNames.Dispatcher, "The request exceeds a reader quota (depth, name or string length).");
        table[(int)SoapFaultReason.DeserializationFailed] = new(Fault, SoapFaultCode.Sender, "DeserializationFailed", SoapNames.Dispatcher, "An operation parameter could not be read as its schema type.");
        table[(int)SoapFaultReason.BodyTooLarge] = new(StatusCodes.Status413PayloadTooLarge, SoapFaultCode.Sender, "QuotaExceeded", SoapNames.Dispatcher, "The request body is larger than allowed.");
        table[(int)SoapFaultReason.UnsupportedMediaType] = new(StatusCodes.Status415UnsupportedMediaType, SoapFaultCode.Sender, "ContentTypeNotSupported", SoapNames.Dispatcher, "The Content-Type must be text/xml (SOAP 1.1) or application/soap+xml (SOAP 1.2).");
        table[(int)SoapFaultReason.InternalError] = new(Fault, SoapFaultCode.Receiver, "InternalServiceFault", SoapNames.Dispatcher, "The server was unable to process the request.");
        return table;
    }
}

public enum SoapFaultCode
{
    Sender,
    Receiver,
    VersionMismatch,
    MustUnderstand,
}

/// <summary>Thrown by the request reader; caught by the endpoint and written as a fault.</summary>
public sealed class SoapFaultException(SoapFaultReason reason) : Exception(SoapFault.For(reason).Text)
{
    public SoapFaultReason Reason { get; } = reason;

    [DoesNotReturn]
    public static void Throw(SoapFaultReason reason) => throw new SoapFaultException(reason);
}
