using ChatPresence.Tests;

namespace ChatPresence.Host.Tests.Security;

/// <summary>The sliding expiry lives in the store, not only in one process's memory: a restart keeps it.</summary>
public sealed class RestartExpiryTests
{
    [Fact]
    public async Task A_ticket_kept_alive_before_a_restart_is_still_alive_after_it()
    {
        var clock = new ManualClock();
        var folder = Directory.CreateTempSubdirectory("chatpresence-restart-").FullName;
        try
        {
            string ticket;
            await using (var first = await StartAsync(folder, clock))
            {
                ticket = await first.IssueTicketAsync(2);
                clock.Advance(TimeSpan.FromHours(7));
                Assert.Equal(Outcome.Ok, (await GetAsync(first, ticket)).Outcome);
            }

            // 14 h after issue, 7 h after the last use: alive only if that use reached the store.
            clock.Advance(TimeSpan.FromHours(7));
            await using var second = await StartAsync(folder, clock);
            Assert.Equal(Outcome.Ok, (await GetAsync(second, ticket)).Outcome);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static Task<ChatPresenceHost> StartAsync(string folder, ManualClock clock) =>
        ChatPresenceHost.StartAsync(settings => settings["ChatPresence:DataFolder"] = folder, clock: clock);

    private static async Task<FacadeResult> GetAsync(ChatPresenceHost host, string ticket)
    {
        using var client = host.CreateClient();
        return await FacadeCallers.Create(FacadeCallers.Rest, client).GetAsync(Presented.Ticket(ticket), null);
    }
}
