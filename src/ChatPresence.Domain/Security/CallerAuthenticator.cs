using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ChatPresence.Domain.Directory;
using ChatPresence.Domain.Identity;
using ChatPresence.Domain.Telemetry;
using ChatPresence.Domain.Text;

namespace ChatPresence.Domain.Security;

/// <summary>
/// The one place a presented credential becomes a <see cref="Caller"/>, for SOAP and REST alike: application token
/// (online mode), ticket, Bearer token, Basic (on-site, and only when allowed), and password logins with throttling.
/// Facades only take credentials out of their wire form and map refusals back to it.
/// </summary>
public sealed class CallerAuthenticator
{
    private const int MaxRememberedBasic = 10_000;

    private readonly TicketAuthority tickets;
    private readonly Passwords passwords;
    private readonly DirectoryCache directory;
    private readonly IBearerTokenValidator bearer;
    private readonly LoginThrottle throttle;
    private readonly ILoginAttemptStore? sharedAttempts;
    private readonly SecurityOptions options;
    private readonly TimeProvider clock;
    private readonly ApplicationTokens applicationTokens;
    private readonly byte[] basicKey = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<UInt128, RememberedBasic> rememberedBasic = new();
    private readonly ConcurrentDictionary<UInt128, Lazy<Task<ChatUser?>>> verifyingBasic = new();

    /// <param name="sharedAttempts">Where every host counts wrong passwords (PostgreSQL); null counts them in this process only.</param>
    public CallerAuthenticator(TicketAuthority tickets, Passwords passwords, DirectoryCache directory, IBearerTokenValidator bearer, SecurityOptions options, TimeProvider clock, ILoginAttemptStore? sharedAttempts = null)
    {
        this.sharedAttempts = sharedAttempts;
        this.tickets = tickets;
        this.passwords = passwords;
        this.directory = directory;
        this.bearer = bearer;
        this.options = options;
        this.clock = clock;
        throttle = new LoginThrottle(options.LoginThrottle, clock);
        applicationTokens = new ApplicationTokens(options.ApplicationTokens);
    }

    public InstallationMode Mode => options.Mode;

    /// <summary>Basic is accepted only on-site, and only when not switched off.</summary>
    public bool BasicAllowed => options.Mode == InstallationMode.Onsite && options.AllowBasic;

    /// <summary>The caller behind <paramref name="credential"/>, or a <see cref="ChatPresenceException"/> saying why not.</summary>
    public async ValueTask<Caller> AuthenticateAsync(CallerCredential credential, string? applicationToken, string? clientAddress, string language, CancellationToken cancellationToken)
    {
        try
        {
            CheckApplicationToken(applicationToken, language);
            switch (credential.Kind)
            {
                case CredentialKind.Ticket:
                    return await tickets.AuthenticateTicketAsync(credential.Secret, language, cancellationToken);
                case CredentialKind.Bearer:
                    return await BearerAsync(credential.Secret!, language, cancellationToken);
                case CredentialKind.Basic when !BasicAllowed:
                    throw ChatPresenceException.Create(FailureReason.NotAuthenticated, language, TextId.BasicNotAllowed);
                case CredentialKind.Basic:
                    return await BasicAsync(credential.UserName!, credential.Secret!, clientAddress, language, cancellationToken);
                default:
                    throw ChatPresenceException.Create(FailureReason.NotAuthenticated, language, TextId.NotAuthenticated);
            }
        }
        catch (StoreUnavailableException e)
        {
            throw e.ToRefusal(language);
        }
        catch (ChatPresenceException e) when (ChatPresenceMetrics.CredentialRefused(e.Reason))
        {
            throw; // not reached: the filter only counts
        }
    }

    /// <summary>
    /// A user name/password login that issues a ticket (SoPrincipal, REST Login). A wrong password is a result, not an
    /// exception; a missing application token (online) or a throttled login/address is an exception.
    /// </summary>
    public Task<LoginResult> LoginAsync(string? userName, string? password, string? applicationToken, string? clientAddress, string language, CancellationToken cancellationToken) =>
        LoginAsync(userName, password, applicationToken, clientAddress, language, static _ => { }, cancellationToken);

