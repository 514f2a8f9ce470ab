using ChatPresence.Domain.Presence;

namespace ChatPresence.Soap;

/// <summary>What a SOAP request asked for: its operation, headers and parameters.</summary>
public sealed class SoapRequest
{
    public SoapOperation Operation { get; set; }

    public string? ApplicationToken { get; set; }

    public string? Ticket { get; set; }

    /// <summary>Whether a TimeZone header came in; it is echoed in the reply.</summary>
    public bool HasTimeZone { get; set; }

    public int? TimeZoneId { get; set; }

    public string? TimeZoneLocationCode { get; set; }

    /// <summary>SaveChatPresence: the entries in request order.</summary>
    public List<ChatPresenceCarrier>? Presences { get; set; }

    /// <summary>SaveChatPresence: an entry was nil (refused as an invalid request).</summary>
    public bool HasNilPresence { get; set; }

    /// <summary>IsWithinOpeningHours.</summary>
    public int ChatTopicId { get; set; }

    /// <summary>AuthenticateUsernamePassword.</summary>
    public string? UserName { get; set; }

    public string? Password { get; set; }
}
