using ChatPresence.Domain;
using ChatPresence.Domain.Directory;
using ChatPresence.Domain.Presence;
using ChatPresence.Domain.Security;
using ChatPresence.Storage.Postgres;
using Npgsql;

namespace ChatPresence.Storage.Tests;

/// <summary>
/// The contract on a real PostgreSQL server, each store in a fresh schema of its own, plus what only the PostgreSQL
/// store promises: several instances (hosts) on one database see each other's writes.
/// </summary>
public sealed class PostgresChatStoreTests : ChatStoreContractTests
{
    private readonly List<string> schemas = [];

    protected override Task<string> NewDatabaseAsync() => CreateSchemaAsync();

    protected override IChatStore Connect(string database) => new PostgresChatStore(database);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        foreach (var schema in schemas)
        {
            await PostgresTestServer.DropSchemaAsync(schema);
        }
    }

    [Fact]
    public async Task Two_instances_on_one_database_see_each_others_writes()
    {
        var connectionString = await CreateSchemaAsync();
        var hostA = Open(connectionString);
        var hostB = Open(connectionString);
        await hostA.MigrateAsync(None);
        await hostB.MigrateAsync(None);

        await hostA.ImportAsync(SampleDirectory(), None);
        Assert.False(await hostB.IsEmptyAsync(None));
        AssertSameDirectory(SampleDirectory(), (await hostB.LoadAsync(None)).Directory);

        var before = await hostB.GetChangeStampAsync(None);
        await hostA.SavePresenceAsync([new PresenceUpdate(1, true)], None);
        var afterA = await hostB.GetChangeStampAsync(None);
        Assert.True(afterA > before, "host B did not see host A's save move the stamp");
        Assert.True(IsPresent(await hostB.LoadAsync(None), 1));

        await hostB.SavePresenceAsync([new PresenceUpdate(1, false), new PresenceUpdate(3, true)], None);
        Assert.True(await hostA.GetChangeStampAsync(None) > afterA);
        var snapshot = await hostA.LoadAsync(None);
        Assert.False(IsPresent(snapshot, 1));
        Assert.True(IsPresent(snapshot, 3));
        Assert.Equal(await hostB.GetChangeStampAsync(None), snapshot.ChangeStamp);
    }

    [Fact]
    public async Task Concurrent_saves_through_two_instances_lose_nothing_and_agree_on_the_stamp()
    {
        const int Users = 64;
        var connectionString = await CreateSchemaAsync();
        var hosts = new[] { Open(connectionString), Open(connectionString) };
        await hosts[0].MigrateAsync(None);
        await hosts[0].ImportAsync(ManyUsers(Users), None);
        var before = await hosts[1].GetChangeStampAsync(None);

        // Each caller also names a neighbour, in a different order, so row locks overlap across the two instances.
        await Task.WhenAll(Enumerable.Range(1, Users).Select(id => Task.Run(() =>
            hosts[id % 2].SavePresenceAsync([new PresenceUpdate(id % Users + 1, true), new PresenceUpdate(id, true)], None))));

        foreach (var host in hosts)
        {
            var snapshot = await host.LoadAsync(None);
            Assert.All(Enumerable.Range(1, Users), id => Assert.True(IsPresent(snapshot, id), $"user {id} lost its update"));

            // At most one stamp move per save (saves queued together share a commit), whichever instance made it.
            Assert.InRange(snapshot.ChangeStamp, before + 1, before + Users);
            Assert.Equal(snapshot.ChangeStamp, await host.GetChangeStampAsync(None));
        }
    }

    [Fact]
    public async Task Concurrent_saves_share_commits()
    {
        // Group commit, seen from outside: each commit moves the stamp once, so fewer moves than saves means
        // concurrent saves shared transactions (and WAL flushes).
        const int Callers = 32;
        const int SavesPerCaller = 20;
        var store = await CreateStoreAsync();
        await store.ImportAsync(ManyUsers(Callers), None);
        var before = await store.GetChangeStampAsync(None);

        await Task.WhenAll(Enumerable.Range(1, Callers).Select(id => Task.Run(async () =>
        {
            for (var i = 0; i < SavesPerCaller; i++)
            {
                await store.SavePresenceAsync([new PresenceUpdate(id, i % 2 == 0)], None);
            }
        })));

        var snapshot = await store.LoadAsync(None);
        Assert.All(Enumerable.Range(1, Callers), id => Assert.False(IsPresent(snapshot, id)));
        Assert.InRange(snapshot.ChangeStamp - before, 1, (Callers * SavesPerCaller) - 1);
    }

    [Fact]
    public async Task A_transaction_held_open_on_one_user_stops_no_save_on_others_and_commits_out_of_order_are_followed_exactly()
    {
        // A frozen host mid-save holds its users' rows and an uncommitted change-log row with a lower position.
        var connectionString = await CreateSchemaAsync();
        var options = new PostgresStoreOptions { LockTimeout = TimeSpan.FromSeconds(1) };
        await using var hostA = new PostgresChatStore(connectionString, options, logger: null);
        await using var hostB = new PostgresChatStore(connectionString, options, logger: null);
        await hostA.MigrateAsync(None);
        await hostA.ImportAsync(ManyUsers(4), None);
        var follower = new DirectoryCache(hostB);
        await follower.GetAsync(None);

        await using var frozen = new NpgsqlConnection(connectionString);
        await frozen.OpenAsync();
        await using var held = await frozen.BeginTransactionAsync();
        await using (var stalledSave = new NpgsqlCommand("""
            SELECT id FROM users WHERE id = 1 FOR SHARE;
            INSERT INTO presence (user_id, present) VALUES (1, true) ON CONFLICT (user_id) DO UPDATE SET present = excluded.present;
            INSERT INTO presence_change (kind, user_ids, present) VALUES ('P', '{1}', '{t}');
            """, frozen, held))
        {
            await stalledSave.ExecuteNonQueryAsync();
        }

        // Saves on other users, through either host, go ahead at once (main: every write waited for the stamp row).
        await hostA.SavePresenceAsync([new PresenceUpdate(2, true)], None).WaitAsync(TimeSpan.FromSeconds(5));
        await hostB.SavePresenceAsync([new PresenceUpdate(3, true), new PresenceUpdate(4, true)], None).WaitAsync(TimeSpan.FromSeconds(5));

        // A save on the held user waits at most lock_timeout, then fails as unavailable; nothing of it is written.
        var started = DateTime.UtcNow;
        await Assert.ThrowsAsync<StoreUnavailableException>(() => hostB.SavePresenceAsync([new PresenceUpdate(1, false), new PresenceUpdate(2, false)], None));
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.Zero, TimeSpan.FromSeconds(4));

        var view = await follower.RefreshAsync(None);
        Assert.True(view.IsPresent(2) && view.IsPresent(3) && view.IsPresent(4));
        Assert.False(view.IsPresent(1));

        // The stalled save commits last, with the lowest position: the follower still sees it.
        await held.CommitAsync();
        view = await follower.RefreshAsync(None);
        Assert.True(view.IsPresent(1));
        Assert.True(view.IsPresent(2), "the refused save must not have written user 2");
        AssertSameView(await hostA.LoadAsync(None), view);
    }

    [Fact]
    public async Task A_change_log_read_costs_the_rows_it_has_not_seen_even_while_an_old_transaction_stays_open()
    {
        // A report, a pg_dump or a frozen host keeps a transaction open somewhere on the server: every snapshot's xmin
        // stays behind it. The rows committed since then and already seen must not be read again on every read.
        var connectionString = await CreateSchemaAsync();
        await using var store = new PostgresChatStore(connectionString);
        await store.MigrateAsync(None);
        await store.ImportAsync(ManyUsers(2), None);
        await using var old = new NpgsqlConnection(connectionString);
        await old.OpenAsync();
        await using var open = await old.BeginTransactionAsync();
        await using (var xid = new NpgsqlCommand("SELECT pg_current_xact_id();", old, open))
        {
            await xid.ExecuteScalarAsync();
        }

        // 2,000 saves committed since, each in its own transaction as saves are, with the statistics autovacuum keeps,
        // so the planner weighs the log as it would in service.
        await PostgresTestServer.ScalarAsync(connectionString, """
            DO $$ BEGIN
                FOR i IN 1..2000 LOOP
                    INSERT INTO presence_change (kind, user_ids, present) VALUES ('P', '{1}', '{t}');
                    COMMIT;
                END LOOP;
            END $$;
            """);
        await PostgresTestServer.ScalarAsync(connectionString, "ANALYZE presence_change;");
        var cursor = (await store.LoadAsync(None)).ChangeCursor!;
        await store.SavePresenceAsync([new PresenceUpdate(2, true)], None);

        var statements = new List<string>();
        using (var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllData,
            ActivityStopped = activity =>
            {
                if ((activity.GetTagItem("db.query.text") ?? activity.GetTagItem("db.statement")) is string text && text.Contains("pg_current_snapshot() AS snap", StringComparison.Ordinal))
                {
                    lock (statements)
                    {
                        statements.Add(text);
                    }
                }
            },
        })
        {
            System.Diagnostics.ActivitySource.AddActivityListener(listener);
            var page = await store.ReadChangesAsync(cursor, None);
            Assert.Equal(new Dictionary<int, bool> { [2] = true }, page.Presence);
        }

        // The same statement with the same cursor, explained: the change-log rows the server looked at.
        Assert.InRange(await ChangeLogRowsReadAsync(connectionString, statements[^1], cursor), 1, 5);
    }

    [Fact]
    public async Task A_follower_applies_saves_as_deltas_reloads_on_imports_and_hears_revocations()
    {
        var connectionString = await CreateSchemaAsync();
        await using var writer = new PostgresChatStore(connectionString);
        await using var reader = new PostgresChatStore(connectionString);
        await writer.MigrateAsync(None);
        await writer.ImportAsync(SampleDirectory(), None);
        var follower = new DirectoryCache(reader);
        var first = await follower.GetAsync(None);
        var changes = new List<(long From, long To)>();
        follower.ViewChanged += (previous, current) => changes.Add((previous.ChangeStamp, current.ChangeStamp));
        var revoked = new List<int>();
        follower.TicketsRevoked += (_, users) => revoked.AddRange(users);

        // Notified: the listener wakes the follower well before the safety timeout.
        var waiting = reader.WaitForChangesAsync(TimeSpan.FromSeconds(30), None);
        await waiting; // the first wait returns at once: the listener just connected
        waiting = reader.WaitForChangesAsync(TimeSpan.FromSeconds(30), None);
        await writer.SavePresenceAsync([new PresenceUpdate(1, true)], None);
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        var afterSave = await follower.RefreshAsync(None);
        Assert.True(afterSave.IsPresent(1));
        Assert.Same(first.FindUser(1), afterSave.FindUser(1)); // a delta: the directory indexes are shared, not reloaded

        await writer.ImportAsync(SampleDirectory() with { OngoingChats = new Dictionary<int, int> { [1] = 4 } }, None);
        var afterImport = await follower.RefreshAsync(None);
        Assert.NotSame(first.FindUser(1), afterImport.FindUser(1));
        Assert.True(afterImport.IsPresent(1));

        await writer.AddTicketAsync(Ticket(1, userId: 3), None);
        await writer.RevokeTicketsAsync(3, None);
        var afterRevoke = await follower.RefreshAsync(None);
        Assert.Same(afterImport, afterRevoke); // a revocation is no directory change
        Assert.Equal([3], revoked);
        Assert.Equal(2, changes.Count);
        Assert.All(changes, c => Assert.True(c.To > c.From));
    }

    [Fact]
    public async Task Wrong_passwords_recorded_at_once_through_two_instances_are_each_counted_once()
    {
        var connectionString = await CreateSchemaAsync();
        var hostA = (ILoginAttemptStore)Open(connectionString);
        var hostB = (ILoginAttemptStore)Open(connectionString);
        var now = new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
        string[] keys = ["login:AGENT4", "address:10.0.0.1"];

        // 20 failures at once, half through each instance: every one sees its own count, none is lost.
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            (i % 2 == 0 ? hostA : hostB).RecordFailuresAsync(keys, now.AddMilliseconds(i), now.AddMinutes(-15), None)));
        Assert.Equal(Enumerable.Range(1, 20), results.Select(r => r.Single(f => f.Key == keys[0]).Count).Order());
        Assert.Equal(Enumerable.Range(1, 20), results.Select(r => r.Single(f => f.Key == keys[1]).Count).Order());

        var stored = await hostB.GetFailuresAsync([.. keys, "login:NOBODY"], None);
        Assert.Equal(2, stored.Count);
        var login = stored.Single(f => f.Key == keys[0]);
        Assert.Equal(20, login.Count);
        Assert.InRange(login.WindowStart, now, now.AddMilliseconds(19));
        Assert.Equal(now.AddMilliseconds(19), login.LastFailed);

        // A success clears the login (not the address), for every instance.
        await hostA.ClearAsync(keys[0], None);
        Assert.Equal([keys[1]], (await hostB.GetFailuresAsync(keys, None)).Select(f => f.Key));
    }

    [Fact]
    public async Task Keys_of_hostile_user_names_are_stored_and_found()
    {
        var store = (ILoginAttemptStore)await CreateStoreAsync();
        var now = new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
        string[] names = ["nul\0inside", "lone\uD800surrogate", new string('x', 20_000), "emoji😀", "tab\tand\u0085", "кириллица"];
        string[] keys = [.. names.Select(LoginThrottle.LoginKey), LoginThrottle.AddressKey("2001:db8::1")];
        Assert.Equal(keys.Length, keys.Distinct().Count());

        await store.RecordFailuresAsync(keys, now, now.AddMinutes(-15), None);
        var stored = await store.GetFailuresAsync(keys, None);
        Assert.Equal(keys.Order(StringComparer.Ordinal), stored.Select(f => f.Key).Order(StringComparer.Ordinal));
        Assert.All(stored, f => Assert.Equal(1, f.Count));
    }

    [Fact]
    public async Task A_failure_after_the_window_starts_a_new_count()
    {
        var store = (ILoginAttemptStore)await CreateStoreAsync();
        var start = new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
        string[] keys = ["login:AGENT5"];
        for (var i = 0; i < 3; i++)
        {
            await store.RecordFailuresAsync(keys, start.AddMinutes(i), start.AddMinutes(i - 15), None);
        }

        // Still inside the 15 minutes that began at the first failure: counted on.
        var inside = await store.RecordFailuresAsync(keys, start.AddMinutes(15), start, None);
        Assert.Equal((4, start), (inside.Single().Count, inside.Single().WindowStart));

        // Past them: a new window, counting from one.
        var later = start.AddMinutes(16);
        var after = await store.RecordFailuresAsync(keys, later, later.AddMinutes(-15), None);
        Assert.Equal((1, later, later), (after.Single().Count, after.Single().WindowStart, after.Single().LastFailed));
    }

    [Fact]
    public async Task Migrating_again_or_from_two_instances_at_once_adds_no_schema_version()
    {
        var connectionString = await CreateSchemaAsync();
        var first = Open(connectionString);
        var second = Open(connectionString);
        await Task.WhenAll(first.MigrateAsync(None), second.MigrateAsync(None));
        await first.MigrateAsync(None);

        Assert.Equal(3L, await PostgresTestServer.ScalarAsync(connectionString, "SELECT count(*) FROM schema_version;"));
        Assert.Equal(3, await PostgresTestServer.ScalarAsync(connectionString, "SELECT max(version) FROM schema_version;"));
    }

    [Fact]
    public async Task Refuses_a_database_from_a_newer_schema()
    {
        var connectionString = await CreateSchemaAsync();
        await Open(connectionString).MigrateAsync(None);
        await PostgresTestServer.ScalarAsync(connectionString, "INSERT INTO schema_version (version, description, applied_utc) VALUES (999, 'future', now());");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Open(connectionString).MigrateAsync(None));
        Assert.Contains("999", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_check_answers_false_when_the_server_cannot_be_reached()
    {
        // Port 1 on loopback: nothing listens there, so the connection is refused at once.
        var builder = new NpgsqlConnectionStringBuilder(PostgresTestServer.ConnectionString) { Port = 1, Timeout = 2 };
        await using var store = new PostgresChatStore(builder.ConnectionString);

        Assert.False(await store.CheckHealthAsync(None));
    }

    /// <summary>Rows of <c>presence_change</c> the statement's scans looked at (kept or filtered out), by EXPLAIN ANALYZE.</summary>
    private static async Task<long> ChangeLogRowsReadAsync(string connectionString, string statement, string cursor)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var explain = new NpgsqlCommand("EXPLAIN (ANALYZE, FORMAT JSON) " + statement, connection);
        var snapshot = cursor[(cursor.IndexOf('|', StringComparison.Ordinal) + 1)..];
        explain.Parameters.Add(statement.Contains("$1", StringComparison.Ordinal) ? new NpgsqlParameter { Value = snapshot } : new NpgsqlParameter("snapshot", snapshot));
        using var plan = System.Text.Json.JsonDocument.Parse((string)(await explain.ExecuteScalarAsync())!);
        return Sum(plan.RootElement[0].GetProperty("Plan"));

        static long Sum(System.Text.Json.JsonElement node)
        {
            long rows = 0;
            if (node.TryGetProperty("Relation Name", out var relation) && relation.GetString() == "presence_change")
            {
                foreach (var counted in new[] { "Actual Rows", "Rows Removed by Filter", "Rows Removed by Index Recheck" })
                {
                    rows += node.TryGetProperty(counted, out var value) ? value.GetInt64() * node.GetProperty("Actual Loops").GetInt64() : 0;
                }
            }

            if (node.TryGetProperty("Plans", out var children))
            {
                foreach (var child in children.EnumerateArray())
                {
                    rows += Sum(child);
                }
            }

            return rows;
        }
    }

    private static void AssertSameView(DirectorySnapshot expected, DirectoryView actual)
    {
        foreach (var user in expected.Directory.Users)
        {
            Assert.Equal(expected.Presence.GetValueOrDefault(user.Id), actual.IsPresent(user.Id));
        }
    }

    private async Task<string> CreateSchemaAsync()
    {
        var (schema, connectionString) = await PostgresTestServer.CreateSchemaAsync();
        schemas.Add(schema);
        return connectionString;
    }

}
