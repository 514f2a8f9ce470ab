using System.Diagnostics;
using ChatPresence.Domain.Presence;
using ChatPresence.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace ChatPresence.Storage.Tests;

/// <summary>The contract on a real SQLite file in a temporary folder, plus what only the SQLite store promises.</summary>
public sealed class SqliteChatStoreTests(ITestOutputHelper output) : ChatStoreContractTests
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "chatpresence-storage-tests", Guid.NewGuid().ToString("N"));
    private int databases;

    protected override Task<string> NewDatabaseAsync() => Task.FromResult(Path.Combine(folder, $"{databases++}.db"));

    protected override IChatStore Connect(string database) => new SqliteChatStore(database);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Creates_the_missing_folder_and_runs_in_WAL()
    {
        var path = Path.Combine(folder, "nested", "deeper", "chat.db");
        var store = Open(path);
        await store.MigrateAsync(None);

        Assert.True(File.Exists(path));
        Assert.Equal("wal", await ScalarAsync(path, "PRAGMA journal_mode;"));
        Assert.Equal(1L, await ScalarAsync(path, "SELECT count(*) FROM schema_version;"));
    }

    [Fact]
    public async Task Migrating_again_adds_no_schema_version()
    {
        var path = Path.Combine(folder, "twice.db");
        var store = Open(path);
        await store.MigrateAsync(None);
        await store.MigrateAsync(None);
        var reopened = await ReopenAsync(store);
        await reopened.MigrateAsync(None);

        Assert.Equal(1L, await ScalarAsync(path, "SELECT count(*) FROM schema_version;"));
        Assert.Equal(1L, await ScalarAsync(path, "SELECT max(version) FROM schema_version;"));
    }

    [Fact]
    public async Task Refuses_a_database_from_a_newer_schema()
    {
        var path = Path.Combine(folder, "newer.db");
        var store = Open(path);
        await store.MigrateAsync(None);
        await CloseAsync(store);
        await ScalarAsync(path, "INSERT INTO schema_version (version, description, applied_utc) VALUES (999, 'future', 'x');");

        var newer = Open(path);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => newer.MigrateAsync(None));
        Assert.Contains("999", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_saves_share_commits()
    {
        // Group commit, seen from outside: each commit moves the stamp once, so fewer moves than saves means
        // concurrent saves shared transactions (and fsyncs). The rate is printed, not asserted: machines differ.
        const int Callers = 32;
        const int SavesPerCaller = 100;
        var store = await CreateStoreAsync();
        await store.ImportAsync(ManyUsers(Callers), None);
        await store.SavePresenceAsync([new PresenceUpdate(1, true)], None);
        var before = await store.GetChangeStampAsync(None);

        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(1, Callers).Select(id => Task.Run(async () =>
        {
            for (var i = 0; i < SavesPerCaller; i++)
            {
                await store.SavePresenceAsync([new PresenceUpdate(id, i % 2 == 0)], None);
            }
        })));
        clock.Stop();

        var commits = await store.GetChangeStampAsync(None) - before;
        var rate = Callers * SavesPerCaller / clock.Elapsed.TotalSeconds;
        output.WriteLine($"{Callers * SavesPerCaller} saves by {Callers} callers in {clock.ElapsedMilliseconds} ms ({rate:F0} saves/s) in {commits} commits");
        var snapshot = await store.LoadAsync(None);
        Assert.All(Enumerable.Range(1, Callers), id => Assert.False(IsPresent(snapshot, id)));
        Assert.InRange(commits, 1, Callers * SavesPerCaller - 1);
    }

    private static async Task<object?> ScalarAsync(string path, string sql)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
