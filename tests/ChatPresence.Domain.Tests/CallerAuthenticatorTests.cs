using ChatPresence.Domain.Identity;
using ChatPresence.Domain.Security;
using ChatPresence.Domain.Text;
using static ChatPresence.Domain.Tests.AgentWorld;

namespace ChatPresence.Domain.Tests;

public sealed class CallerAuthenticatorTests
{
    private const string AppToken = "app-token-1";
    private const string Address = "192.0.2.10";
    private static readonly CancellationToken None = CancellationToken.None;

    /// <summary>Bearer tokens are plain names here: the validator maps a token to the subject it stands for.</summary>
    private sealed class FakeBearer(UserClaimType type = UserClaimType.Id) : IBearerTokenValidator
    {
        public UserClaimType UserClaimType => type;

        public static readonly Dictionary<string, string> Subjects = new()
        {
            ["token-numeric"] = AgentA.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["token-login"] = "b",
            ["token-unknown-id"] = "999",
            ["token-unknown-login"] = "nobody",
        };

        public int Calls { get; private set; }

        public ValueTask<string?> ValidateAsync(string token, CancellationToken cancellationToken)
        {
            Calls++;
            return ValueTask.FromResult(Subjects.GetValueOrDefault(token));
        }
    }

    private static async Task<AgentWorld> WorldAsync()
    {
        var world = await CreateAsync();
        await world.Passwords.SetAsync(AgentA, "secret", None);
        return world;
    }

    private static CallerAuthenticator Authenticator(AgentWorld world, InstallationMode mode, Action<SecurityOptions>? change = null, IBearerTokenValidator? bearer = null)
    {
        var options = new SecurityOptions { Mode = mode, ApplicationTokens = [AppToken] };
        change?.Invoke(options);
        return new CallerAuthenticator(world.Tickets, world.Passwords, world.Directory, bearer ?? new FakeBearer(), options, world.Clock);
    }

    private static async Task<ChatPresenceException> RefusedAsync(CallerAuthenticator authenticator, CallerCredential credential, string? appToken = AppToken) =>
        await Assert.ThrowsAsync<ChatPresenceException>(async () => await authenticator.AuthenticateAsync(credential, appToken, Address, "en", None));

    [Theory]
    [InlineData(InstallationMode.Onsite)]
    [InlineData(InstallationMode.Online)]
    public async Task A_ticket_from_a_login_authenticates(InstallationMode mode)
    {
        await using var world = await WorldAsync();
        var authenticator = Authenticator(world, mode);
        var login = await authenticator.LoginAsync("a", "secret", AppToken, Address, "en", None);
        Assert.True(login.Succeeded);
        Assert.Equal(AgentA, (await authenticator.AuthenticateAsync(CallerCredential.Ticket(login.Ticket!), AppToken, Address, "en", None)).UserId);

        Assert.Equal(TextId.NotAuthenticated, (await RefusedAsync(authenticator, CallerCredential.Ticket("7T:unknown"))).TextId);
    }

    [Fact]
    public async Task Basic_authenticates_on_site()
    {
        await using var world = await WorldAsync();
        var authenticator = Authenticator(world, InstallationMode.Onsite);
        Assert.True(authenticator.BasicAllowed);
        var caller = await authenticator.AuthenticateAsync(CallerCredential.Basic("A", "secret"), null, Address, "en", None);
        Assert.Equal(AgentA, caller.UserId);

        var wrong = await RefusedAsync(authenticator, CallerCredential.Basic("a", "wrong"));
        Assert.Equal((FailureReason.NotAuthenticated, TextId.WrongUserNameOrPassword), (wrong.Reason, wrong.TextId));
    }

    [Fact]
    public async Task Basic_is_refused_online_even_with_the_right_password()
    {
        await using var world = await WorldAsync();
        var authenticator = Authenticator(world, InstallationMode.Online);
        Assert.False(authenticator.BasicAllowed);
        var error = await RefusedAsync(authenticator, CallerCredential.Basic("a", "secret"));
        Assert.Equal((FailureReason.NotAuthenticated, TextId.BasicNotAllowed), (error.Reason, error.TextId));
    }

    [Fact]
    public async Task Basic_switched_off_is_refused_on_site()
    {
        await using var world = await WorldAsync();
        var authenticator = Authenticator(world, InstallationMode.Onsite, o => o.AllowBasic = false);
        Assert.False(authenticator.BasicAllowed);
        Assert.Equal(TextId.BasicNotAllowed, (await RefusedAsync(authenticator, CallerCredential.Basic("a", "secret"))).TextId);
    }

