using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace ChatPresence.Soap;

/// <summary>
/// Why a request was refused before it reached an operation. Each reason has one HTTP status, one SOAP code (and
/// subcode) and one reason text, see <see cref="SoapFault.For"/>; where WCF refuses the same request, all of them are
/// WCF's (docs/wcf-fidelity.md).
/// </summary>
public enum SoapFaultReason
{
    /// <summary>The body is not well-formed XML, or not a SOAP envelope.</summary>
    MalformedXml,

    /// <summary>The body carries a DTD (entity expansion attacks): never processed.</summary>
    DtdProhibited,

    /// <summary>The envelope namespace is not that of the SOAP version the Content-Type asked for.</summary>
    VersionMismatch,

    /// <summary>The message's action (HTTP action, or <c>wsa:Action</c> with WS-Addressing) names no operation of this service.</summary>
    ActionNotSupported,

    /// <summary>WS-Addressing 1.0: <c>wsa:Action</c> differs from the HTTP action (the Content-Type <c>action</c> parameter).</summary>
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

    /// <summary>
    /// What WCF answers with its internal service fault: anything unexpected before dispatch, a body element of
    /// another operation than the action names, a ReplyTo of the None address, an August 2004 action mismatch.
    /// </summary>
    InternalError,

    /// <summary>WS-Addressing 1.0 headers without <c>wsa:Action</c>.</summary>
    AddressingHeaderRequired,

    /// <summary>A <c>wsa:ReplyTo</c> other than the anonymous address: replies go only on the HTTP response.</summary>
    ReplyToNotAnonymous,
}

