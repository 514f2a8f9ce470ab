using ChatPresence.Domain.Telemetry;

namespace ChatPresence.Domain.Directory;

/// <summary>
/// Holds the current <see cref="DirectoryView"/>, the read model every request uses.
/// <see cref="ViewChanged"/> tells listeners (the live presence feed) each time the view is replaced.
/// </summary>
/// <remarks>
/// <para>With a store that keeps a change log (<see cref="IDirectoryChangeLog"/>, PostgreSQL), a read makes no
/// database round trip: the view is brought up to date by <see cref="RefreshAsync"/>, which applies what was committed
/// since the view (presence as a delta, an import as a reload). The host runs <see cref="FollowAsync"/>, which
/// refreshes whenever any host notifies a change, and this host's own saves refresh before they are acknowledged, so
/// a caller reads its own writes.</para>
/// <para>Any other store (SQLite, one host) is asked for its change stamp on every read, which for SQLite is an
/// in-memory number, and the view is reloaded when it moved.</para>
/// </remarks>
public sealed class DirectoryCache
{
    private readonly IChatDirectoryStore store;
    private readonly IDirectoryChangeLog? log;
    private readonly SemaphoreSlim reload = new(1, 1);
    private volatile DirectoryView? current;
    private string? cursor;
    private long refreshRequests;
    private long refreshedUpTo;

    /// <summary>Whether a view has been loaded at least once (readiness: the first poll will not pay for it).</summary>
    public bool IsLoaded => current is not null;

    public DirectoryCache(IChatDirectoryStore store)
    {
        this.store = store;
        log = store as IDirectoryChangeLog;
    }

    /// <summary>
    /// The view-change signal: raised once per applied change, after the new view is current, with
    /// <c>(previous, current)</c>; <c>current.ChangeStamp</c> is greater than <c>previous.ChangeStamp</c>. Not raised for
    /// the first load. PostgreSQL: raised for saves and imports of every host as soon as they are applied (a save of this
    /// host before it is acknowledged, others' within milliseconds). SQLite: raised when a read finds the stamp moved
    /// and reloads (the first read after one or more saves), so a consumer that must not wait for a reader calls
    /// <see cref="GetAsync"/> itself now and then (it costs nothing while nothing changed). Handlers run on the thread
    /// that applied the change (a request or the change follower), so they must be quick and must not throw.
    /// To find what changed, compare the two views (e.g. <see cref="DirectoryView.IsPresent"/> per user).
    /// </summary>
    public event Action<DirectoryView, DirectoryView>? ViewChanged;

    /// <summary>
    /// Tickets revoked on any host (PostgreSQL): single tickets by SHA-256 hash (logouts), and users all of whose tickets
    /// ended (<c>revoke-tickets</c>). <see cref="Identity.TicketAuthority"/> forgets them at once.
    /// </summary>
    public event Action<IReadOnlyList<byte[]>, IReadOnlyList<int>>? TicketsRevoked;

    /// <summary>True when reads are served from memory and kept current by the change log.</summary>
    public bool FollowsChangeLog => log is not null;

    /// <summary>The current view. With a change log this touches the database only for the very first load.</summary>
    public ValueTask<DirectoryView> GetAsync(CancellationToken cancellationToken)
    {
        if (log is null)
        {
            return GetByStampAsync(cancellationToken);
        }

        var view = current;
        return view is not null ? new ValueTask<DirectoryView>(view) : new ValueTask<DirectoryView>(RefreshAsync(cancellationToken));
    }

    /// <summary>
    /// Brings the view up to date with everything committed before this call. Concurrent callers share one read: a
    /// refresh that started after this call began serves it too.
    /// </summary>
    public async Task<DirectoryView> RefreshAsync(CancellationToken cancellationToken)
    {
        if (log is null)
        {
            return await GetByStampAsync(cancellationToken);
        }

        var request = Interlocked.Increment(ref refreshRequests);
        await reload.WaitAsync(cancellationToken);
        try
        {
            if (Volatile.Read(ref refreshedUpTo) >= request && current is { } fresh)
            {
                return fresh;
            }

            var upTo = Volatile.Read(ref refreshRequests);
            var view = current is null || cursor is null ? await LoadLockedAsync(cancellationToken) : await ApplyChangesLockedAsync(log, cursor, cancellationToken);
            Volatile.Write(ref refreshedUpTo, upTo);
            return view;
        }
        finally
        {
            reload.Release();
        }
    }

    /// <summary>
    /// Follows the store's change feed until cancelled (the host runs this in the background). Without a change log it
    /// returns at once. A failed refresh (database down) is retried at the next signal or <paramref name="safetyPoll"/>;
    /// meanwhile reads keep the last view.
    /// </summary>
    public async Task FollowAsync(TimeSpan safetyPoll, CancellationToken cancellationToken)
    {
        if (log is null)
        {
            return;
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await log.WaitForChangesAsync(safetyPoll, cancellationToken);
                await RefreshAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (StoreUnavailableException)
            {
                // The store reported the outage (once); the listener signals again when it is back.
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task<DirectoryView> ApplyChangesLockedAsync(IDirectoryChangeLog changeLog, string from, CancellationToken cancellationToken)
    {
        var page = await changeLog.ReadChangesAsync(from, cancellationToken);
        if (page.RevokedTickets.Count > 0 || page.RevokedUsers.Count > 0)
        {
            TicketsRevoked?.Invoke(page.RevokedTickets, page.RevokedUsers);
        }

        if (page.DirectoryChanged)
        {
            return await LoadLockedAsync(cancellationToken);
        }

        cursor = page.Cursor;
        var view = current!;
        if (page.Presence.Count == 0)
        {
            return view;
        }

        // The stamp only grows on this host, even when a commit that started earlier is seen later.
        return Publish(view.WithPresence(Math.Max(view.ChangeStamp + 1, page.ChangeStamp), page.Presence), delta: true);
    }

    private async Task<DirectoryView> LoadLockedAsync(CancellationToken cancellationToken)
    {
        var snapshot = await store.LoadAsync(cancellationToken);
        cursor = snapshot.ChangeCursor;
        var previous = current;
        var stamp = previous is null ? snapshot.ChangeStamp : Math.Max(previous.ChangeStamp + 1, snapshot.ChangeStamp);
        return Publish(new DirectoryView(snapshot with { ChangeStamp = stamp }), delta: false);
    }

    private DirectoryView Publish(DirectoryView view, bool delta)
    {
        var previous = current;
        current = view;
        if (previous is not null)
        {
            ChatPresenceMetrics.DirectoryChangeApplied(delta);
            ViewChanged?.Invoke(previous, view);
        }

        return view;
    }

    private async ValueTask<DirectoryView> GetByStampAsync(CancellationToken cancellationToken)
    {
        var stamp = await store.GetChangeStampAsync(cancellationToken);
        var view = current;
        return view is not null && view.ChangeStamp >= stamp ? view : await ReloadByStampAsync(stamp, cancellationToken);
    }

    private async Task<DirectoryView> ReloadByStampAsync(long stamp, CancellationToken cancellationToken)
    {
        await reload.WaitAsync(cancellationToken);
        try
        {
            // Another caller may have reloaded while this one waited.
            var view = current;
            if (view is not null && view.ChangeStamp >= stamp)
            {
                return view;
            }

            return Publish(new DirectoryView(await store.LoadAsync(cancellationToken)), delta: false);
        }
        finally
        {
            reload.Release();
        }
    }
}
