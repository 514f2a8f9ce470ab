using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ChatPresence.Domain.Identity;
using ChatPresence.Domain.Security;
using ChatPresence.Host.Tests.Security;
using ChatPresence.Tests;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ChatPresence.Host.Tests;

/// <summary>
/// Several real hosts (Kestrel, in this process) on one PostgreSQL schema, as behind a load balancer: what one host
/// saves or revokes reaches the others through the change feed, steady-state reads make no database round trip, and
/// an outage loses nothing acknowledged while reads keep answering. Database commands are counted with Npgsql's own
/// ActivitySource, attributed to a request when they run under ASP.NET Core's request activity.
/// </summary>
[Collection(PostgresHostCollection.Name)]
public sealed class PostgresScaleOutTests() : PostgresSchemaTest("scale_test_", maxPoolSize: 8)
{
    [Fact]
    public async Task A_save_on_A_is_seen_on_B_and_C_and_their_reads_make_no_database_round_trip()
    {
        using var commands = new RequestCommandCounter();
        await using var hostA = await StartAsync();
        await using var hostB = await StartAsync();
        await using var hostC = await StartAsync();
        using var clientA = PostgresHostTests.AdminClient(hostA);
        using var clientB = PostgresHostTests.AdminClient(hostB);
        using var clientC = PostgresHostTests.AdminClient(hostC);

        // Warm up: each host verifies the Basic header once (a password read), then remembers it.
        foreach (var client in new[] { clientA, clientB, clientC })
        {
            Assert.False(await PostgresHostTests.PresentAsync(client, 5));
        }

        // The counter sees request-path commands: a save makes some (that the test could fail is shown here).
        commands.Reset();
        await PostgresHostTests.SaveAsync(clientA, 5, true);
        Assert.True(commands.Count > 0, "the counter saw no command for a save: it counts nothing");

        // Seen on B and C by the change feed (milliseconds; the delay is measured by bench/scaleout.sh, not here),
        // with no query on their request path.
        await PostgresHostTests.EventuallyAsync(async () => await PostgresHostTests.PresentAsync(clientB, 5) && await PostgresHostTests.PresentAsync(clientC, 5), TimeSpan.FromSeconds(5));
        commands.Reset();
        for (var i = 0; i < 20; i++)
        {
            Assert.True(await PostgresHostTests.PresentAsync(clientB, 5));
            Assert.True(await PostgresHostTests.PresentAsync(clientC, 5));
        }

        Assert.Equal(0, commands.Count);

        // And back: B's save reaches A and C.
        await PostgresHostTests.SaveAsync(clientB, 5, false);
        await PostgresHostTests.EventuallyAsync(async () => !await PostgresHostTests.PresentAsync(clientA, 5) && !await PostgresHostTests.PresentAsync(clientC, 5), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_logout_on_A_and_revoke_tickets_from_the_command_line_are_refused_on_B_within_a_second()
    {
        await using var hostA = await StartAsync();
        await using var hostB = await StartAsync();
        var logins = hostA.Services.GetRequiredService<CallerAuthenticator>();

        // B has validated (and so remembers) the ticket before it is logged out on A.
        var ticket = (await logins.LoginAsync("agent2", "agent2", null, null, "en", CancellationToken.None)).Ticket!;
        using var clientB = TicketClient(hostB, ticket);
        Assert.Equal(HttpStatusCode.OK, await GetStatusAsync(clientB));
        await hostA.Services.GetRequiredService<CallerAuthenticator>().LogoutAsync(ticket, CancellationToken.None);
        var loggedOut = Stopwatch.StartNew();
        await PostgresHostTests.EventuallyAsync(async () => await GetStatusAsync(clientB) == HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(1));
        Assert.InRange(loggedOut.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(1));

        // revoke-tickets, run as its own process against the same database.
        var second = (await logins.LoginAsync("agent3", "agent3", null, null, "en", CancellationToken.None)).Ticket!;
        using var clientB3 = TicketClient(hostB, second);
        Assert.Equal(HttpStatusCode.OK, await GetStatusAsync(clientB3));
        var (exitCode, output, error) = await HostProcess.RunCommandAsync(hostA.DataFolder, null, [.. PostgresArguments(SchemaConnectionString), "revoke-tickets", "agent3"]);
        Assert.True(exitCode == 0, $"revoke-tickets failed: {output} {error}");
        var revoked = Stopwatch.StartNew();
        await PostgresHostTests.EventuallyAsync(async () => await GetStatusAsync(clientB3) == HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(1));
        Assert.InRange(revoked.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task A_ticket_polled_every_15_seconds_across_two_hosts_costs_no_request_path_command_after_its_first_use()
    {
        // Through a load balancer a client polling every 15 s reaches each host every 30 s or less often: a recheck
        // per ticket every 30 s made nearly every poll a find and a touch. Revocations reach the hosts on the feed
        // (test above); uses reach the store by each host's write-back.
        var clock = new ManualClock();
        using var commands = new RequestCommandCounter();
        await using var hostA = await StartAsync(clock: clock);
        await using var hostB = await StartAsync(clock: clock);
        var ticket = (await hostA.Services.GetRequiredService<CallerAuthenticator>().LoginAsync("agent2", "agent2", null, null, "en", CancellationToken.None)).Ticket!;
        using var clientA = TicketClient(hostA, ticket);
        using var clientB = TicketClient(hostB, ticket);
        Assert.Equal(HttpStatusCode.OK, await GetStatusAsync(clientA));
        Assert.Equal(HttpStatusCode.OK, await GetStatusAsync(clientB));
        Assert.True(commands.Count > 0, "the counter saw no command for a ticket's first use: it counts nothing");

        commands.Reset();
        for (var poll = 0; poll < 40; poll++)
        {
            clock.Advance(TimeSpan.FromSeconds(15));
            Assert.Equal(HttpStatusCode.OK, await GetStatusAsync(poll % 2 == 0 ? clientA : clientB));
        }

        Assert.Equal(0, commands.Count);

        await hostA.Services.GetRequiredService<TicketAuthority>().WriteBackUsesAsync(everyNewerUse: false, CancellationToken.None);
        Assert.Equal(
            clock.GetUtcNow().AddSeconds(-15).UtcTicks, // A's last poll
            (long)(await PostgresTestServer.ScalarAsync(SchemaConnectionString, "SELECT max(last_used) FROM tickets;"))!);
    }

    [Fact]
    public async Task Ten_wrong_passwords_spread_over_three_hosts_lock_the_login_on_every_host()
    {
        await using var clients = new ClientSet(await StartHostsAsync());

        // 10 wrong passwords for agent4, round-robin over the hosts and over REST Login / SOAP 1.1 / REST Basic.
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var result = await clients.TryAsync(attempt % 3, (attempt / 3) % 3, "agent4", "wrong" + attempt);
            Assert.True(result.Outcome == Outcome.NotAuthenticated, $"attempt {attempt + 1} on host {attempt % 3}: {result.Outcome}");
        }

        // The 11th attempt on any host, by any way, with the right password: refused without a look at it.
        for (var host = 0; host < 3; host++)
        {
            for (var way = 0; way < 3; way++)
            {
                var result = await clients.TryAsync(host, way, "agent4", "agent4");
                Assert.True(result.Outcome == Outcome.Throttled, $"host {host}, {ClientSet.Ways[way]}: {result.Outcome}, expected Throttled");
                Assert.Equal(ClientSet.Ways[way] == FacadeCallers.Soap11 ? 200 : 429, result.HttpStatus);
            }
        }

        // Another login's right password still works everywhere.
        for (var host = 0; host < 3; host++)
        {
            Assert.Equal(Outcome.Ok, (await clients.TryAsync(host, 0, "agent5", "agent5")).Outcome);
        }
    }

    [Fact]
    public async Task A_right_password_on_one_host_clears_the_count_shared_by_all()
    {
        await using var clients = new ClientSet(await StartHostsAsync());

        // 9 wrong (one short of the lock), a success on B, 9 more wrong: 18 in the window, but never 10 in a row.
        for (var round = 0; round < 2; round++)
        {
            for (var attempt = 0; attempt < 9; attempt++)
            {
                Assert.Equal(Outcome.NotAuthenticated, (await clients.TryAsync(attempt % 3, 0, "agent6", "wrong" + attempt)).Outcome);
            }

            Assert.Equal(Outcome.Ok, (await clients.TryAsync(1, 1, "agent6", "agent6")).Outcome);
        }

        // And the count is shared (it reached 9 across hosts): one more wrong password now locks, on another host.
        for (var attempt = 0; attempt < 10; attempt++)
        {
            Assert.Equal(Outcome.NotAuthenticated, (await clients.TryAsync(attempt % 3, 0, "agent6", "wrong" + attempt)).Outcome);
        }

        Assert.Equal(Outcome.Throttled, (await clients.TryAsync(2, 1, "agent6", "agent6")).Outcome);
    }

    [Fact]
    public async Task User_names_PostgreSQL_text_cannot_hold_are_counted_and_refused_plainly()
    {
        await using var clients = new ClientSet(await StartHostsAsync(count: 1));

        // NUL and a lone surrogate (JSON can carry both; PostgreSQL text cannot), and a long name: wrong passwords
        // (401), never a 500, and counted like any other login.
        foreach (var name in new[] { "agent\u00002", "agent\uD8002", new string('a', 3000) })
        {
            for (var attempt = 0; attempt < 10; attempt++)
            {
                Assert.Equal(Outcome.NotAuthenticated, (await clients.TryAsync(0, 0, name, "wrong")).Outcome);
            }

            Assert.Equal(Outcome.Throttled, (await clients.TryAsync(0, 0, name, "wrong")).Outcome);
        }
    }

    [Fact]
    public async Task A_host_or_command_started_while_PostgreSQL_is_unreachable_says_so_in_one_line()
    {
        // Port 1 on loopback: nothing listens there.
        var unreachable = new NpgsqlConnectionStringBuilder(SchemaConnectionString) { Port = 1, Timeout = 2 }.ConnectionString;
        var folder = Directory.CreateTempSubdirectory("chatpresence-test-").FullName;
        try
        {
            foreach (var args in new[]
            {
                (string[])[.. PostgresArguments(unreachable), "--ChatPresence:Postgres:StartupWait=00:00:01", "--urls", "http://127.0.0.1:0"],
                [.. PostgresArguments(unreachable), "revoke-tickets", "agent2"],
            })
            {
                var (exitCode, output, error) = await HostProcess.RunCommandAsync(folder, null, args);
                Assert.Equal(69, exitCode);
                var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
                var line = Assert.Single(lines);
                Assert.Contains("127.0.0.1:1", line, StringComparison.Ordinal);
                Assert.Contains("ConnectionStrings:ChatPresence", line, StringComparison.Ordinal);
                Assert.DoesNotContain("   at ", output + error, StringComparison.Ordinal);
                Assert.DoesNotContain("Unhandled exception", output + error, StringComparison.Ordinal);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task An_outage_mid_load_loses_no_acknowledged_save_reads_keep_answering_and_logs_one_warning()
    {
        var server = new NpgsqlConnectionStringBuilder(SchemaConnectionString);
        await using var proxy = new CuttableProxy(server.Host!, server.Port);
        var viaProxy = new NpgsqlConnectionStringBuilder(SchemaConnectionString) { Host = "127.0.0.1", Port = proxy.Port, Timeout = 3 }.ConnectionString;
        await using var hostA = await StartAsync(viaProxy);
        await using var hostB = await StartAsync(viaProxy);
        using var clientA = PostgresHostTests.AdminClient(hostA);
        using var clientB = PostgresHostTests.AdminClient(hostB);
        Assert.False(await PostgresHostTests.PresentAsync(clientA, 2));
        Assert.False(await PostgresHostTests.PresentAsync(clientB, 2));

        // Six savers (users 2..7, each its own, alternating through A and B) and two readers.
        using var stop = new CancellationTokenSource();
        var attempts = new System.Collections.Concurrent.ConcurrentDictionary<int, List<(bool Present, HttpStatusCode Status)>>();
        var savers = Enumerable.Range(2, 6).Select(user => Task.Run(async () =>
        {
            var mine = attempts[user] = [];
            var client = user % 2 == 0 ? clientA : clientB;
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var present = i % 2 == 0;
                using var body = new StringContent($"[{{\"UserId\":{user},\"Present\":{(present ? "true" : "false")}}}]", Encoding.UTF8, "application/json");
                using var response = await client.PostAsync(new Uri("api/v1/Presence/SaveAll", UriKind.Relative), body);
                lock (mine)
                {
                    mine.Add((present, response.StatusCode));
                }

                if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    Assert.NotNull(response.Headers.RetryAfter);
                    await Task.Delay(100);
                }
            }
        })).ToArray();
        var readStatuses = new List<HttpStatusCode>();
        var readers = new[] { clientA, clientB }.Select(client => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = await client.GetAsync(new Uri("api/v1/Presence/GetAll", UriKind.Relative));
                lock (readStatuses)
                {
                    readStatuses.Add(response.StatusCode);
                }

                await Task.Delay(20);
            }
        })).ToArray();

        // A SOAP client with a ticket host A already knows.
        var ticket = (await hostA.Services.GetRequiredService<CallerAuthenticator>().LoginAsync("admin", "admin", null, null, "en", CancellationToken.None)).Ticket!;
        Assert.Matches("Succeeded[^>]*>true<", await SoapSaveAsync(hostA, ticket));

        await Task.Delay(1000);
        proxy.Cut();
        await Task.Delay(1500);

        // SOAP during the outage: HTTP 200, Succeeded=false, ExceptionInfo says unavailable (no fault, no stack trace).
        var soapReply = await SoapSaveAsync(hostA, ticket);
        Assert.Matches("Succeeded[^>]*>false<", soapReply);
        Assert.Contains("Unavailable", soapReply, StringComparison.Ordinal);
        Assert.DoesNotContain("Npgsql", soapReply, StringComparison.Ordinal);
        await Task.Delay(1500);
        proxy.Restore();
        await Task.Delay(2500);
        await stop.CancelAsync();
        await Task.WhenAll([.. savers, .. readers]);

        Assert.All(readStatuses, s => Assert.Equal(HttpStatusCode.OK, s));
        var all = attempts.Values.SelectMany(a => a).ToList();
        Assert.Contains(all, a => a.Status == HttpStatusCode.ServiceUnavailable);
        Assert.All(all, a => Assert.True(a.Status is HttpStatusCode.NoContent or HttpStatusCode.ServiceUnavailable, $"a save answered {a.Status}"));

        // Nothing acknowledged lost: each user's stored value is its last acknowledged one, or a later attempt's
        // (a save whose connection broke after its commit, reported as 503).
        foreach (var (user, tries) in attempts)
        {
            var stored = (bool)(await PostgresTestServer.ScalarAsync(SchemaConnectionString, $"SELECT present FROM presence WHERE user_id = {user};"))!;
            var lastAck = tries.FindLastIndex(t => t.Status == HttpStatusCode.NoContent);
            Assert.True(lastAck >= 0, $"user {user}: no save acknowledged at all");
            Assert.True(
                tries.Skip(lastAck).Any(t => t.Present == stored),
                $"user {user}: stored {stored}, last acknowledged {tries[lastAck].Present} at attempt {lastAck} of {tries.Count}");
        }

        // Back in sync: both hosts show what the database holds.
        foreach (var user in attempts.Keys)
        {
            var stored = (bool)(await PostgresTestServer.ScalarAsync(SchemaConnectionString, $"SELECT present FROM presence WHERE user_id = {user};"))!;
            await PostgresHostTests.EventuallyAsync(async () => await PostgresHostTests.PresentAsync(clientA, user) == stored && await PostgresHostTests.PresentAsync(clientB, user) == stored, TimeSpan.FromSeconds(15));
        }

        // One Warning per host for the outage, never an Error with a stack trace per request.
        foreach (var host in new[] { hostA, hostB })
        {
            Assert.Single(host.Log.Entries, e => e.Contains(" Warning ", StringComparison.Ordinal) && e.Contains("unreachable", StringComparison.Ordinal));
            Assert.DoesNotContain(host.Log.Entries, e => e.Contains(" Error ", StringComparison.Ordinal) || e.Contains(" Critical ", StringComparison.Ordinal));
        }
    }

    private static async Task<string> SoapSaveAsync(ChatPresenceHost host, string ticket)
    {
        using var client = host.CreateClient();
        var reply = await SoapMessages.CallAsync(client, soap12: false, "SaveChatPresence", SoapMessages.SaveBody(1, true), ticket);
        Assert.Equal(200, reply.Status);
        return reply.Text;
    }

    private static string[] PostgresArguments(string connectionString) =>
        ["--ChatPresence:Storage=Postgres", $"--ConnectionStrings:ChatPresence={connectionString}"];

    private Task<ChatPresenceHost> StartAsync(string? connectionString = null, string? productionDirectory = null, TimeProvider? clock = null)
    {
        var chosen = connectionString ?? SchemaConnectionString;
        return ChatPresenceHost.StartAsync(
            settings => OnPostgres(settings, chosen),
            productionDirectory,
            environment: productionDirectory is null ? "Development" : "Production",
            clock: clock);
    }

    /// <summary>
    /// Three hosts as Production (replies as a real client gets them, no stack traces, which the facade callers check),
    /// with the demo directory that Development would import.
    /// </summary>
    private async Task<ChatPresenceHost[]> StartHostsAsync(int count = 3)
    {
        var hosts = new ChatPresenceHost[count];
        for (var i = 0; i < count; i++)
        {
            hosts[i] = await StartAsync(productionDirectory: HostFixture.DemoDirectoryJson);
        }

        return hosts;
    }

    private static HttpClient TicketClient(ChatPresenceHost host, string ticket)
    {
        var client = host.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "SoTicket " + ticket);
        return client;
    }

