using System.Security;
using System.Text;

namespace ChatPresence.Soap;

/// <summary>
/// The WS-Addressing version a request used. SOAP 1.1 is always None (BasicHttpBinding: WS-Addressing headers are
/// unknown headers there); on SOAP 1.2 the namespace of the first WS-Addressing header decides, as if WCF had an
/// endpoint per message version at this address.
/// </summary>
public enum SoapAddressing
{
    None,
    WSAddressing10,
    August2004,
}

/// <summary>
/// WS-Addressing as a WCF service applies it (CoreWCF: Channels/AddressingVersion.cs, Channels/HttpChannelHelpers.cs
/// ProcessHttpAddressing, Dispatcher/ChannelHandler.cs, Dispatcher/ImmutableDispatchRuntime.cs,
/// Channels/RequestReplyCorrelator.cs): the action that dispatches, the checks before dispatch and the reply headers.
/// </summary>
public static class WsAddressing
{
    private const string Anonymous10 = SoapNames.Addressing10 + "/anonymous";
    private const string None10 = SoapNames.Addressing10 + "/none";
    private const string Anonymous200408 = SoapNames.Addressing200408 + "/role/anonymous";

    /// <summary>The version whose namespace is <paramref name="ns"/>, or None.</summary>
    public static SoapAddressing FromNamespace(string ns) => ns switch
    {
        SoapNames.Addressing10 => SoapAddressing.WSAddressing10,
        SoapNames.Addressing200408 => SoapAddressing.August2004,
        _ => SoapAddressing.None,
    };

    /// <summary>AddressingVersion.Namespace: the namespace of addressing fault codes (WCF's "addressing/none" for None).</summary>
    public static string Namespace(SoapAddressing addressing) => addressing switch
    {
        SoapAddressing.WSAddressing10 => SoapNames.Addressing10,
        SoapAddressing.August2004 => SoapNames.Addressing200408,
        _ => SoapNames.AddressingNone,
    };

    /// <summary>AddressingVersion.FaultAction: the action of addressing faults.</summary>
    public static string? FaultAction(SoapAddressing addressing) => addressing switch
    {
        SoapAddressing.WSAddressing10 => SoapNames.Addressing10 + "/fault",
        SoapAddressing.August2004 => SoapNames.Addressing200408 + "/fault",
        _ => null,
    };

    /// <summary>AddressingVersion.DefaultFaultAction: the action of other SOAP faults (MustUnderstand, ours).</summary>
    public static string? DefaultFaultAction(SoapAddressing addressing) => addressing switch
    {
        SoapAddressing.WSAddressing10 => SoapNames.Addressing10 + "/soap/fault",
        SoapAddressing.August2004 => SoapNames.Addressing200408 + "/fault",
        _ => null,
    };

    /// <summary>
    /// The checks WCF makes between the HTTP request and the operation, for a request already read:
    /// throws the fault WCF sends when one fails. <paramref name="httpAction"/> is the SOAPAction / Content-Type action.
    /// </summary>
    public static void CheckDispatch(SoapRequest request, SoapService service, string httpAction)
    {
        if (request.Addressing == SoapAddressing.None)
        {
            // The HTTP action is the message's action. (The reader already matched a known one against the body.)
            if (httpAction.Length > 0 && SoapOperations.FromAction(service, httpAction) == SoapOperation.None)
            {
                SoapFaultException.Throw(SoapFaultReason.ActionNotSupported, httpAction, request: request);
            }

            return;
        }

        var action = request.AddressingAction;
        if (httpAction.Length > 0 && !string.Equals(action, httpAction, StringComparison.Ordinal))
        {
            // HttpChannelHelpers.ProcessHttpAddressing; only WS-Addressing 1.0 has a fault for it (FaultConverter), else the internal fault.
            SoapFaultException.Throw(request.Addressing == SoapAddressing.WSAddressing10 ? SoapFaultReason.ActionMismatch : SoapFaultReason.InternalError, action, httpAction, request);
        }

        if (action is null)
        {
            // ChannelHandler.ReplyContractFilterDidNotMatch: a MessageHeaderException, a fault only in WS-Addressing 1.0.
            SoapFaultException.Throw(request.Addressing == SoapAddressing.WSAddressing10 ? SoapFaultReason.AddressingHeaderRequired : SoapFaultReason.InternalError, request: request);
        }

        var operation = SoapOperations.FromAction(service, action);
        if (operation == SoapOperation.None)
        {
            SoapFaultException.Throw(SoapFaultReason.ActionNotSupported, action, request: request);
        }

        if (request.ReplyTo is { } replyTo && replyTo != (request.Addressing == SoapAddressing.WSAddressing10 ? Anonymous10 : Anonymous200408))
        {
            // ImmutableDispatchRuntime refuses the None address (SFxRequestReplyNone, sent as the internal fault).
            SoapFaultException.Throw(replyTo == None10 && request.Addressing == SoapAddressing.WSAddressing10 ? SoapFaultReason.InternalError : SoapFaultReason.ReplyToNotAnonymous, replyTo, request: request);
        }

        if (request.Operation != operation)
        {
            // The operation formatter finds another wrapper element than the action's: WCF's internal fault.
            SoapFaultException.Throw(SoapFaultReason.InternalError, request: request);
        }
    }

    /// <summary>
    /// The WS-Addressing headers of a reply to <paramref name="request"/> (XML for the envelope's <c>s:Header</c>;
    /// <c>s</c> is the envelope prefix of every reply): <c>Action</c>, <c>RelatesTo</c> the request's MessageID, and
    /// for August 2004 <c>To</c> anonymous. Empty when the request used no addressing.
    /// </summary>
    public static string ReplyHeaders(SoapRequest? request, string? action)
    {
        if (request is null || request.Addressing == SoapAddressing.None || action is null)
        {
            return string.Empty;
        }

        var ns = Namespace(request.Addressing);
        var builder = new StringBuilder(256);
        builder.Append("<a:Action s:mustUnderstand=\"1\" xmlns:a=\"").Append(ns).Append("\">").Append(SecurityElement.Escape(action)).Append("</a:Action>");
        if (request.MessageId is { } id)
        {
            builder.Append("<a:RelatesTo xmlns:a=\"").Append(ns).Append("\">").Append(SecurityElement.Escape(id)).Append("</a:RelatesTo>");
        }

        if (request.Addressing == SoapAddressing.August2004)
        {
            builder.Append("<a:To s:mustUnderstand=\"1\" xmlns:a=\"").Append(ns).Append("\">").Append(Anonymous200408).Append("</a:To>");
        }

        return builder.ToString();
    }

    /// <summary>The reply action of <paramref name="operation"/>: its input action + "Response" (the WSDL's output actions).</summary>
    public static string ResponseAction(SoapOperation operation) =>
        (operation == SoapOperation.AuthenticateUsernamePassword ? SoapNames.SoPrincipalActionPrefix : SoapNames.ChatActionPrefix)
        + SoapOperations.ResponseElement(operation);
}