/// <summary>A fault as written: status, code, subcodes, reason text, and what WS-Addressing replies add.</summary>
/// <param name="Status">HTTP status.</param>
/// <param name="Code">The SOAP code kind: Sender, Receiver, VersionMismatch or MustUnderstand.</param>
/// <param name="Subcode">Local name of the subcode (SOAP 1.2 Subcode; SOAP 1.1 <c>faultcode</c>, as WCF writes it), or null.</param>
/// <param name="SubcodeNamespace">Namespace of the subcode (and of <paramref name="InnerSubcode"/>).</param>
/// <param name="Text">The reason: WCF's resource wording where WCF sends this fault, fixed English otherwise; never internals.</param>
/// <param name="InnerSubcode">A second-level subcode (SOAP 1.2 only), or null.</param>
/// <param name="ProblemHeader">WS-Addressing 1.0 faults: the local name of the header named in <c>wsa:ProblemHeaderQName</c>.</param>
/// <param name="Action">The <c>wsa:Action</c> of the fault when the request used WS-Addressing.</param>
public sealed record SoapFault(
    int Status, SoapFaultCode Code, string? Subcode, string? SubcodeNamespace, string Text,
    string? InnerSubcode = null, string? ProblemHeader = null, string? Action = null)
{
    /// <summary>WCF writes <c>xml:lang</c> from the server's current culture; an English server's is en-US.</summary>
    public const string Language = "en-US";

    private const int Fault = StatusCodes.Status500InternalServerError;

    // WCF's resource strings (CoreWCF src/CoreWCF.Primitives/src/Resources/Strings.resx, src/CoreWCF.Http/src/Resources/Strings.resx).
    private const string NoEndpointMatchingContract = "The message with Action '{0}' cannot be processed at the receiver, due to a ContractFilter mismatch at the EndpointDispatcher. This may be because of either a contract mismatch (mismatched Actions between sender and receiver) or a binding/security mismatch between the sender and the receiver.  Check that sender and receiver have the same contract and the same binding (including security requirements, e.g. Message, Transport, None).";
    private const string HttpSoapActionMismatchFault = "The SOAP action specified on the message, '{0}', does not match the HTTP SOAP Action, '{1}'. ";
    private const string HeaderNotUnderstood = "The header '{0}' from the namespace '{1}' was not understood by the recipient of this message, causing the message to not be processed.  This error typically indicates that the sender of this message has enabled a communication protocol that the receiver cannot process.  Please ensure that the configuration of the client's binding is consistent with the service's binding. ";
    private const string InternalServerError = "The server was unable to process the request due to an internal error.  For more information about the error, either turn on IncludeExceptionDetailInFaults (either from ServiceBehaviorAttribute or from the <serviceDebug> configuration behavior) on the server in order to send the exception information back to the client, or turn on tracing as per the Microsoft .NET Framework SDK documentation and inspect the server trace logs.";
    private const string DeserializationFailedText = "The formatter threw an exception while trying to deserialize the message: Error in deserializing body of request message for operation '{0}'.";
    private const string MissingActionHeader = "No Action header was found with namespace '{0}' for the given message.";

    // Ours: WCF answers a non-anonymous ReplyTo on the HTTP response anyway (see docs/wcf-fidelity.md).
    private const string ReplyToText = "The ReplyTo address '{0}' cannot be answered: this endpoint sends replies only on the HTTP response (the anonymous address).";

    /// <summary>
    /// The fault for <paramref name="reason"/> answering a request with <paramref name="addressing"/>;
    /// <paramref name="first"/> and <paramref name="second"/> fill the reason text (an action, a header name and namespace,
    /// an operation name).
    /// </summary>
    public static SoapFault For(SoapFaultReason reason, SoapAddressing addressing = SoapAddressing.None, string? first = null, string? second = null)
    {
        var wsa = WsAddressing.Namespace(addressing);
        var fault = reason switch
        {
            SoapFaultReason.MalformedXml => Ours(SoapFaultCode.Sender, "InvalidMessage", "The request is not a well-formed SOAP envelope."),
            SoapFaultReason.DtdProhibited => Ours(SoapFaultCode.Sender, "InvalidMessage", "DTDs are not allowed in SOAP messages."),
            SoapFaultReason.VersionMismatch => new SoapFault(Fault, SoapFaultCode.VersionMismatch, null, null, "The envelope namespace does not match the SOAP version of the Content-Type."),
            SoapFaultReason.ActionNotSupported => new SoapFault(Fault, SoapFaultCode.Sender, "ActionNotSupported", wsa, Format(NoEndpointMatchingContract, first), Action: WsAddressing.FaultAction(addressing)),
            SoapFaultReason.ActionMismatch => new SoapFault(Fault, SoapFaultCode.Sender, "ActionMismatch", SoapNames.Addressing10, Format(HttpSoapActionMismatchFault, first, second), ProblemHeader: "Action", Action: WsAddressing.FaultAction(addressing)),
            SoapFaultReason.MustUnderstand => new SoapFault(Fault, SoapFaultCode.MustUnderstand, null, null, Format(HeaderNotUnderstood, first, second)),
            SoapFaultReason.EmptyBody => Ours(SoapFaultCode.Sender, "EmptyBody", "The request has no operation in its body."),
            SoapFaultReason.QuotaExceeded => Ours(SoapFaultCode.Sender, "QuotaExceeded", "The request exceeds a reader quota (depth, name or string length)."),
            SoapFaultReason.DeserializationFailed => Ours(SoapFaultCode.Sender, "DeserializationFailed", Format(DeserializationFailedText, first)) with { Action = SoapNames.DispatcherFaultAction },
            SoapFaultReason.BodyTooLarge => Ours(SoapFaultCode.Sender, "QuotaExceeded", "The request body is larger than allowed.") with { Status = StatusCodes.Status413PayloadTooLarge },
            SoapFaultReason.UnsupportedMediaType => Ours(SoapFaultCode.Sender, "ContentTypeNotSupported", "The Content-Type must be text/xml (SOAP 1.1) or application/soap+xml (SOAP 1.2).") with { Status = StatusCodes.Status415UnsupportedMediaType },
            SoapFaultReason.AddressingHeaderRequired => new SoapFault(Fault, SoapFaultCode.Sender, "MessageAddressingHeaderRequired", SoapNames.Addressing10, Format(MissingActionHeader, wsa), ProblemHeader: "Action", Action: WsAddressing.FaultAction(addressing)),
            SoapFaultReason.ReplyToNotAnonymous => addressing == SoapAddressing.August2004
                ? new SoapFault(Fault, SoapFaultCode.Sender, "InvalidMessageInformationHeader", wsa, Format(ReplyToText, first), Action: WsAddressing.FaultAction(addressing))
                : new SoapFault(Fault, SoapFaultCode.Sender, "InvalidAddressingHeader", wsa, Format(ReplyToText, first), "OnlyAnonymousAddressSupported", "ReplyTo", WsAddressing.FaultAction(addressing)),
            SoapFaultReason.InternalError => new SoapFault(Fault, SoapFaultCode.Receiver, "InternalServiceFault", SoapNames.Dispatcher, InternalServerError, Action: SoapNames.DispatcherFaultAction),
            _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
        };

        return addressing == SoapAddressing.None ? fault with { Action = null } : fault with { Action = fault.Action ?? WsAddressing.DefaultFaultAction(addressing) };
    }

    /// <summary>Faults WCF does not send (it drops such requests at the transport): our own subcodes in WCF's dispatcher namespace.</summary>
    private static SoapFault Ours(SoapFaultCode code, string subcode, string text) => new(Fault, code, subcode, SoapNames.Dispatcher, text);

    private static string Format(string format, string? first, string? second = null) =>
        string.Format(CultureInfo.InvariantCulture, format, first ?? string.Empty, second ?? string.Empty);

    /// <summary>The local name of the SOAP code (1.1 <c>faultcode</c> without a subcode, 1.2 Code/Value) in the envelope namespace.</summary>
    public string CodeName(SoapVersion version) => Code switch
    {
        SoapFaultCode.Sender => version.SenderCode,
        SoapFaultCode.Receiver => version.ReceiverCode,
        SoapFaultCode.VersionMismatch => "VersionMismatch",
        _ => "MustUnderstand",
    };
}

public enum SoapFaultCode
{
    Sender,
    Receiver,
    VersionMismatch,
    MustUnderstand,
}

/// <summary>
/// Thrown by the request reader and the action dispatch; caught by the endpoint and written as a fault.
/// <see cref="Request"/> is what was read before the refusal (its WS-Addressing headers shape the fault reply).
/// </summary>
public sealed class SoapFaultException(SoapFaultReason reason, string? first = null, string? second = null, SoapRequest? request = null)
    : Exception(SoapFault.For(reason).Text)
{
    public SoapFaultReason Reason { get; } = reason;

    /// <summary>First value of the reason text (an action, a header name, an operation).</summary>
    public string? First { get; } = first;

    /// <summary>Second value of the reason text (the HTTP action, a header namespace).</summary>
    public string? Second { get; } = second;

    public SoapRequest? Request { get; } = request;

    [DoesNotReturn]
    public static void Throw(SoapFaultReason reason, string? first = null, string? second = null, SoapRequest? request = null) =>
        throw new SoapFaultException(reason, first, second, request);

    /// <summary>The same refusal, with what had been read.</summary>
    public SoapFaultException With(SoapRequest request) => new(Reason, First, Second, request);
}
