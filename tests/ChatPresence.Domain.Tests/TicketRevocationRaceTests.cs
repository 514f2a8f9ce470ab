using ChatPresence.Domain.Identity;

namespace ChatPresence.Domain.Tests;

/// <summary>
/// A revocation while a validation of the same ticket is between its store read and remembering the ticket: the
/// ticket must not come back into the in-memory cache (it would then be accepted for up to 30 s more, and an open
/// event stream that re-checks it would not end).
/// </summary>
public sealed class TicketRevocationRaceTests
{
    [Fact]
    public async Task A_validation_in_flight_during_a_revocation_does_not_remember_the_revoked_ticket()
    {
        await using var world = await AgentWorld.CreateAsync();
        var store = new PausingStore(world.Store);
        var tickets = new TicketAuthority(world.Directory, store, world.Clock, new IdentityOptions { PasswordIterations = 1000 });
        var ticket = await tickets.IssueTicketAsync(AgentWorld.AgentA, CancellationToken.None);

        store.PauseNextFind();
        var inFlight = tickets.AuthenticateTicketAsync(ticket, "en", CancellationToken.None).AsTask();
        await store.FindReached;
        await tickets.RevokeTicketsAsync(AgentWorld.AgentA, CancellationToken.None);
        store.Resume();
        await inFlight; // it read the ticket before the revocation: that one call may pass

        var refused = await Assert.ThrowsAsync<ChatPresenceException>(() => tickets.AuthenticateTicketAsync(ticket, "en", CancellationToken.None).AsTask());
        Assert.Equal(FailureReason.NotAuthenticated, refused.Reason);
    }

    [Fact]
    public async Task A_due_recheck_is_made_by_one_request_while_the_others_are_served_from_memory()
    {
        // Every poller of a ticket found the recheck due at the same moment and each asked the store (8 pollers: 8 finds
        // and 8 touches every 30 s on every host, all waiting for the database).
        await using var world = await AgentWorld.CreateAsync();
        var store = new PausingStore(world.Store);
        var tickets = new TicketAuthority(world.Directory, store, world.Clock, new IdentityOptions { PasswordIterations = 1000 });
        var ticket = await tickets.IssueTicketAsync(AgentWorld.AgentA, CancellationToken.None);
        await tickets.AuthenticateTicketAsync(ticket, "en", CancellationToken.None); // remembered
        world.Clock.Advance(TicketAuthority.RecheckInterval + TimeSpan.FromSeconds(1));

        var before = store.Finds;
        store.PauseNextFind();
        var rechecking = tickets.AuthenticateTicketAsync(ticket, "en", CancellationToken.None).AsTask();
        await store.FindReached;
        var others = await Task.WhenAll(Enumerable.Range(0, 7).Select(_ => tickets.AuthenticateTicketAsync(ticket, "en", CancellationToken.None).AsTask()))
            .WaitAsync(TimeSpan.FromSeconds(10));
        Assert.All(others, caller => Assert.Equal(AgentWorld.AgentA, caller.UserId));
        Assert.Equal(before + 1, store.Finds);

        store.Resume();
        Assert.Equal(AgentWorld.AgentA, (await rechecking).UserId);
        await tickets.AuthenticateTicketAsync(ticket, "en", CancellationToken.None);
        Assert.Equal(before + 1, store.Finds); // checked again: remembered for another interval

        // A recheck that finds the ticket gone ends it for everyone, as before.
        world.Clock.Advance(TicketAuthority.RecheckInterval + TimeSpan.FromSeconds(1));
        await world.Store.RevokeTicketAsync(TicketAuthority.HashTicket(ticket), CancellationToken.None);
        await Assert.ThrowsAsync<ChatPresenceException>(() => tickets.AuthenticateTicketAsync(ticket, "en", CancellationToken.None).AsTask());
        await Assert.ThrowsAsync<ChatPresenceException>(() => tickets.AuthenticateTicketAsync(ticket, "en", CancellationToken.None).AsTask());
    }

    /// <summary>The real store, with a way to hold one FindTicketAsync after it has read.</summary>
    private sealed class PausingStore(ICredentialStore inner) : ICredentialStore
    {
        private TaskCompletionSource reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private TaskCompletionSource? gate;
        private TaskCompletionSource? paused;

        private int finds;

        public Task FindReached => reached.Task;

        public int Finds => Volatile.Read(ref finds);

        public void PauseNextFind()
        {
            reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
            gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        public void Resume() => paused?.TrySetResult();

        public async Task<StoredTicket?> FindTicketAsync(byte[] ticketHash, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref finds);
            var found = await inner.FindTicketAsync(ticketHash, cancellationToken);
            if (Interlocked.Exchange(ref gate, null) is { } pause)
            {
                paused = pause;
                reached.TrySetResult();
                await pause.Task;
            }

            return found;
        }

        public Task<StoredPassword?> GetPasswordAsync(int userId, CancellationToken cancellationToken) => inner.GetPasswordAsync(userId, cancellationToken);

        public Task SetPasswordAsync(int userId, StoredPassword password, CancellationToken cancellationToken) => inner.SetPasswordAsync(userId, password, cancellationToken);

        public Task AddTicketAsync(StoredTicket ticket, CancellationToken cancellationToken) => inner.AddTicketAsync(ticket, cancellationToken);

        public Task TouchTicketsAsync(IReadOnlyList<TicketUse> uses, CancellationToken cancellationToken) => inner.TouchTicketsAsync(uses, cancellationToken);

        public Task<bool> RevokeTicketAsync(byte[] ticketHash, CancellationToken cancellationToken) => inner.RevokeTicketAsync(ticketHash, cancellationToken);

        public Task<int> RevokeTicketsAsync(int userId, CancellationToken cancellationToken) => inner.RevokeTicketsAsync(userId, cancellationToken);
    }
}
