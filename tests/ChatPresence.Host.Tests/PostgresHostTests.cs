using System.Net;
using System.Text;
using ChatPresence.Host.Tests.Live;
using ChatPresence.Tests;
using Npgsql;

namespace ChatPresence.Host.Tests;

/// <summary>
/// The host on PostgreSQL (<c>ChatPresence:Storage=Postgres</c>): two hosts on one database, as in a scale-out,
/// each seeing what the other saved. The server is <c>CHATPRESENCE_TEST_POSTGRES</c> or the local one
/// <c>.ci/run</c> starts; unreachable fails with directions, like the storage tests.
/// </summary>
[Collection(PostgresHostCollection.Name)]
public sealed class PostgresHostTests() : PostgresSchemaTest("host_test_")
{
    [Fact]
    public async Task Two_hosts_on_one_database_are_healthy_and_see_each_others_saves()
    {
        var connectionString = SchemaConnectionString;

        // The first host finds the database empty and loads the demo directory; the second finds it loaded.
        await using var hostA = await ChatPresenceHost.StartAsync(OnPostgres);
        await using var hostB = await ChatPresenceHost.StartAsync(OnPostgres);
        Assert.Equal(
            1L,
            await PostgresTestServer.ScalarAsync(connectionString, "SELECT count(*) FROM users WHERE login_name = 'admin';"));
        using var clientA = AdminClient(hostA);
        using var clientB = AdminClient(hostB);

        foreach (var client in new[] { clientA, clientB })
        {
            using var health = await client.GetAsync(new Uri("/health", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());
        }

        // Read first, so host B has a view that host A's save must change. The saving host shows its own save at
        // once; the other follows the change feed (milliseconds; 5 s allows for a loaded machine).
        Assert.False(await PresentAsync(clientB, 5));
        await SaveAsync(clientA, 5, true);
        Assert.True(await PresentAsync(clientA, 5));
        await EventuallyAsync(() => PresentAsync(clientB, 5), TimeSpan.FromSeconds(5));

        await SaveAsync(clientB, 5, false);
        Assert.False(await PresentAsync(clientB, 5));
        await EventuallyAsync(async () => !await PresentAsync(clientA, 5), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_save_on_host_A_reaches_an_open_stream_on_host_B()
    {
        await using var hostA = await ChatPresenceHost.StartAsync(OnPostgres);
        await using var hostB = await ChatPresenceHost.StartAsync(OnPostgres);
        using var clientA = AdminClient(hostA);
        using var clientB = AdminClient(hostB);
        await using var stream = await EventStream.OpenAsync(clientB);
        var snapshot = await stream.NextAsync(TimeSpan.FromSeconds(2));
        Assert.Equal("snapshot", snapshot.Event);
        var present = RestReplies.JsonRowOf(snapshot.Data, 4).GetProperty("Present").GetBoolean();

        // Nothing reads on host B: only its change feed from PostgreSQL (or the feed's poll) can bring host A's save.
        await SaveAsync(clientA, 4, !present);
        var e = await stream.NextAsync(TimeSpan.FromSeconds(2));
        Assert.Equal("presence", e.Event);
        Assert.Equal(!present, RestReplies.JsonRowOf("[" + e.Data + "]", 4).GetProperty("Present").GetBoolean());
    }

    /// <summary>Host settings: the PostgreSQL store, in this test's schema.</summary>
    internal static async Task EventuallyAsync(Func<Task<bool>> condition, TimeSpan within)
    {
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(deadline.Elapsed < within, $"not so within {within.TotalSeconds} s");
            await Task.Delay(20);
        }
    }

    internal static HttpClient AdminClient(ChatPresenceHost host) => host.CreateClientAs("admin");

    internal static async Task SaveAsync(HttpClient client, int userId, bool present)
    {
        using var body = new StringContent($"[{{\"UserId\":{userId},\"Present\":{(present ? "true" : "false")}}}]", Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(new Uri("api/v1/Presence/SaveAll", UriKind.Relative), body);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    internal static async Task<bool> PresentAsync(HttpClient client, int userId)
    {
        using var response = await client.GetAsync(new Uri("api/v1/Presence/GetAll", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return RestReplies.JsonRowOf(await response.Content.ReadAsStringAsync(), userId).GetProperty("Present").GetBoolean();
    }
}

/// <summary>Host tests on PostgreSQL run one at a time: they count the process's database commands.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PostgresHostCollection
{
    public const string Name = "PostgreSQL hosts";
}
