using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Threading.Channels;
using ChatPresence.Domain.Directory;
using ChatPresence.Domain.Presence;
using ChatPresence.Domain.Rights;
using ChatPresence.Domain.Telemetry;
using ChatPresence.Domain.Text;

namespace ChatPresence.Domain.Live;

/// <summary>
/// The live presence feed: turns each replacement of the read model (<see cref="DirectoryCache.ViewChanged"/>) into
/// row events by comparing the old and the new view, whatever made it change, and adds topic events when a topic
/// opens or closes by its opening hours (a timer on the injected <see cref="TimeProvider"/>). Events are numbered,
/// the latest <see cref="PresenceFeedOptions.ResumeEvents"/> are kept for resumes, and each is offered to every
/// open <see cref="PresenceSubscription"/>.
/// <para>
/// Nothing else reloads the view while no request comes, so while subscriptions are open the feed reads the
/// store's change stamp every <see cref="PresenceFeedOptions.PollInterval"/>, and at once after a local save
/// (<see cref="Nudge"/>): saves by other hosts on a shared database arrive within the interval.
/// </para>
/// </summary>
public sealed class PresenceFeed : IDisposable
{
    private readonly Lock gate = new();
    private readonly DirectoryCache cache;
    private readonly TimeProvider clock;
    private readonly PresenceFeedOptions options;
    private readonly FeedEvent?[] ring;

    // Beside each held event, its renderings per (writable, language): a save seen by 10,000 streams is rendered once per
    // rights view and language, and the streams share it (and so can share its encoded bytes).
    private readonly Renderings?[] renders;
    private readonly HashSet<PresenceSubscription> subscribers = [];
    private readonly Channel<bool> nudges = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly ITimer topicTimer;
    private Dictionary<int, TopicState> topics = [];
    private long sequence;
    private volatile DirectoryView? view;
    private CancellationTokenSource? polling;
    private bool disposed;

    public PresenceFeed(DirectoryCache cache, TimeProvider clock, PresenceFeedOptions options)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(options);
        this.cache = cache;
        this.clock = clock;
        this.options = options;
        ring = new FeedEvent?[Math.Max(1, options.ResumeEvents)];
        renders = new Renderings?[ring.Length];
        topicTimer = clock.CreateTimer(static state => ((PresenceFeed)state!).OnTopicTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        cache.ViewChanged += OnViewChanged;
    }

    /// <summary>Distinguishes this process's event ids from another host's or an earlier run's.</summary>
    public string Epoch { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    /// <summary>Open subscriptions (for tests and metrics).</summary>
    public int Subscribers
    {
        get
        {
            lock (gate)
            {
                return subscribers.Count;
            }
        }
    }

    /// <summary>
    /// Opens a subscription for <paramref name="caller"/>. With a <paramref name="lastEventId"/> this feed still holds
    /// the events after, it starts with exactly those; otherwise with a snapshot.
    /// </summary>
    public async ValueTask<PresenceSubscription> SubscribeAsync(Caller caller, string? lastEventId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var latest = await cache.GetAsync(cancellationToken);
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (view is null)
            {
                Adopt(latest);
            }

            if (view!.FindUser(caller.UserId) is null)
            {
                throw ChatPresenceException.Create(FailureReason.NotAuthenticated, caller.Language, TextId.NotAuthenticated);
            }

            var subscription = new PresenceSubscription(this, caller, options.StreamCapacity);
            var missed = Missed(lastEventId);
            if (missed is null || missed.Count > options.StreamCapacity)
            {
                subscription.RequestSnapshot();
            }
            else
            {
                foreach (var e in missed)
                {
                    subscription.Offer(e);
                }
            }

            subscribers.Add(subscription);
            ChatPresenceMetrics.PresenceStreamsOpened(1);
            if (subscribers.Count == 1)
            {
                StartPolling();
            }

            return subscription;
        }
    }

    /// <summary>
    /// Wakes every open subscription once (<see cref="PresenceSubscription.TakeTick"/>): the streams' heartbeats and
    /// credential rechecks run from one timer of the caller's, not one timer per stream.
    /// </summary>
    public void Tick()
    {
        lock (gate)
        {
            foreach (var subscription in subscribers)
            {
                subscription.Tick();
            }
        }
    }

    /// <summary>A local write happened: read the change stamp now rather than at the next poll.</summary>
    public void Nudge() => nudges.Writer.TryWrite(true);

    /// <summary>The id of the latest event (what a client that saw everything would resume from).</summary>
    public string LatestId
    {
        get
        {
            lock (gate)
            {
                return IdOf(sequence);
            }
        }
    }

    public void Dispose()
    {
        PresenceSubscription[] open;
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            cache.ViewChanged -= OnViewChanged;
            topicTimer.Dispose();
            polling?.Cancel();
            polling?.Dispose();
            polling = null;
            open = [.. subscribers];
            subscribers.Clear();
            ChatPresenceMetrics.PresenceStreamsOpened(-open.Length);
        }

