using System.Net;
using ChatPresence.Domain.Directory;
using ChatPresence.Tests;
using Microsoft.Extensions.DependencyInjection;

namespace ChatPresence.Host.Tests;

public sealed class HealthTests
{
    [Fact]
    public async Task Health_reports_a_reachable_database()
    {
        await using var host = await ChatPresenceHost.StartAsync();
        using var client = host.CreateClient();
        var response = await client.GetAsync(new Uri("/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Health_reports_an_unreachable_database()
    {
        await using var host = await ChatPresenceHost.StartAsync();
        BreakDatabase(host);
        using var client = host.CreateClient();
        var response = await client.GetAsync(new Uri("/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    [Fact]
    public async Task Live_and_ready_answer_once_the_read_model_is_loaded()
    {
        await using var host = await ChatPresenceHost.StartAsync();
        using var client = host.CreateClient();
        foreach (var path in new[] { "/health/live", "/health/ready", "/health" })
        {
            var response = await client.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Ready_waits_for_the_read_model_while_live_and_health_answer()
    {
        // A host whose read model is not loaded at start (as the admin commands build it), serving anyway.
        await using var host = await ChatPresenceHost.StartAsync(loadInitialDirectory: false);
        using var client = host.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/health/live", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode);
        var notReady = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);

        await host.Services.GetRequiredService<DirectoryCache>().GetAsync(CancellationToken.None);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Ready_and_health_fail_when_the_database_does_not_answer_but_live_does_not()
    {
        await using var host = await ChatPresenceHost.StartAsync();
        BreakDatabase(host);
        using var client = host.CreateClient();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/health/live", UriKind.Relative))).StatusCode);
    }

    /// <summary>Replaces the database file with a directory: the store can no longer open it.</summary>
    private static void BreakDatabase(ChatPresenceHost host)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(host.DataFolder, "chatpresence.db*"))
        {
            File.Delete(file);
        }

        Directory.CreateDirectory(Path.Combine(host.DataFolder, "chatpresence.db"));
    }
}