    [Fact]
    public async Task A_verified_Basic_credential_is_remembered_for_its_lifetime_then_checked_again()
    {
        await using var world = await WorldAsync();
        var authenticator = Authenticator(world, InstallationMode.Onsite, o => o.BasicCredentialLifetime = TimeSpan.FromSeconds(60));
        await authenticator.AuthenticateAsync(CallerCredential.Basic("a", "secret"), null, Address, "en", None);

        // The password changes in the store: within the lifetime the remembered credential still works (not verified
        // again; expiry is jittered between 80 and 100 % of the lifetime)…
        await world.Passwords.SetAsync(AgentA, "changed", None);
        world.Clock.Advance(TimeSpan.FromSeconds(47));
        Assert.Equal(AgentA, (await authenticator.AuthenticateAsync(CallerCredential.Basic("a", "secret"), null, Address, "en", None)).UserId);

        // …and after it, the password is checked again, and the old one fails.
        world.Clock.Advance(TimeSpan.FromSeconds(14));
        Assert.Equal(TextId.WrongUserNameOrPassword, (await RefusedAsync(authenticator, CallerCredential.Basic("a", "secret"))).TextId);
        Assert.Equal(AgentA, (await authenticator.AuthenticateAsync(CallerCredential.Basic("a", "changed"), null, Address, "en", None)).UserId);
    }

