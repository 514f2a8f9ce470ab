using System.Net;
using System.Text;

namespace ChatPresence.Host.Tests;

/// <summary>An acknowledged save survives the host being killed with SIGKILL right after the acknowledgement.</summary>
public sealed class DurabilityTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("chatpresence-kill-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    private static HttpClient Client(Uri baseAddress)
    {
        var client = new HttpClient { BaseAddress = baseAddress };
        client.DefaultRequestHeaders.Authorization = ChatPresenceHost.Basic("admin", "admin");
        return client;
    }

    [Fact]
    public async Task Every_acknowledged_save_survives_SIGKILL_and_restart()
    {
        var users = new[] { 2, 3, 4, 5, 6, 7 };
        var acknowledged = new Dictionary<int, bool>();

        await using (var host = await HostProcess.StartServiceAsync(folder))
        {
            using var client = Client(host.BaseAddress!);

            // Each user is written by its own writer, concurrently; the last acknowledged value per user is what must survive.
            var writers = users.Select(async user =>
            {
                var last = false;
                for (var round = 0; round < 25; round++)
                {
                    var present = round % 2 == 0 ^ user % 2 == 0;
                    var body = $$"""{"ChatPresence":[{"UserId":{{user}},"Present":{{(present ? "true" : "false")}}}]}""";
                    using var response = await client.PostAsync(
                        new Uri("api/v1/Agents/Chat/SaveChatPresence", UriKind.Relative),
                        new StringContent(body, Encoding.UTF8, "application/json"));
                    Assert.True(response.StatusCode == HttpStatusCode.NoContent, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}\n{host.Output}");
                    last = present;
                }

                return (user, last);
            });

            foreach (var (user, last) in await Task.WhenAll(writers))
            {
                acknowledged[user] = last;
            }

            await host.KillAsync();
        }

        await using var restarted = await HostProcess.StartServiceAsync(folder);
        using var reader = Client(restarted.BaseAddress!);
        using var all = await reader.GetAsync(new Uri("api/v1/Presence/GetAll", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, all.StatusCode);
        var present = (await RestReplies.ReadRowsAsync(all)).ToDictionary(r => r.UserId, r => r.Present);
        foreach (var (user, expected) in acknowledged)
        {
            Assert.True(expected == present[user], $"user {user}: acknowledged {expected}, found {present[user]}");
        }

        // The final values differ between users, so a lost or reordered write would show.
        Assert.Contains(true, acknowledged.Values);
        Assert.Contains(false, acknowledged.Values);
    }
}
