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

    /// <summary>A ticket; surrounding whitespace is not part of it (see <see cref="TrimSurrounding"/>).</summary>
    public static CallerCredential Ticket(string ticket) => new(CredentialKind.Ticket, TrimSurrounding(ticket));

    public static CallerCredential Bearer(string token) => new(CredentialKind.Bearer, TrimSurrounding(token));

    public static CallerCredential Basic(string userName, string password) => new(CredentialKind.Basic, password, userName);

    /// <summary>
    /// The one rule for both facades: space, tab, CR and LF around a ticket or token are dropped (an XML
    /// pretty-printer puts them around <c>Credentials/Ticket</c>; HTTP drops them around header values anyway).
    /// Whitespace inside stays, and makes the credential unknown.
    /// </summary>
    public static string TrimSurrounding(string? value) => (value ?? string.Empty).Trim(Whitespace);

    private static readonly char[] Whitespace = [' ', '\t', '\r', '\n'];

    public override string ToString() => UserName is null ? Kind.ToString() : $"{Kind} ({UserName})";
}