    [Fact]
    public async Task Concurrent_requests_with_one_unverified_Basic_credential_verify_the_password_once()
    {
        // The thundering herd: a remembered credential expires while 32 requests carry it; each used to run PBKDF2.
        await using var world = await WorldAsync();
        var counting = new CountingPasswords(world.Store);
        var tickets = new TicketAuthority(world.Directory, counting, world.Clock, new IdentityOptions { PasswordIterations = 1000 });
        var passwords = new Passwords(world.Directory, counting, new IdentityOptions { PasswordIterations = 1000 });
        var authenticator = new CallerAuthenticator(tickets, passwords, world.Directory, new FakeBearer(), new SecurityOptions(), world.Clock);

        var callers = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(async () =>
            await authenticator.AuthenticateAsync(CallerCredential.Basic("a", "secret"), null, Address, "en", None))));

        Assert.All(callers, c => Assert.Equal(AgentA, c.UserId));
        Assert.Equal(1, counting.PasswordReads);

        // A wrong password shares nothing with the right one, and is refused to every concurrent caller.
        var refusals = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => RefusedAsync(authenticator, CallerCredential.Basic("a", "wrong"), null))));
        Assert.All(refusals, r => Assert.Equal(TextId.WrongUserNameOrPassword, r.TextId));
        Assert.Equal(2, counting.PasswordReads);
    }

    /// <summary>The real store, with password reads counted and slowed down so concurrent requests overlap.</summary>
    private sealed class CountingPasswords(ICredentialStore inner) : ICredentialStore
    {
        private int passwordReads;

        public int PasswordReads => Volatile.Read(ref passwordReads);

        public async Task<StoredPassword?> GetPasswordAsync(int userId, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref passwordReads);
            await Task.Delay(200, cancellationToken);
            return await inner.GetPasswordAsync(userId, cancellationToken);
        }

        public Task SetPasswordAsync(int userId, StoredPassword password, CancellationToken cancellationToken) => inner.SetPasswordAsync(userId, password, cancellationToken);

        public Task AddTicketAsync(StoredTicket ticket, CancellationToken cancellationToken) => inner.AddTicketAsync(ticket, cancellationToken);

        public Task<StoredTicket?> FindTicketAsync(byte[] ticketHash, CancellationToken cancellationToken) => inner.FindTicketAsync(ticketHash, cancellationToken);

        public Task TouchTicketsAsync(IReadOnlyList<TicketUse> uses, CancellationToken cancellationToken) => inner.TouchTicketsAsync(uses, cancellationToken);

        public Task<int> RevokeTicketsAsync(int userId, CancellationToken cancellationToken) => inner.RevokeTicketsAsync(userId, cancellationToken);

        public Task<bool> RevokeTicketAsync(byte[] ticketHash, CancellationToken cancellationToken) => inner.RevokeTicketAsync(ticketHash, cancellationToken);
    }

    [Fact]
    public async Task A_remembered_Basic_credential_is_only_that_user_and_password()
    {
        await using var world = await WorldAsync();
        var authenticator = Authenticator(world, InstallationMode.Onsite);
        await authenticator.AuthenticateAsync(CallerCredential.Basic("a", "secret"), null, Address, "en", None);
        Assert.Equal(TextId.WrongUserNameOrPassword, (await RefusedAsync(authenticator, CallerCredential.Basic("a", "secreT"))).TextId);
        Assert.Equal(TextId.WrongUserNameOrPassword, (await RefusedAsync(authenticator, CallerCredential.Basic("b", "secret"))).TextId);
    }

    [Fact]
    public async Task A_zero_lifetime_checks_Basic_every_time()
    {
        await using var world = await WorldAsync();
        var authenticator = Authenticator(world, InstallationMode.Onsite, o => o.BasicCredentialLifetime = TimeSpan.Zero);
        await authenticator.AuthenticateAsync(CallerCredential.Basic("a", "secret"), null, Address, "en", None);
        await world.Passwords.SetAsync(AgentA, "changed", None);
        Assert.Equal(TextId.WrongUserNameOrPassword, (await RefusedAsync(authenticator, CallerCredential.Basic("a", "secret"))).TextId);
    }

    [Theory]
    [InlineData(InstallationMode.Onsite, "token-numeric", UserClaimType.Id, AgentA)]
    [InlineData(InstallationMode.Online, "token-numeric", UserClaimType.Id, AgentA)]
    [InlineData(InstallationMode.Onsite, "token-login", UserClaimType.Login, AgentB)]
    [InlineData(InstallationMode.Online, "token-login", UserClaimType.Login, AgentB)]
    public async Task A_Bearer_token_names_the_user_by_id_or_login(InstallationMode mode, string token, UserClaimType type, int userId)
    {
        await using var world = await WorldAsync();
        var caller = await Authenticator(world, mode, bearer: new FakeBearer(type)).AuthenticateAsync(CallerCredential.Bearer(token), AppToken, Address, "nb", None);
        Assert.Equal((userId, "nb"), (caller.UserId, caller.Language));
    }

    /// <summary>Issue 10: the claim's kind is configuration, never guessed from its value.</summary>
    [Theory]
    [InlineData("token-login", UserClaimType.Id)] // a login where ids are configured is no user
    [InlineData("token-numeric", UserClaimType.Login)] // a number where logins are configured is a login, here unknown
    public async Task A_Bearer_subject_of_the_other_kind_is_not_guessed(string token, UserClaimType type)
    {
        await using var world = await WorldAsync();
        var error = await RefusedAsync(Authenticator(world, InstallationMode.Onsite, bearer: new FakeBearer(type)), CallerCredential.Bearer(token));
        Assert.Equal(FailureReason.NotAuthenticated, error.Reason);
    }

    [Theory]
    [InlineData("token-unknown-id")]
    [InlineData("token-unknown-login")]
    [InlineData("not-a-valid-token")]
    public async Task A_Bearer_token_for_no_known_user_or_an_invalid_one_is_refused(string token)
    {
        await using var world = await WorldAsync();
        var error = await RefusedAsync(Authenticator(world, InstallationMode.Onsite), CallerCredential.Bearer(token));
        Assert.Equal((FailureReason.NotAuthenticated, TextId.NotAuthenticated), (error.Reason, error.TextId));
    }

    [Theory]
    [InlineData(InstallationMode.Onsite)]
    [InlineData(InstallationMode.Online)]
    public async Task No_credential_or_a_malformed_one_is_refused(InstallationMode mode)
    {
        await using var world = await WorldAsync();
        var authenticator = Authenticator(world, mode);
        Assert.Equal(TextId.NotAuthenticated, (await RefusedAsync(authenticator, CallerCredential.None)).TextId);
        Assert.Equal(TextId.NotAuthenticated, (await RefusedAsync(authenticator, CallerCredential.Malformed)).TextId);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("app-token-2")]
    public async Task Online_every_call_and_login_needs_a_registered_application_token(string? appToken)
    {
        await using var world = await WorldAsync();
        var authenticator = Authenticator(world, InstallationMode.Online);
        var ticket = (await authenticator.LoginAsync("a", "secret", AppToken, Address, "en", None)).Ticket!;

        var call = await RefusedAsync(authenticator, CallerCredential.Ticket(ticket), appToken);
        Assert.Equal((FailureReason.ApplicationTokenRequired, TextId.ApplicationTokenRequired), (call.Reason, call.TextId));
        Assert.Equal(FailureReason.ApplicationTokenRequired, (await RefusedAsync(authenticator, CallerCredential.Bearer("token-numeric"), appToken)).Reason);
        var login = await Assert.ThrowsAsync<ChatPresenceException>(() => authenticator.LoginAsync("a", "secret", appToken, Address, "en", None));
        Assert.Equal(FailureReason.ApplicationTokenRequired, login.Reason);
    }

    [Fact]
    public async Task On_site_the_application_token_is_not_needed()
    {
        await using var world = await WorldAsync();
        var authenticator = Authenticator(world, InstallationMode.Onsite);
        var login = await authenticator.LoginAsync("a", "secret", null, Address, "en", None);
        Assert.True(login.Succeeded);
        Assert.Equal(AgentA, (await authenticator.AuthenticateAsync(CallerCredential.Ticket(login.Ticket!), "wrong-token", Address, "en", None)).UserId);
    }

    [Theory]
    [InlineData(InstallationMode.Onsite)]
    [InlineData(InstallationMode.Online)]
    public async Task Wrong_passwords_are_results_until_the_eleventh_login_is_throttled(InstallationMode mode)
    {
        await using var world = await WorldAsync();
        var authenticator = Authenticator(world, mode);
        for (var attempt = 1; attempt <= 10; attempt++)
        {
            var login = await authenticator.LoginAsync("a", "wrong", AppToken, Address, "en", None);
            Assert.False(login.Succeeded);
            Assert.Null(login.Ticket);
            Assert.Equal("Wrong user name or password.", login.Message);
        }

        // Even the right password is not looked at now.
        var error = await Assert.ThrowsAsync<ChatPresenceException>(() => authenticator.LoginAsync("A", "secret", AppToken, Address, "en", None));
        Assert.Equal((FailureReason.Throttled, TextId.LoginThrottled), (error.Reason, error.TextId));
        Assert.Equal(TimeSpan.FromSeconds(60), error.RetryAfter);

        world.Clock.Advance(TimeSpan.FromSeconds(61));
        Assert.True((await authenticator.LoginAsync("a", "secret", AppToken, Address, "en", None)).Succeeded);
    }

    [Fact]
    public async Task Wrong_Basic_passwords_count_toward_the_same_throttle()
    {
        await using var world = await WorldAsync();
        var authenticator = Authenticator(world, InstallationMode.Onsite);
        for (var attempt = 1; attempt <= 10; attempt++)
        {
            Assert.Equal(FailureReason.NotAuthenticated, (await RefusedAsync(authenticator, CallerCredential.Basic("a", "wrong-" + attempt))).Reason);
        }

        var error = await RefusedAsync(authenticator, CallerCredential.Basic("a", "secret"));
        Assert.Equal(FailureReason.Throttled, error.Reason);
        Assert.True(error.RetryAfter > TimeSpan.Zero);
        await Assert.ThrowsAsync<ChatPresenceException>(() => authenticator.LoginAsync("a", "secret", null, Address, "en", None));
    }

    [Fact]
    public async Task A_lock_counted_on_other_hosts_is_held_here_without_looking_at_the_password_or_asking_again()
    {
        await using var world = await WorldAsync();
        var shared = new SharedAttempts();
        var hostA = SharedAuthenticator(world, shared);
        var hostB = SharedAuthenticator(world, shared);

        // 5 wrong on each host: 10 in all.
        for (var attempt = 1; attempt <= 10; attempt++)
        {
            Assert.False((await (attempt % 2 == 0 ? hostA : hostB).LoginAsync("a", "wrong", null, Address, "en", None)).Succeeded);
        }

        // Either host: throttled, for the whole first lock (counted from the 10th failure).
        var reads = shared.Reads;
        var error = await Assert.ThrowsAsync<ChatPresenceException>(() => hostB.LoginAsync("A", "secret", null, Address, "en", None));
        Assert.Equal((FailureReason.Throttled, TimeSpan.FromSeconds(60)), (error.Reason, error.RetryAfter));
        Assert.Equal(FailureReason.Throttled, (await RefusedAsync(hostA, CallerCredential.Basic("a", "secret"), null)).Reason);

        // B learnt of the lock with one read; from then on it holds the lock itself.
        Assert.Equal(reads + 1, shared.Reads);
        await Assert.ThrowsAsync<ChatPresenceException>(() => hostB.LoginAsync("a", "secret", null, Address, "en", None));
        Assert.Equal(reads + 1, shared.Reads);

        world.Clock.Advance(TimeSpan.FromSeconds(61));
        Assert.True((await hostB.LoginAsync("a", "secret", null, Address, "en", None)).Succeeded);
        Assert.Empty(await shared.GetFailuresAsync([LoginThrottle.LoginKey("a")], None));
    }

    [Fact]
    public async Task While_the_shared_store_is_unreachable_each_host_throttles_on_its_own()
    {
        await using var world = await WorldAsync();
        var authenticator = SharedAuthenticator(world, new SharedAttempts { Down = true });
        for (var attempt = 1; attempt <= 10; attempt++)
        {
            Assert.False((await authenticator.LoginAsync("a", "wrong", null, Address, "en", None)).Succeeded);
        }

        var error = await Assert.ThrowsAsync<ChatPresenceException>(() => authenticator.LoginAsync("a", "secret", null, Address, "en", None));
        Assert.Equal(FailureReason.Throttled, error.Reason);
    }

    private static CallerAuthenticator SharedAuthenticator(AgentWorld world, ILoginAttemptStore shared) =>
        new(world.Tickets, world.Passwords, world.Directory, new FakeBearer(), new SecurityOptions { Mode = InstallationMode.Onsite }, world.Clock, shared);

    /// <summary>The shared counts as a database would keep them (one lock for all keys: each call is atomic).</summary>
    private sealed class SharedAttempts : ILoginAttemptStore
    {
        private readonly Dictionary<string, LoginFailures> rows = [];

        public bool Down { get; init; }

        public int Reads { get; private set; }

        public Task<IReadOnlyList<LoginFailures>> RecordFailuresAsync(IReadOnlyList<string> keys, DateTimeOffset now, DateTimeOffset windowStartsAfter, CancellationToken cancellationToken)
        {
            ThrowIfDown();
            lock (rows)
            {
                foreach (var key in keys)
                {
                    rows[key] = rows.TryGetValue(key, out var row) && row.WindowStart >= windowStartsAfter
                        ? row with { Count = row.Count + 1, LastFailed = now > row.LastFailed ? now : row.LastFailed }
                        : new LoginFailures(key, 1, now, now);
                }

                return Task.FromResult<IReadOnlyList<LoginFailures>>([.. keys.Select(k => rows[k])]);
            }
        }

        public Task<IReadOnlyList<LoginFailures>> GetFailuresAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
        {
            ThrowIfDown();
            lock (rows)
            {
                Reads++;
                return Task.FromResult<IReadOnlyList<LoginFailures>>([.. keys.Where(rows.ContainsKey).Select(k => rows[k])]);
            }
        }

        public Task ClearAsync(string key, CancellationToken cancellationToken)
        {
            ThrowIfDown();
            lock (rows)
            {
                rows.Remove(key);
            }

            return Task.CompletedTask;
        }

        private void ThrowIfDown()
        {
            if (Down)
            {
                throw new StoreUnavailableException("The test's shared store is down.", null);
            }
        }
    }

    [Fact]
    public async Task Logout_revokes_the_ticket()
    {
        await using var world = await WorldAsync();
        var authenticator = Authenticator(world, InstallationMode.Onsite);
        var ticket = (await authenticator.LoginAsync("a", "secret", null, Address, "en", None)).Ticket!;
        Assert.True(await authenticator.LogoutAsync(ticket, None));
        Assert.Equal(FailureReason.NotAuthenticated, (await RefusedAsync(authenticator, CallerCredential.Ticket(ticket))).Reason);
    }

    /// <summary>Issue 10: a login whose reply could not be written (or whose call was cancelled) leaves no ticket row.</summary>
    [Fact]
    public async Task A_login_whose_reply_fails_leaves_no_ticket()
    {
        await using var world = await WorldAsync();
        var authenticator = Authenticator(world, InstallationMode.Onsite);
        string? issued = null;

        await Assert.ThrowsAsync<InvalidOperationException>(() => authenticator.LoginAsync(
            "a", "secret", AppToken, Address, "en", login => { issued = login.Ticket; throw new InvalidOperationException("reply"); }, None));
        Assert.NotNull(issued);
        await RefusedAsync(authenticator, CallerCredential.Ticket(issued!));
        Assert.Equal(0, await world.Store.RevokeTicketsAsync(AgentA, None)); // no row for the user at all

        using var cancelled = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => authenticator.LoginAsync(
            "a", "secret", AppToken, Address, "en", _ => cancelled.Cancel(), cancelled.Token));
        Assert.Equal(0, await world.Store.RevokeTicketsAsync(AgentA, None));

        var ok = await authenticator.LoginAsync("a", "secret", AppToken, Address, "en", _ => { }, None);
        Assert.True(ok.Succeeded);
        Assert.Equal(1, await world.Store.RevokeTicketsAsync(AgentA, None));
    }
}
