using ChatPresence.Domain.Identity;
using ChatPresence.Domain.Security;

namespace ChatPresence.Contract.Security;

/// <summary>Credentials as they arrive in the published contract's own fields (not HTTP headers).</summary>
internal static class WireCredential
{
    /// <summary>
    /// The SOAP <c>Credentials/Ticket</c> header: a <c>7T:</c> ticket, or in online mode also a Bearer token.
    /// </summary>
    public static CallerCredential FromSoapTicket(string? value, InstallationMode mode)
    {
        var text = CallerCredential.TrimSurrounding(value);
        return string.IsNullOrEmpty(text) ? CallerCredential.None
            : text.StartsWith(TicketAuthority.TicketPrefix, StringComparison.Ordinal) ? CallerCredential.Ticket(text)
            : mode == InstallationMode.Online ? CallerCredential.Bearer(text)
            : CallerCredential.Malformed;
    }
}
