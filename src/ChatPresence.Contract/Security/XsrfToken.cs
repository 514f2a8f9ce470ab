using System.Security.Cryptography;
using System.Text;

namespace ChatPresence.Contract.Security;

/// <summary>
/// The anti-forgery token that goes with a session ticket (REST's <c>XSRF-TOKEN</c> cookie and <c>X-XSRF-TOKEN</c>
/// header): derived from the ticket, so nothing more is stored, and a page that cannot read the (HttpOnly) ticket
/// cannot compute it. A browser-session concept of the wire, not a domain one.
/// </summary>
internal static class XsrfToken
{
    public static string For(string ticket)
    {
        Span<byte> hash = stackalloc byte[32];
        HMACSHA256.HashData("ChatPresence XSRF"u8, Encoding.UTF8.GetBytes(ticket), hash);
        return Convert.ToBase64String(hash).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
