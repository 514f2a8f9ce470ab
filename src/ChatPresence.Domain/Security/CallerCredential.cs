using ChatPresence.Domain.Identity;

namespace ChatPresence.Domain.Security;

/// <summary>What a caller presented, already taken out of its wire form by a facade.</summary>
public enum CredentialKind
{
    /// <summary>Nothing at all.</summary>
    None,

    /// <summary>Something that is none of the schemes below (unknown scheme, bad Base64, …).</summary>
    Malformed,

    Ticket,
    Basic,
    Bearer,
}

/// <summary>
/// A credential as presented. <see cref="Secret"/> is the ticket, the Bearer token or the password; it must never be
/// logged, so <see cref="ToString"/> leaves it out.
/// </summary>
public readonly record struct CallerCredential(CredentialKind Kind, string? Secret = null, string? UserName = null)
{
    public static CallerCredential None => default;

    public static CallerCredential Malformed => new(CredentialKind.Malformed);

    public static CallerCredential Ticket(string ticket) => new(CredentialKind.Ticket, ticket);

    public static CallerCredential Bearer(string token) => new(CredentialKind.Bearer, token);

    public static CallerCredential Basic(string userName, string password) => new(CredentialKind.Basic, password, userName);

    /// <summary>
    /// The SOAP <c>Credentials/Ticket</c> header: a <c>7T:</c> ticket, or in online mode also a Bearer token.
    /// </summary>
    public static CallerCredential FromSoapTicket(string? value, InstallationMode mode) =>
        string.IsNullOrEmpty(value) ? None
        : value.StartsWith(TicketAuthority.TicketPrefix, StringComparison.Ordinal) ? Ticket(value)
        : mode == InstallationMode.Online ? Bearer(value)
        : Malformed;

    public override string ToString() => UserName is null ? Kind.ToString() : $"{Kind} ({UserName})";
}
