using System.Security.Cryptography;
using System.Text;
using ChatPresence.Contract.Security;
using ChatPresence.Domain;
using ChatPresence.Domain.Identity;
using ChatPresence.Domain.Security;
using ChatPresence.Domain.Text;
using ChatPresence.Rest.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace ChatPresence.Rest;

/// <summary>
/// Takes the credential out of a REST request and hands it to <see cref="CallerAuthenticator"/>, which decides.
/// <list type="bullet">
/// <item><c>Authorization: SoTicket 7T:…</c>, <c>Bearer …</c> or <c>Basic base64(user:password)</c> (schemes case-insensitive).</item>
/// <item>No Authorization header, a session cookie (from <c>POST /api/v1/Login</c>) and an <c>X-XSRF-TOKEN</c> header
/// equal to the session's anti-forgery token. A cookie without it is refused: a browser sends cookies on
/// cross-site requests too, but a foreign page cannot read the token.</item>
/// <item><c>SO-AppToken</c>: the application token (required in online mode).</item>
/// </list>
/// </summary>
internal sealed class RestCallerResolver(CallerAuthenticator authenticator)
{
    public const string SessionCookie = "ChatPresence-Session";
    public const string XsrfCookie = "XSRF-TOKEN";

    public ValueTask<Caller> ResolveAsync(HttpRequest request, string language, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        CrossSiteRequestGuard.Check(request, language);
        var header = request.Headers[HeaderNames.Authorization];
        var credential = header.Count == 0 ? SessionCredential(request, language) : FromAuthorization(header.ToString());
        return AuthenticateAsync(credential, request, language, cancellationToken);
    }

    /// <summary>
    /// As <see cref="ResolveAsync"/>, for the event stream only: a browser's EventSource cannot send headers, so there
    /// the session cookie alone is enough. The stream is a safe GET that changes nothing and its reply cannot be read
    /// cross-site (no CORS), so a forged request gains nothing; every other route still needs X-XSRF-TOKEN.
    /// </summary>
    public ValueTask<Caller> ResolveStreamAsync(HttpRequest request, string language, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers[HeaderNames.Authorization];
        var credential = header.Count != 0
            ? FromAuthorization(header.ToString())
            : request.Cookies.TryGetValue(SessionCookie, out var ticket) && !string.IsNullOrEmpty(ticket)
                ? CallerCredential.Ticket(ticket)
                : CallerCredential.None;
        return AuthenticateAsync(credential, request, language, cancellationToken);
    }

    /// <summary>
    /// The session's own caller and ticket (cookie + X-XSRF-TOKEN, whatever Authorization says), with the same checks
    /// as any call: for Logout, which ends exactly that session.
    /// </summary>
    public async ValueTask<(Caller Caller, string Ticket)> ResolveSessionAsync(HttpRequest request, string language, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        CrossSiteRequestGuard.Check(request, language);
        var ticket = SessionTicket(request, language)
            ?? throw ChatPresenceException.Create(FailureReason.NotAuthenticated, language, TextId.NotAuthenticated);
        return (await AuthenticateAsync(CallerCredential.Ticket(ticket), request, language, cancellationToken), ticket);
    }

    private ValueTask<Caller> AuthenticateAsync(CallerCredential credential, HttpRequest request, string language, CancellationToken cancellationToken) =>
        authenticator.AuthenticateAsync(
            credential, request.Headers[RestHeaders.SoAppToken].ToString(), request.HttpContext.Connection.RemoteIpAddress?.ToString(), language, cancellationToken);

    /// <summary>The session's ticket when the cookie and a matching X-XSRF-TOKEN came; null when there is no cookie.</summary>
    private static string? SessionTicket(HttpRequest request, string language)
    {
        if (!request.Cookies.TryGetValue(SessionCookie, out var ticket) || string.IsNullOrEmpty(ticket))
        {
            return null;
        }

        var presented = Encoding.UTF8.GetBytes(request.Headers[RestHeaders.XsrfToken].ToString());
        var expected = Encoding.UTF8.GetBytes(XsrfToken.For(ticket));
        return CryptographicOperations.FixedTimeEquals(presented, expected)
            ? ticket
            : throw ChatPresenceException.Create(FailureReason.NotAuthenticated, language, TextId.SessionNeedsXsrfToken);
    }

    private static CallerCredential SessionCredential(HttpRequest request, string language) =>
        SessionTicket(request, language) is { } ticket ? CallerCredential.Ticket(ticket) : CallerCredential.None;

    private static CallerCredential FromAuthorization(string header)
    {
        header = header.Trim();
        var space = header.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0)
        {
            return CallerCredential.Malformed;
        }

        var scheme = header.AsSpan(0, space);
        var parameter = header[(space + 1)..].Trim();
        if (parameter.Length == 0)
        {
            return CallerCredential.Malformed;
        }

        if (scheme.Equals("SoTicket", StringComparison.OrdinalIgnoreCase))
        {
            return CallerCredential.Ticket(parameter);
        }

        if (scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return CallerCredential.Bearer(parameter);
        }

        return scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase) && TryDecodeBasic(parameter, out var userName, out var password)
            ? CallerCredential.Basic(userName, password)
            : CallerCredential.Malformed;
    }

    private static bool TryDecodeBasic(string parameter, out string userName, out string password)
    {
        userName = password = string.Empty;
        var bytes = new byte[(parameter.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64String(parameter, bytes, out var length))
        {
            return false;
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 0, length);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return false;
        }

        userName = text[..colon];
        password = text[(colon + 1)..];
        return true;
    }
}
