using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using ChatPresence.Domain;
using ChatPresence.Domain.Identity;
using ChatPresence.Domain.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace ChatPresence.Rest;

/// <summary>
/// Who is calling: the one place the REST facade turns request credentials into a <see cref="Caller"/>.
/// <list type="bullet">
/// <item><c>Authorization: SoTicket 7T:…</c> (scheme case-insensitive) → <see cref="TicketAuthority.AuthenticateTicketAsync"/>.</item>
/// <item><c>Authorization: Basic base64(user:password)</c> → <see cref="TicketAuthority.AuthenticateUsernamePasswordAsync"/>.
/// That call hashes the password and mints a ticket, so a verified credential is remembered (as a keyed hash of the
/// header, never the password) together with its ticket for <see cref="RestOptions.BasicCredentialLifetime"/>; later
/// calls with the same header are checked through the ticket (so revocation still applies).</item>
/// <item>Anything else, or nothing: NotAuthenticated (401 with WWW-Authenticate).</item>
/// </list>
/// SO-AppToken, Bearer and cookie+X-XSRF-TOKEN are not handled yet (security issue).
/// </summary>
public sealed class RestCallerResolver(TicketAuthority tickets, TimeProvider clock, IOptions<RestOptions> options)
{
    private const int MaxRemembered = 10_000;

    private readonly byte[] hashKey = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<UInt128, Remembered> remembered = new();

    public async ValueTask<Caller> ResolveAsync(HttpRequest request, string language, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers[HeaderNames.Authorization].ToString().Trim();
        var space = header.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0)
        {
            throw NotAuthenticated(language);
        }

        var scheme = header[..space];
        var parameter = header[(space + 1)..].Trim();
        if (scheme.Equals("SoTicket", StringComparison.OrdinalIgnoreCase))
        {
            return await tickets.AuthenticateTicketAsync(parameter, language, cancellationToken);
        }

        if (scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            return await BasicAsync(parameter, language, cancellationToken);
        }

        throw NotAuthenticated(language);
    }

    private async ValueTask<Caller> BasicAsync(string parameter, string language, CancellationToken cancellationToken)
    {
        var lifetime = options.Value.BasicCredentialLifetime;
        var key = KeyOf(parameter);
        var now = clock.GetUtcNow();
        if (lifetime > TimeSpan.Zero && remembered.TryGetValue(key, out var known))
        {
            if (now < known.Until)
            {
                try
                {
                    return await tickets.AuthenticateTicketAsync(known.Ticket, language, cancellationToken);
                }
                catch (ChatPresenceException e) when (e.Reason == FailureReason.NotAuthenticated)
                {
                    // Revoked or expired: check the password again.
                }
            }

            remembered.TryRemove(key, out _);
        }

        if (!TryDecode(parameter, out var userName, out var password))
        {
            throw NotAuthenticated(language);
        }

        var login = await tickets.AuthenticateUsernamePasswordAsync(userName, password, language, cancellationToken);
        if (!login.Succeeded || login.User is null || login.Ticket is null)
        {
            throw new ChatPresenceException(FailureReason.NotAuthenticated, TextId.WrongUserNameOrPassword,
                login.Message ?? Texts.Get(language, TextId.WrongUserNameOrPassword));
        }

        if (lifetime > TimeSpan.Zero)
        {
            if (remembered.Count >= MaxRemembered)
            {
                remembered.Clear();
            }

            remembered[key] = new Remembered(login.Ticket, now + lifetime);
        }

        return new Caller(login.User.Id, language);
    }

    private static bool TryDecode(string parameter, out string userName, out string password)
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

    private UInt128 KeyOf(string parameter)
    {
        Span<byte> hash = stackalloc byte[32];
        HMACSHA256.HashData(hashKey, Encoding.UTF8.GetBytes(parameter), hash);
        return BinaryPrimitives.ReadUInt128LittleEndian(hash);
    }

    private static ChatPresenceException NotAuthenticated(string language) =>
        ChatPresenceException.Create(FailureReason.NotAuthenticated, language, TextId.NotAuthenticated);

    private sealed record Remembered(string Ticket, DateTimeOffset Until);
}
