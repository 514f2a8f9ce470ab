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

    private readonly PresenceFeed feed;
    private readonly Channel<FeedEvent> queue;
    private volatile bool snapshotDue;

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

    /// <summary>The next snapshot or events, or null when nothing is waiting.</summary>
    public PresenceBatch? TryRead()
    {
        if (snapshotDue)
        {
            return feed.Resync(this);
        }

        if (!queue.Reader.TryRead(out var first))
        {
            return null;
        }

        var events = new List<FeedEvent> { first };
        while (events.Count < MaxBatch && queue.Reader.TryRead(out var next))
        {
            events.Add(next);
        }

        return feed.Render(this, events);
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

    internal void RequestSnapshot() => snapshotDue = true;

    /// <summary>Called under the feed's lock, before a snapshot: what was queued is in it.</summary>
    internal void ClearPending()
    {
        while (queue.Reader.TryRead(out _))
        {
        }

        snapshotDue = false;
    }

    internal void Complete() => queue.Writer.TryComplete();
}
