using ChatPresence.Domain.Directory;
using ChatPresence.Domain.Identity;
using ChatPresence.Domain.Presence;
using ChatPresence.Tests;
using static ChatPresence.Domain.Tests.AgentWorld;

namespace ChatPresence.Domain.Tests;

/// <summary>
/// Tickets on hosts that follow a change log (PostgreSQL): revocations arrive on the feed, so a remembered ticket is
/// not asked of the store again while it is in use. A client polling every 15 s through a load balancer reaches each
/// host less often than every 30 s: a recheck per 30 s made nearly every read a database round trip (find + touch).
/// </summary>
public sealed class TicketsOverChangeLogTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task A_remembered_ticket_polled_for_an_hour_costs_one_store_read_and_no_request_path_write()
    {
        var (store, clock, tickets) = await HostAsync();
        var ticket = await tickets.IssueTicketAsync(AgentA, None);

        for (var poll = 0; poll < 240; poll++)
        {
            clock.Advance(TimeSpan.FromSeconds(15));
            Assert.Equal(AgentA, (await tickets.AuthenticateTicketAsync(ticket, "en", None)).UserId);
        }

        Assert.Equal(1, store.Finds);
        Assert.Equal(0, store.Touches);

        // The host's write-back: one call with the ticket's last use, then nothing while nothing new is due.
        await tickets.WriteBackUsesAsync(everyNewerUse: false, None);
        Assert.Equal(1, store.Touches);
        Assert.Equal(clock.GetUtcNow(), (await store.FindTicketAsync(TicketAuthority.HashTicket(ticket), None))!.LastUsed);
        await tickets.WriteBackUsesAsync(everyNewerUse: false, None);
        clock.Advance(TimeSpan.FromMinutes(1));
        await tickets.AuthenticateTicketAsync(ticket, "en", None);
        await tickets.WriteBackUsesAsync(everyNewerUse: false, None);
        Assert.Equal(1, store.Touches); // a minute newer than the store's: not due yet

        // When the host stops, every use newer than the store's goes back.
        await tickets.WriteBackUsesAsync(everyNewerUse: true, None);
        Assert.Equal(2, store.Touches);
        Assert.Equal(clock.GetUtcNow(), (await store.FindTicketAsync(TicketAuthority.HashTicket(ticket), None))!.LastUsed);
    }

    [Fact]
    public async Task Many_tickets_are_written_back_in_one_call()
    {
        var (store, clock, tickets) = await HostAsync();
        var issued = new List<string>();
        foreach (var user in new[] { AgentA, AgentB, Admin, TopicManager })
        {
            issued.Add(await tickets.IssueTicketAsync(user, None));
        }

        clock.Advance(TimeSpan.FromMinutes(6));
        foreach (var ticket in issued)
        {
            await tickets.AuthenticateTicketAsync(ticket, "en", None);
        }

        await tickets.WriteBackUsesAsync(everyNewerUse: false, None);
        Assert.Equal(1, store.Touches);
        foreach (var ticket in issued)
        {
            Assert.Equal(clock.GetUtcNow(), (await store.FindTicketAsync(TicketAuthority.HashTicket(ticket), None))!.LastUsed);
        }
    }

    [Fact]
    public async Task A_revocation_on_the_feed_is_refused_at_once_without_asking_the_store()
    {
        var (store, directory, tickets) = await HostWithDirectoryAsync();
        var ticket = await tickets.IssueTicketAsync(AgentA, None);
        var other = await tickets.IssueTicketAsync(AgentB, None);
        await tickets.AuthenticateTicketAsync(ticket, "en", None);
        await tickets.AuthenticateTicketAsync(other, "en", None);

        await store.RevokeTicketAsync(TicketAuthority.HashTicket(ticket), None); // by another host: it reaches this one on the feed
        store.Log(revokedTicket: TicketAuthority.HashTicket(ticket));
        await directory.RefreshAsync(None);

        var refused = await Assert.ThrowsAsync<ChatPresenceException>(async () => await tickets.AuthenticateTicketAsync(ticket, "en", None));
        Assert.Equal(FailureReason.NotAuthenticated, refused.Reason);
        Assert.Equal(AgentB, (await tickets.AuthenticateTicketAsync(other, "en", None)).UserId);
    }

    [Fact]
    public async Task A_ticket_idle_here_but_used_on_another_host_is_accepted_and_one_idle_everywhere_expires()
    {
        var (store, clock, here) = await HostAsync();
        var elsewhere = new TicketAuthority(await LoadedDirectoryAsync(store), store, clock, new IdentityOptions { PasswordIterations = 1000 });
        var busy = await here.IssueTicketAsync(AgentA, None);
        var idle = await here.IssueTicketAsync(AgentB, None);
        await here.AuthenticateTicketAsync(busy, "en", None);
        await here.AuthenticateTicketAsync(idle, "en", None);

        // Nine hours on the other host only, written back as it goes.
        for (var hour = 0; hour < 9; hour++)
        {
            clock.Advance(TimeSpan.FromHours(1));
            await elsewhere.AuthenticateTicketAsync(busy, "en", None);
            await elsewhere.WriteBackUsesAsync(everyNewerUse: false, None);
        }

        Assert.Equal(AgentA, (await here.AuthenticateTicketAsync(busy, "en", None)).UserId);
        var expired = await Assert.ThrowsAsync<ChatPresenceException>(async () => await here.AuthenticateTicketAsync(idle, "en", None));
        Assert.Equal(Text.TextId.TicketExpired, expired.TextId);
    }

    [Fact]
    public async Task An_import_that_removes_a_user_ends_the_users_remembered_tickets()
    {
        // The store deletes a removed user's tickets with the user; no revocation is logged for them.
        var (store, directory, tickets) = await HostWithDirectoryAsync();
        var removed = await tickets.IssueTicketAsync(AgentB, None);
        var kept = await tickets.IssueTicketAsync(AgentA, None);
        await tickets.AuthenticateTicketAsync(removed, "en", None);
        await tickets.AuthenticateTicketAsync(kept, "en", None);

        var without = TestDirectory();
        await store.ImportAsync(without with { Users = [.. without.Users.Where(u => u.Id != AgentB)], Memberships = [.. without.Memberships.Where(m => m.UserId != AgentB)] }, None);
        store.Log(directoryChanged: true);
        await directory.RefreshAsync(None);

        await Assert.ThrowsAsync<ChatPresenceException>(async () => await tickets.AuthenticateTicketAsync(removed, "en", None));
        Assert.Equal(AgentA, (await tickets.AuthenticateTicketAsync(kept, "en", None)).UserId);
    }

    private static async Task<(FollowingStore Store, ManualClock Clock, TicketAuthority Tickets)> HostAsync()
    {
        var inner = new InMemoryChatStore();
        await inner.ImportAsync(TestDirectory(), None);
        var store = new FollowingStore(inner);
        var clock = new ManualClock(DateTimeOffset.Parse("2026-01-05T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        return (store, clock, new TicketAuthority(await LoadedDirectoryAsync(store), store, clock, new IdentityOptions { PasswordIterations = 1000 }));
    }

    private static async Task<(FollowingStore Store, DirectoryCache Directory, TicketAuthority Tickets)> HostWithDirectoryAsync()
    {
        var inner = new InMemoryChatStore();
        await inner.ImportAsync(TestDirectory(), None);
        var store = new FollowingStore(inner);
        var directory = await LoadedDirectoryAsync(store);
        return (store, directory, new TicketAuthority(directory, store, TimeProvider.System, new IdentityOptions { PasswordIterations = 1000 }));
    }

    private static async Task<DirectoryCache> LoadedDirectoryAsync(FollowingStore store)
    {
        var directory = new DirectoryCache(store);
        Assert.True(directory.FollowsChangeLog);
        await directory.GetAsync(None);
        return directory;
    }

    /// <summary>The in-memory store behind a change log that reports what a test puts on it, counting ticket reads and writes.</summary>
    private sealed class FollowingStore(InMemoryChatStore inner) : IChatDirectoryStore, IDirectoryChangeLog, ICredentialStore
    {
        private readonly Lock gate = new();
        private readonly List<byte[]> revokedTickets = [];
        private bool directoryChanged;
        private int finds;
        private int touches;

        /// <summary>What the next change-log read reports (another host's logout, an import).</summary>
        public void Log(byte[]? revokedTicket = null, bool directoryChanged = false)
        {
            lock (gate)
            {
                if (revokedTicket is not null)
                {
                    revokedTickets.Add(revokedTicket);
                }

                this.directoryChanged |= directoryChanged;
            }
        }

        public int Finds => Volatile.Read(ref finds);

        public int Touches => Volatile.Read(ref touches);

        public Task<DirectorySnapshot> LoadAsync(CancellationToken cancellationToken) =>
            inner.LoadAsync(cancellationToken).ContinueWith(t => t.Result with { ChangeCursor = "0" }, TaskScheduler.Default);

        public Task<ChangeLogPage> ReadChangesAsync(string cursor, CancellationToken cancellationToken)
        {
            lock (gate)
            {
                var page = new ChangeLogPage(cursor, 0, directoryChanged, new Dictionary<int, bool>(), [.. revokedTickets], []);
                revokedTickets.Clear();
                directoryChanged = false;
                return Task.FromResult(page);
            }
        }

        public Task WaitForChangesAsync(TimeSpan timeout, CancellationToken cancellationToken) => Task.Delay(timeout, cancellationToken);

        public ValueTask<long> GetChangeStampAsync(CancellationToken cancellationToken) => inner.GetChangeStampAsync(cancellationToken);

        public Task SavePresenceAsync(PresenceSave save, CancellationToken cancellationToken) => inner.SavePresenceAsync(save, cancellationToken);

        public Task ImportAsync(ChatDirectory directory, CancellationToken cancellationToken) => inner.ImportAsync(directory, cancellationToken);

        public Task<bool> IsEmptyAsync(CancellationToken cancellationToken) => inner.IsEmptyAsync(cancellationToken);

        public Task<StoredPassword?> GetPasswordAsync(int userId, CancellationToken cancellationToken) => inner.GetPasswordAsync(userId, cancellationToken);

        public Task SetPasswordAsync(int userId, StoredPassword password, CancellationToken cancellationToken) => inner.SetPasswordAsync(userId, password, cancellationToken);

        public Task AddTicketAsync(StoredTicket ticket, CancellationToken cancellationToken) => inner.AddTicketAsync(ticket, cancellationToken);

        public Task<StoredTicket?> FindTicketAsync(byte[] ticketHash, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref finds);
            return inner.FindTicketAsync(ticketHash, cancellationToken);
        }

        public Task TouchTicketsAsync(IReadOnlyList<TicketUse> uses, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref touches);
            return inner.TouchTicketsAsync(uses, cancellationToken);
        }

        public Task<bool> RevokeTicketAsync(byte[] ticketHash, CancellationToken cancellationToken) => inner.RevokeTicketAsync(ticketHash, cancellationToken);

        public Task<int> RevokeTicketsAsync(int userId, CancellationToken cancellationToken) => inner.RevokeTicketsAsync(userId, cancellationToken);
    }
}
