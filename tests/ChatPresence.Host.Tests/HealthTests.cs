using System.Net;
using ChatPresence.Tests;

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
        // Replace the database file with a directory: the store can no longer open it.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var db = Path.Combine(host.DataFolder, "chatpresence.db");
        foreach (var file in Directory.GetFiles(host.DataFolder, "chatpresence.db*"))
        {
            File.Delete(file);
        }

        Directory.CreateDirectory(db);
        using var client = host.CreateClient();
        var response = await client.GetAsync(new Uri("/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }
}
