using System.Threading.Channels;

namespace ChatPresence.Domain.Live;

/// <summary>
/// One open stream's place in the <see cref="PresenceFeed"/>: a bounded queue of events for one caller. When the
/// queue is full the events are dropped and the next read is a fresh snapshot instead, so a slow reader costs at
/// most <see cref="PresenceFeedOptions.StreamCapacity"/> queued events.
/// </summary>
public sealed class PresenceSubscription : IDisposable
{
    private const int MaxBatch = 64;

    // Queued to wake the reader for its periodic work: one shared timer for every stream instead of one each.
    private static readonly FeedEvent TickMark = new(0, FeedEventKind.Presence, 0, null, null);

    private readonly PresenceFeed feed;
    private readonly Channel<FeedEvent> queue;
    private volatile bool snapshotDue;
    private int tickQueued; // at most one tick waits in the queue, however long the reader is away
    private bool ticked; // the reader's own

    internal PresenceSubscription(PresenceFeed feed, Caller caller, int capacity)
    {
        this.feed = feed;
        Caller = caller;
        queue = Channel.CreateBounded<FeedEvent>(new BoundedChannelOptions(Math.Max(1, capacity))
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite fails when full; nothing blocks
        });
    }

    public Caller Caller { get; }

    /// <summary>Completes with true when <see cref="TryRead"/> has something, false when the feed closed.</summary>
    public ValueTask<bool> WaitAsync(CancellationToken cancellationToken) =>
        snapshotDue ? ValueTask.FromResult(true) : queue.Reader.WaitToReadAsync(cancellationToken);

    /// <summary>
    /// The next snapshot or events, or null when nothing is waiting. A tick (<see cref="PresenceFeed.Tick"/>) taken on
    /// the way is noted for <see cref="TakeTick"/>.
    /// </summary>
    public PresenceBatch? TryRead()
    {
        if (snapshotDue)
        {
            return feed.Resync(this);
        }

        List<FeedEvent>? events = null;
        while ((events?.Count ?? 0) < MaxBatch && queue.Reader.TryRead(out var next))
        {
            if (ReferenceEquals(next, TickMark))
            {
                Volatile.Write(ref tickQueued, 0);
                ticked = true;
            }
            else
            {
                (events ??= []).Add(next);
            }
        }

        return events is null ? null : feed.Render(this, events);
    }

    /// <summary>Whether a tick came since the last call: time for the stream's periodic work (heartbeat, recheck).</summary>
    public bool TakeTick()
    {
        var was = ticked;
        ticked = false;
        return was;
    }

    public void Dispose()
    {
        feed.Unsubscribe(this);
        queue.Writer.TryComplete();
    }

    /// <summary>Called under the feed's lock.</summary>
    internal void Offer(FeedEvent e)
    {
        if (!snapshotDue && !queue.Writer.TryWrite(e))
        {
            snapshotDue = true;
        }
    }

    /// <summary>Wakes the reader (a full queue or a due snapshot wakes it anyway).</summary>
    internal void Tick()
    {
        if (!snapshotDue && Interlocked.Exchange(ref tickQueued, 1) == 0 && !queue.Writer.TryWrite(TickMark))
        {
            Volatile.Write(ref tickQueued, 0);
        }
    }

    internal void RequestSnapshot() => snapshotDue = true;

    /// <summary>Called under the feed's lock, before a snapshot: what was queued is in it.</summary>
    internal void ClearPending()
    {
        while (queue.Reader.TryRead(out _))
        {
        }

        Volatile.Write(ref tickQueued, 0);

        snapshotDue = false;
    }

    internal void Complete() => queue.Writer.TryComplete();
}