    /// <summary>
    /// As above, and <paramref name="writeReply"/> renders the reply that carries the ticket. A ticket whose reply
    /// could not be rendered (or whose call was cancelled meanwhile) is revoked at once: a failed login leaves no row.
    /// </summary>
    public async Task<LoginResult> LoginAsync(string? userName, string? password, string? applicationToken, string? clientAddress, string language, Action<LoginResult> writeReply, CancellationToken cancellationToken)
    {
        ChatUser? user;
        try
        {
            CheckApplicationToken(applicationToken, language);
            user = await VerifyPasswordAsync(userName, password, clientAddress, language, cancellationToken);
        }
        catch (StoreUnavailableException e)
        {
            throw e.ToRefusal(language);
        }
        catch (ChatPresenceException e) when (ChatPresenceMetrics.CredentialRefused(e.Reason))
        {
            throw; // not reached: the filter only counts
        }

        if (user is null)
        {
            ChatPresenceMetrics.CredentialRefused(FailureReason.NotAuthenticated);
            var refused = new LoginResult(false, null, null, Texts.Get(language, TextId.WrongUserNameOrPassword));
            writeReply(refused);
            return refused;
        }

        LoginResult login;
        try
        {
            login = new LoginResult(true, user, await tickets.IssueTicketAsync(user.Id, cancellationToken), null);
        }
        catch (StoreUnavailableException e)
        {
            throw e.ToRefusal(language);
        }

        try
        {
            writeReply(login);
            cancellationToken.ThrowIfCancellationRequested();
        }
        catch
        {
            await tickets.RevokeTicketAsync(login.Ticket!, CancellationToken.None);
            throw;
        }

        return login;
    }

    /// <summary>Ends a session's ticket (on every host: the store's change log carries the revocation).</summary>
    public async Task<bool> LogoutAsync(string ticket, CancellationToken cancellationToken)
    {
        try
        {
            return await tickets.RevokeTicketAsync(ticket, cancellationToken);
        }
        catch (StoreUnavailableException e)
        {
            throw e.ToRefusal(Texts.DefaultLanguage);
        }
    }

    private void CheckApplicationToken(string? applicationToken, string language)
    {
        if (options.Mode == InstallationMode.Online && !applicationTokens.IsRegistered(applicationToken))
        {
            throw ChatPresenceException.Create(FailureReason.ApplicationTokenRequired, language, TextId.ApplicationTokenRequired);
        }
    }

    /// <summary>
    /// Checks a password under the throttle: a check is reserved before it runs, atomically, so parallel attempts
    /// cannot get more checks than the limit; the outcome is counted afterwards. With shared counts (PostgreSQL) the
    /// reservation is the per-host gate, and the shared count, read before the password is looked at, decides the lock.
    /// </summary>
    private async Task<ChatUser?> VerifyPasswordAsync(string? userName, string? password, string? clientAddress, string language, CancellationToken cancellationToken)
    {
        var login = string.IsNullOrEmpty(userName) ? null : userName;
        var wait = throttle.TryReserve(login, clientAddress);
        if (wait > TimeSpan.Zero)
        {
            throw Throttled(wait, language);
        }

        var keys = sharedAttempts is null ? [] : LoginThrottle.KeysOf(login, clientAddress);
        ChatUser? user;
        IReadOnlyList<LoginFailures>? counted = null;
        try
        {
            counted = await ReadSharedFailuresAsync(keys, cancellationToken);
            wait = counted is null ? TimeSpan.Zero : throttle.Adopt(login, clientAddress, counted);
            user = wait > TimeSpan.Zero ? null : await passwords.VerifyAsync(userName, password, cancellationToken);
        }
        catch
        {
            throttle.Release(login, clientAddress);
            throw;
        }

        if (wait > TimeSpan.Zero)
        {
            // Locked by failures on other hosts: this host now holds the lock too, and the password was not looked at.
            throttle.Release(login, clientAddress);
            throw Throttled(wait, language);
        }

        if (user is null)
        {
            IReadOnlyList<LoginFailures>? shared = null;
            try
            {
                shared = await RecordSharedFailureAsync(keys);
            }
            finally
            {
                throttle.Failed(login, clientAddress, shared);
            }

            if (throttle.RetryAfter(login, clientAddress) > TimeSpan.Zero)
            {
                ChatPresenceMetrics.ThrottleLocked();
            }
        }
        else
        {
            // A read that found no failures for the login (or none at all) needs no clearing round trip.
            try
            {
                if (login is not null && (counted is null || counted.Any(f => f.Key == LoginThrottle.LoginKey(login))))
                {
                    await ClearSharedFailuresAsync(login);
                }
            }
            finally
            {
                throttle.Succeeded(login!, clientAddress);
            }
        }

        return user;
    }

    /// <summary>The shared counts for <paramref name="keys"/>; null without a shared store, or while it is unreachable (per-host counts then).</summary>
    private async Task<IReadOnlyList<LoginFailures>?> ReadSharedFailuresAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        if (sharedAttempts is null || keys.Count == 0)
        {
            return null;
        }