        foreach (var subscription in open)
        {
            subscription.Complete();
        }
    }

    internal void Unsubscribe(PresenceSubscription subscription)
    {
        lock (gate)
        {
            if (!subscribers.Remove(subscription))
            {
                return;
            }

            ChatPresenceMetrics.PresenceStreamsOpened(-1);
            if (subscribers.Count == 0)
            {
                polling?.Cancel();
                polling?.Dispose();
                polling = null;
            }
        }
    }

    /// <summary>A fresh snapshot for a subscription, consistent with the events that will follow it.</summary>
    internal PresenceBatch Resync(PresenceSubscription subscription)
    {
        lock (gate)
        {
            subscription.ClearPending();
            var current = view!;
            var user = current.FindUser(subscription.Caller.UserId);
            return user is null
                ? PresenceBatch.End
                : new PresenceBatch(current.ListFor(user, subscription.Caller.Language), IdOf(sequence), []);
        }
    }

    /// <summary>Events with each row marked writable where the subscription's caller may save it.</summary>
    internal PresenceBatch Render(PresenceSubscription subscription, List<FeedEvent> events)
    {
        var current = view!;
        var caller = subscription.Caller;
        if (current.FindUser(caller.UserId) is not { } user)
        {
            return PresenceBatch.End;
        }

        var anyone = current.CanSaveAnyone(user);
        var rendered = new StreamEvent[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            var writable = e.Row is not null && SaveRights.MaySave(caller.UserId, anyone, e.Id);
            var language = e.Row is null ? string.Empty : caller.Language;
            var renderings = renders[e.Sequence % renders.Length];
            rendered[i] = renderings is not null && renderings.Sequence == e.Sequence
                ? renderings.Views.GetOrAdd((writable, language), static (view, state) => state.Feed.Render(state.Event, view.Writable, view.Language), (Event: e, Feed: this))
                : Render(e, writable, language);
        }

        return new PresenceBatch(null, null, rendered);
    }

    /// <summary>One event as the callers of one rights view and language get it (a facade writes it once for all of them).</summary>
    private StreamEvent Render(FeedEvent e, bool writable, string language)
    {
        var row = e.Row;
        if (row is not null && row.Writable != writable)
        {
            row = row with { Writable = writable };
        }

        return new StreamEvent(IdOf(e.Sequence), e.Kind, e.Id, row, e.Topic, language);
    }

    /// <summary>What a board shows besides the rows: who the caller is, and the topics as they stand now.</summary>
    public async ValueTask<BoardHeader> BoardAsync(Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var current = await cache.GetAsync(cancellationToken);
        var user = current.FindUser(caller.UserId)
            ?? throw ChatPresenceException.Create(FailureReason.NotAuthenticated, caller.Language, TextId.NotAuthenticated);
        var now = clock.GetUtcNow();
        return new BoardHeader(user, [.. current.Topics.OrderBy(t => t.Id).Select(t => TopicState.Of(t, now))]);
    }

    private string IdOf(long number) => Epoch + "-" + number.ToString(CultureInfo.InvariantCulture);

    /// <summary>The events after <paramref name="lastEventId"/>, or null when they are not all held (or the id is not ours).</summary>
    private List<FeedEvent>? Missed(string? lastEventId)
    {
        if (string.IsNullOrEmpty(lastEventId))
        {
            return null;
        }

        var dash = lastEventId.LastIndexOf('-');
        if (dash <= 0
            || !lastEventId.AsSpan(0, dash).SequenceEqual(Epoch)
            || !long.TryParse(lastEventId.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var seen)
            || seen > sequence)
        {
            return null;
        }

        var oldestHeld = Math.Max(1, sequence - ring.Length + 1);
        if (seen < oldestHeld - 1)
        {
            return null;
        }

        var missed = new List<FeedEvent>((int)(sequence - seen));
        for (var n = seen + 1; n <= sequence; n++)
        {
            missed.Add(ring[n % ring.Length]!);
        }

        return missed;
    }

    private void OnViewChanged(DirectoryView old, DirectoryView replacement)
    {
        lock (gate)
        {
            if (disposed || ReferenceEquals(view, replacement))
            {
                return;
            }

            if (view is null)
            {
                Adopt(replacement);
                return;
            }

            var before = view;
            view = replacement;
            try
            {
                PublishRowChanges(before, replacement);
                RefreshTopics(publish: true);
            }
            catch (Exception)
            {
                // Never fail the reload that raised this (a request is waiting on it): every stream starts again
                // from a snapshot of the new view instead, so none is left with a gap.
                foreach (var subscription in subscribers)
                {
                    subscription.RequestSnapshot();
                }
            }
        }
    }

    private void Adopt(DirectoryView first)
    {
        view = first;
        RefreshTopics(publish: false);
    }

    /// <summary>Row events for every chat user whose row differs, appeared or went (both id lists are ascending).</summary>
    private void PublishRowChanges(DirectoryView before, DirectoryView after)
    {
        // A delta from the change log (hundreds a second under load, on every host) changes presence only: its users
        // are the only rows that can differ, so it costs the rows it changed, not a walk of the whole directory.
        if (after.PresenceChangesSince(before) is { } changed)
        {
            foreach (var id in changed)
            {
                if (after.BareRow(id) is { } row)
                {
                    Publish(FeedEventKind.Presence, id, row, null);
                }
            }

            return;
        }

        var oldIds = before.ChatUserIds;
        var newIds = after.ChatUserIds;
        int i = 0, j = 0;
        while (i < oldIds.Count || j < newIds.Count)
        {
            var oldId = i < oldIds.Count ? oldIds[i] : int.MaxValue;
            var newId = j < newIds.Count ? newIds[j] : int.MaxValue;
            if (oldId < newId)
            {
                Publish(FeedEventKind.Removed, oldId, null, null);
                i++;
            }
            else if (newId < oldId)
            {
                Publish(FeedEventKind.Presence, newId, after.BareRow(newId), null);
                j++;
            }
            else
            {
                var row = after.BareRow(newId)!;
                if (!SameRow(before.BareRow(oldId)!, row))
                {
                    Publish(FeedEventKind.Presence, newId, row, null);
                }

                i++;
                j++;
            }
        }
    }

    private static bool SameRow(PresenceRow a, PresenceRow b) =>
        a.Present == b.Present
        && a.OngoingChats == b.OngoingChats
        && a.DisplayName == b.DisplayName
        && a.ChatTopics.SequenceEqual(b.ChatTopics);

    private void OnTopicTimer()
    {
        lock (gate)
        {
            if (!disposed && view is not null)
            {
                RefreshTopics(publish: true);
            }
        }
    }

    /// <summary>Recomputes every topic's state, publishes what changed, and sets the timer for the next change.</summary>
    private void RefreshTopics(bool publish)
    {
        var now = clock.GetUtcNow();
        var next = (DateTimeOffset?)null;
        var states = new Dictionary<int, TopicState>();
        foreach (var topic in view!.Topics.OrderBy(t => t.Id))
        {
            var state = TopicState.Of(topic, now);
            states[topic.Id] = state;
            if (publish && (!topics.TryGetValue(topic.Id, out var known) || !known.SameAs(state)))
            {
                Publish(FeedEventKind.Topic, topic.Id, null, state);
            }

            if (topic.OpeningHours.NextChangeAfter(now) is { } change && (next is null || change < next))
            {
                next = change;
            }
        }

        if (publish)
        {
            foreach (var (id, known) in topics)
            {
                if (!states.ContainsKey(id))
                {
                    Publish(FeedEventKind.Topic, id, null, known with { Removed = true, Open = false });
                }
            }
        }

        topics = states;

        // Re-evaluated at least hourly, so a changed zone rule or a clock step cannot leave a topic stale for long.
        var due = next is { } at ? at - now : TimeSpan.FromHours(1);
        topicTimer.Change(due < TimeSpan.Zero ? TimeSpan.Zero : due > TimeSpan.FromHours(1) ? TimeSpan.FromHours(1) : due, Timeout.InfiniteTimeSpan);
    }

    private void Publish(FeedEventKind kind, int id, PresenceRow? row, TopicState? topic)
    {
        var e = new FeedEvent(++sequence, kind, id, row, topic);
        ring[e.Sequence % ring.Length] = e;
        renders[e.Sequence % renders.Length] = new Renderings(e.Sequence);
        foreach (var subscription in subscribers)
        {
            subscription.Offer(e);
        }
    }

    private void StartPolling()
    {
        polling = new CancellationTokenSource();
        _ = PollAsync(polling.Token);
    }

    private async Task PollAsync(CancellationToken stop)
    {
        Task<bool>? nudged = null;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                nudged ??= nudges.Reader.WaitToReadAsync(stop).AsTask();
                await Task.WhenAny(nudged, Task.Delay(options.PollInterval, stop)).ConfigureAwait(false);
                if (nudged.IsCompleted)
                {
                    nudges.Reader.TryRead(out _);
                    nudged = null;
                }

                stop.ThrowIfCancellationRequested();
                await cache.GetAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception)
            {
                // The store did not answer: the next tick asks again (the health check reports the store itself).
                nudged = null;
            }
        }
    }

    private sealed class Renderings(long sequence)
    {
        public long Sequence { get; } = sequence;

        public ConcurrentDictionary<(bool Writable, string Language), StreamEvent> Views { get; } = new();
    }
}
