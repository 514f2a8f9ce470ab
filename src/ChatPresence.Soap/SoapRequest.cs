using ChatPresence.Contract.Presence;

namespace ChatPresence.Soap;

/// <summary>What a SOAP request asked for: its operation, headers and parameters.</summary>
public sealed class SoapRequest
{
    /// <summary>The operation the body element names (checked against the action by <see cref="WsAddressing.CheckDispatch"/>).</summary>
    public SoapOperation Operation { get; set; }

    /// <summary>WS-Addressing headers came in (SOAP 1.2 only): their version.</summary>
    public SoapAddressing Addressing { get; set; }

    /// <summary><c>wsa:Action</c>, or null.</summary>
    public string? AddressingAction { get; set; }

    /// <summary><c>wsa:MessageID</c>, or null: the reply's <c>wsa:RelatesTo</c>.</summary>
    public string? MessageId { get; set; }

    /// <summary>The <c>wsa:Address</c> of <c>wsa:ReplyTo</c>, or null when there was none.</summary>
    public string? ReplyTo { get; set; }

    /// <summary>The body's first element names no operation (refused once the action is known).</summary>
    public bool HasUnknownBody { get; set; }

    /// <summary>The first header marked mustUnderstand that is not understood: refused after the headers are read.</summary>
    public (string Name, string Namespace)? NotUnderstood { get; set; }

    public string? ApplicationToken { get; set; }

    public string? Ticket { get; set; }

    /// <summary>Whether a non-nil TimeZone header came in; it is echoed in the reply (a nil one is echoed as nil).</summary>
    public bool HasTimeZone { get; set; }

    public int? TimeZoneId { get; set; }

    public string? TimeZoneLocationCode { get; set; }

    /// <summary>SaveChatPresence: the entries in request order, null for a nil one (what they mean is <see cref="SaveEntries"/>'s).</summary>
    public List<SaveEntry?>? Presences { get; set; }

    /// <summary>IsWithinOpeningHours.</summary>
    public int ChatTopicId { get; set; }

    /// <summary>AuthenticateUsernamePassword.</summary>
    public string? UserName { get; set; }

    public string? Password { get; set; }
}