    private static async Task<HttpStatusCode> GetStatusAsync(HttpClient client)
    {
        using var response = await client.GetAsync(new Uri("api/v1/Presence/GetAll", UriKind.Relative));
        return response.StatusCode;
    }

    /// <summary>Hosts, and a password tried on one of them three ways: REST Login, SOAP 1.1 AuthenticateUsernamePassword, REST Basic.</summary>
    private sealed class ClientSet(ChatPresenceHost[] hosts) : IAsyncDisposable
    {
        public static readonly string[] Ways = [FacadeCallers.Rest, FacadeCallers.Soap11, "REST Basic"];

        private readonly HttpClient[] clients = [.. hosts.Select(h => h.CreateClient())];

        public Task<FacadeResult> TryAsync(int host, int way, string login, string password) => Ways[way] switch
        {
            FacadeCallers.Soap11 => FacadeCallers.Create(FacadeCallers.Soap11, clients[host]).LoginAsync(login, password, null),
            FacadeCallers.Rest => FacadeCallers.Create(FacadeCallers.Rest, clients[host]).LoginAsync(login, password, null),
            _ => FacadeCallers.Create(FacadeCallers.Rest, clients[host]).GetAsync(Presented.Basic(login, password), null),
        };

        /// <summary>Stops the hosts too.</summary>
        public async ValueTask DisposeAsync()
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }

            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Counts Npgsql commands that run inside an ASP.NET Core request (any host in this process): background work (the
    /// change follower, the listener, the writer's notify) has no request activity above it and is not counted.
    /// </summary>
    private sealed class RequestCommandCounter : IDisposable
    {
        private readonly ActivityListener listener;
        private int count;

        public RequestCommandCounter()
        {
            listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name is "Npgsql" or "Microsoft.AspNetCore",
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
                ActivityStarted = activity =>
                {
                    if (activity.Source.Name == "Npgsql" && UnderRequest(activity))
                    {
                        Interlocked.Increment(ref count);
                    }
                },
            };
            ActivitySource.AddActivityListener(listener);
        }

        public int Count => Volatile.Read(ref count);

        public void Reset() => Interlocked.Exchange(ref count, 0);

        public void Dispose() => listener.Dispose();

        private static bool UnderRequest(Activity activity)
        {
            for (var parent = activity.Parent; parent is not null; parent = parent.Parent)
            {
                if (parent.OperationName == "Microsoft.AspNetCore.Hosting.HttpRequestIn")
                {
                    return true;
                }
            }

            return false;
        }
    }
}