        try
        {
            return await sharedAttempts.GetFailuresAsync(keys, cancellationToken);
        }
        catch (StoreUnavailableException)
        {
            return null;
        }
    }

    /// <summary>Counts a failure on every host; not cancellable (the caller has had its answer's cost already). Null when not shared.</summary>
    private async Task<IReadOnlyList<LoginFailures>?> RecordSharedFailureAsync(IReadOnlyList<string> keys)
    {
        if (sharedAttempts is null || keys.Count == 0)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        try
        {
            return await sharedAttempts.RecordFailuresAsync(keys, now, now - options.LoginThrottle.Window, CancellationToken.None);
        }
        catch (StoreUnavailableException)
        {
            return null;
        }
    }

    private async Task ClearSharedFailuresAsync(string login)
    {
        if (sharedAttempts is null)
        {
            return;
        }

        try
        {
            await sharedAttempts.ClearAsync(LoginThrottle.LoginKey(login), CancellationToken.None);
        }
        catch (StoreUnavailableException)
        {
            // The count stays on the other hosts until the window ends; this host clears its own below.
        }
    }

    private static ChatPresenceException Throttled(TimeSpan wait, string language)
    {
        var seconds = (int)Math.Ceiling(wait.TotalSeconds);
        return ChatPresenceException.CreateRetryable(FailureReason.Throttled, TimeSpan.FromSeconds(seconds), language, TextId.LoginThrottled, seconds);
    }

    private async ValueTask<Caller> BearerAsync(string token, string language, CancellationToken cancellationToken)
    {
        var subject = await bearer.ValidateAsync(token, cancellationToken);
        if (subject is not null)
        {
            var view = await directory.GetAsync(cancellationToken);
            var user = bearer.UserClaimType == UserClaimType.Login
                ? view.FindUserByLogin(subject)
                : int.TryParse(subject, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? view.FindUser(id) : null;
            if (user is not null)
            {
                return new Caller(user.Id, language);
            }
        }

        throw ChatPresenceException.Create(FailureReason.NotAuthenticated, language, TextId.NotAuthenticated);
    }

    private async ValueTask<Caller> BasicAsync(string userName, string password, string? clientAddress, string language, CancellationToken cancellationToken)
    {
        // A polling client sends the same header every few seconds: remember a verified one (as a keyed hash) for a
        // short while instead of paying a PBKDF2 hash per call.
        var key = KeyOf(userName, password);
        if (rememberedBasic.TryGetValue(key, out var known))
        {
            if (clock.GetUtcNow() < known.Until)
            {
                return new Caller(known.UserId, language);
            }

            rememberedBasic.TryRemove(key, out _);
        }

        // A locked login or address is refused before joining a flight (the flight reserves its one check itself).
        if (throttle.RetryAfter(userName, clientAddress) is var wait && wait > TimeSpan.Zero)
        {
            throw Throttled(wait, language);
        }

        // Single flight: the requests that find the same header unverified at once share one PBKDF2 verification, so a
        // remembered credential expiring under load costs one hash, not one per waiting request.
        var flight = verifyingBasic.GetOrAdd(key, static (k, state) => new Lazy<Task<ChatUser?>>(
            () => state.Self.VerifyAndRememberAsync(k, state.UserName, state.Password, state.ClientAddress, state.Language)),
            (Self: this, UserName: userName, Password: password, ClientAddress: clientAddress, Language: language));
        ChatUser? user;
        try
        {
            user = await flight.Value.WaitAsync(cancellationToken);
        }
        finally
        {
            verifyingBasic.TryRemove(KeyValuePair.Create(key, flight));
        }

        return user is null
            ? throw ChatPresenceException.Create(FailureReason.NotAuthenticated, language, TextId.WrongUserNameOrPassword)
            : new Caller(user.Id, language);
    }

    /// <summary>Runs once per flight, not cancelled by any one caller; remembers a verified header before the flight ends.</summary>
    private async Task<ChatUser?> VerifyAndRememberAsync(UInt128 key, string userName, string password, string? clientAddress, string language)
    {
        var user = await VerifyPasswordAsync(userName, password, clientAddress, language, CancellationToken.None);
        var lifetime = options.BasicCredentialLifetime;
        if (user is not null && lifetime > TimeSpan.Zero)
        {
            if (rememberedBasic.Count >= MaxRememberedBasic)
            {
                rememberedBasic.Clear();
            }

            // Jittered (80–100 % of the lifetime), so headers verified together (a restart, a burst) do not all expire
            // in the same second on every host.
            var jittered = lifetime * (0.8 + (0.2 * Random.Shared.NextDouble()));
            rememberedBasic[key] = new RememberedBasic(user.Id, clock.GetUtcNow() + jittered);
        }

        return user;
    }

    private UInt128 KeyOf(string userName, string password)
    {
        Span<byte> hash = stackalloc byte[32];
        HMACSHA256.HashData(basicKey, Encoding.UTF8.GetBytes(userName.ToUpperInvariant() + "\0" + password), hash);
        return BinaryPrimitives.ReadUInt128LittleEndian(hash);
    }

    private sealed record RememberedBasic(int UserId, DateTimeOffset Until);
}
