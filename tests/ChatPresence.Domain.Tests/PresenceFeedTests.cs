using System.Globalization;
using ChatPresence.Domain.Directory;
using ChatPresence.Domain.Live;
using ChatPresence.Domain.Presence;
using CsCheck;

namespace ChatPresence.Domain.Tests;

public sealed class PresenceFeedTests
{
    private static readonly PresenceFeedOptions Small = new() { ResumeEvents = 8, StreamCapacity = 3 };

    [Fact]
    public async Task A_save_is_one_presence_event_with_each_callers_own_rights()
    {
        await using var world = await AgentWorld.CreateAsync();
        using var feed = new PresenceFeed(world.Directory, world.Clock, Small);
        using var agent = await feed.SubscribeAsync(AgentWorld.As(AgentWorld.AgentA), null, CancellationToken.None);
        using var admin = await feed.SubscribeAsync(AgentWorld.As(AgentWorld.Admin, "de"), null, CancellationToken.None);
        Assert.NotNull(agent.TryRead()!.Snapshot);
        Assert.NotNull(admin.TryRead()!.Snapshot);

        await SaveAsync(world, AgentWorld.Admin, AgentWorld.AgentB, true);

        var seen = agent.TryRead()!.Events.Single();
        Assert.Equal(FeedEventKind.Presence, seen.Kind);
        Assert.True(seen.Row!.Present);
        Assert.False(seen.Row.Writable);
        Assert.Equal("en", seen.Language);
        var adminSeen = admin.TryRead()!.Events.Single();
        Assert.True(adminSeen.Row!.Writable);
        Assert.Equal("de", adminSeen.Language);
        Assert.Equal(seen.Id, adminSeen.Id);
        Assert.Null(agent.TryRead());

        // The agent's own row is writable in the agent's view.
        await SaveAsync(world, AgentWorld.AgentA, AgentWorld.AgentA, true);
        Assert.True(agent.TryRead()!.Events.Single().Row!.Writable);
    }

    [Fact]
    public async Task Callers_of_one_rights_view_and_language_share_one_rendered_event_and_no_other_caller_gets_it()
    {
        await using var world = await AgentWorld.CreateAsync();
        using var feed = new PresenceFeed(world.Directory, world.Clock, Small);
        var callers = new[] { AgentWorld.As(AgentWorld.AgentA), AgentWorld.As(AgentWorld.NoTopicAgent), AgentWorld.As(AgentWorld.AgentA, "de"), AgentWorld.As(AgentWorld.AgentB) };
        var streams = new List<PresenceSubscription>();
        foreach (var caller in callers)
        {
            var stream = await feed.SubscribeAsync(caller, null, CancellationToken.None);
            Assert.NotNull(stream.TryRead()!.Snapshot);
            streams.Add(stream);
        }

        await SaveAsync(world, AgentWorld.Admin, AgentWorld.AgentB, true);

        var seen = streams.Select(s => s.TryRead()!.Events.Single()).ToArray();
        Assert.Same(seen[0], seen[1]); // two agents reading another's row, in English: one rendering
        Assert.NotSame(seen[0], seen[2]); // German texts
        Assert.Equal((false, "de"), (seen[2].Row!.Writable, seen[2].Language));
        Assert.NotSame(seen[0], seen[3]); // AgentB's own row is writable for AgentB only
        Assert.Equal((true, "en"), (seen[3].Row!.Writable, seen[3].Language));
        Assert.Equal((false, "en"), (seen[0].Row!.Writable, seen[0].Language));
        streams.ForEach(s => s.Dispose());
    }

    [Fact]
    public async Task A_tick_wakes_an_idle_reader_once_and_ticks_never_crowd_events_out_of_its_queue()
    {
        await using var world = await AgentWorld.CreateAsync();
        using var feed = new PresenceFeed(world.Directory, world.Clock, Small);
        using var idle = await feed.SubscribeAsync(AgentWorld.As(AgentWorld.AgentA), null, CancellationToken.None);
        Assert.NotNull(idle.TryRead()!.Snapshot);
        Assert.False(idle.WaitAsync(CancellationToken.None).IsCompleted);

        for (var i = 0; i < 10 * Small.StreamCapacity; i++)
        {
            feed.Tick();
        }

        Assert.True(await idle.WaitAsync(CancellationToken.None));
        Assert.Null(idle.TryRead());
        Assert.True(idle.TakeTick());
        Assert.False(idle.TakeTick());

        // Ticks never queued more than one: a save after them is an event, not a resync snapshot.
        feed.Tick();
        feed.Tick();
        await SaveAsync(world, AgentWorld.Admin, AgentWorld.AgentB, true);
        var batch = idle.TryRead()!;
        Assert.Null(batch.Snapshot);
        Assert.Equal(AgentWorld.AgentB, batch.Events.Single().SubjectId);
        Assert.True(idle.TakeTick());
        Assert.Null(idle.TryRead());
    }

    [Fact]
    public async Task A_reader_that_falls_behind_gets_one_fresh_snapshot_instead_of_a_growing_queue()
    {
        await using var world = await AgentWorld.CreateAsync();
        using var feed = new PresenceFeed(world.Directory, world.Clock, Small);
        using var slow = await feed.SubscribeAsync(AgentWorld.As(AgentWorld.AgentA), null, CancellationToken.None);
        Assert.NotNull(slow.TryRead()!.Snapshot);

        var present = false;
        for (var i = 0; i < 10; i++)
        {
            present = !present;
            await SaveAsync(world, AgentWorld.Admin, AgentWorld.AgentB, present);
        }

        var resync = slow.TryRead()!;
        Assert.NotNull(resync.Snapshot);
        Assert.Equal(feed.LatestId, resync.SnapshotId);
        Assert.Equal(present, resync.Snapshot!.Items.Single(r => r.UserId == AgentWorld.AgentB).Present);
        Assert.Null(slow.TryRead());
    }

    [Fact]
    public async Task An_import_that_removes_a_user_and_adds_a_topic_gives_removed_and_topic_events()
    {
        await using var world = await AgentWorld.CreateAsync();
        using var feed = new PresenceFeed(world.Directory, world.Clock, Small);
        using var admin = await feed.SubscribeAsync(AgentWorld.As(AgentWorld.Admin), null, CancellationToken.None);
        admin.TryRead();

        var directory = AgentWorld.TestDirectory();
        await world.Store.ImportAsync(
            directory with
            {
                Users = [.. directory.Users.Where(u => u.Id != AgentWorld.NoTopicAgent)],
                Topics = [.. directory.Topics, new ChatTopic(30, "Billing", OpeningHours.AlwaysOpen)],
                Memberships = [.. directory.Memberships.Where(m => m.UserId != AgentWorld.NoTopicAgent)],
            },
            CancellationToken.None);
        await world.Directory.GetAsync(CancellationToken.None);

        var events = admin.TryRead()!.Events;
        Assert.Contains(events, e => e.Kind == FeedEventKind.Removed && e.SubjectId == AgentWorld.NoTopicAgent);
        Assert.Contains(events, e => e.Kind == FeedEventKind.Topic && e.Topic is { TopicId: 30, Open: true, Name: "Billing" });
        Assert.Equal(2, events.Count);
    }

    [Fact]
    public async Task Any_Last_Event_ID_gives_the_held_events_after_it_or_a_snapshot_and_never_throws()
    {
        await using var world = await AgentWorld.CreateAsync();
        using var feed = new PresenceFeed(world.Directory, world.Clock, Small);
        using var watcher = await feed.SubscribeAsync(AgentWorld.As(AgentWorld.Admin), null, CancellationToken.None);
        for (var i = 0; i < 12; i++)
        {
            await SaveAsync(world, AgentWorld.Admin, AgentWorld.AgentB, i % 2 == 0);
        }

        var latest = long.Parse(feed.LatestId[(feed.Epoch.Length + 1)..], CultureInfo.InvariantCulture);
        var ids = Gen.OneOf(
            Gen.String,
            Gen.Long[-3, latest + 3].Select(n => feed.Epoch + "-" + n.ToString(CultureInfo.InvariantCulture)),
            Gen.Long[0, latest].Select(n => "0000beef-" + n.ToString(CultureInfo.InvariantCulture)));
        await ids.SampleAsync(
            async id =>
            {
                using var subscription = await feed.SubscribeAsync(AgentWorld.As(AgentWorld.AgentA), id, CancellationToken.None);
                var first = subscription.TryRead();
                var held = id.StartsWith(feed.Epoch + "-", StringComparison.Ordinal)
                    && long.TryParse(id[(feed.Epoch.Length + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var seen)
                    && seen <= latest && seen >= latest - Small.ResumeEvents && latest - seen <= Small.StreamCapacity
                    ? seen : (long?)null;
                if (held is null)
                {
                    Assert.NotNull(first!.Snapshot);
                }
                else if (held == latest)
                {
                    Assert.Null(first);
                }
                else
                {
                    Assert.Null(first!.Snapshot);
                    Assert.Equal(
                        Enumerable.Range((int)held + 1, (int)(latest - held)).Select(n => feed.Epoch + "-" + n.ToString(CultureInfo.InvariantCulture)),
                        first.Events.Select(e => e.Id));
                }
            },
            iter: 300);
    }

    [Fact]
    public async Task A_presence_delta_from_the_change_log_publishes_exactly_the_chat_users_whose_presence_moved()
    {
        var users = Gen.Int[0, 40];
        var changes = Gen.Select(Gen.Int[0, 160], Gen.Bool).Array[0, 30].Select(pairs => (IReadOnlyDictionary<int, bool>)pairs.GroupBy(p => p.Item1).ToDictionary(g => g.Key, g => g.Last().Item2));
        await Gen.Select(users, changes, Gen.Bool.Array[4]).SampleAsync(
            async sample =>
            {
                var (extra, delta, initial) = sample;
                var store = new ChangeLogStore(AgentWorld.TestDirectory(extraUsers: extra), id => initial[id % initial.Length]);
                var cache = new DirectoryCache(store);
                using var feed = new PresenceFeed(cache, TimeProvider.System, new PresenceFeedOptions { ResumeEvents = 256, StreamCapacity = 256 });
                using var stream = await feed.SubscribeAsync(AgentWorld.As(AgentWorld.Admin), null, CancellationToken.None);
                Assert.NotNull(stream.TryRead()!.Snapshot);
                var before = await cache.GetAsync(CancellationToken.None);

                store.Next(delta);
                var after = await cache.RefreshAsync(CancellationToken.None);

                // What comparing the two views row by row gives: chat users whose presence differs, ascending.
                var expected = before.ChatUserIds.Where(id => before.IsPresent(id) != after.IsPresent(id)).ToArray();
                var moved = ReferenceEquals(after, before) ? [] : after.PresenceChangesSince(before)!; // an empty page changes no view
                Assert.Equal(expected, moved.Where(before.IsChatUser));
                var events = (stream.TryRead()?.Events ?? []).Where(e => e.Kind == FeedEventKind.Presence).ToArray();
                Assert.Equal(expected, events.Select(e => e.SubjectId));
                Assert.All(events, e => Assert.Equal(after.IsPresent(e.SubjectId), e.Row!.Present));
                Assert.Null(before.PresenceChangesSince(after)); // not a delta in that direction
            },
            iter: 200);
    }

    [Fact]
    public async Task A_presence_delta_costs_the_feed_the_rows_it_changed_not_the_directory()
    {
        // Bytes allocated while one user's change is applied and published, for two directory sizes: what grows with
        // the directory is the view's presence map (~20 bytes a user); comparing every row of both views (what each
        // delta cost before) allocated two rows per user, well over 100 bytes.
        var small = await DeltaAllocationAsync(2_000);
        var large = await DeltaAllocationAsync(20_000);
        var perUser = (large - small) / 18_000.0;
        Assert.True(perUser < 48, $"{perUser:F1} bytes per directory user for a one-user delta ({small} and {large} bytes)");
    }

    private static async Task<long> DeltaAllocationAsync(int users)
    {
        var store = new ChangeLogStore(AgentWorld.TestDirectory(extraUsers: users), _ => false);
        var cache = new DirectoryCache(store);
        using var feed = new PresenceFeed(cache, TimeProvider.System, Small);
        using var stream = await feed.SubscribeAsync(AgentWorld.As(AgentWorld.Admin), null, CancellationToken.None);
        Assert.NotNull(stream.TryRead()!.Snapshot);
        long least = long.MaxValue;
        for (var i = 0; i < 5; i++)
        {
            store.Next(new Dictionary<int, bool> { [AgentWorld.AgentA] = i % 2 == 0 });
            var started = GC.GetAllocatedBytesForCurrentThread();
            await cache.RefreshAsync(CancellationToken.None); // completes synchronously: the fake store answers at once
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - started);
            Assert.Single(stream.TryRead()!.Events, e => e.Kind == FeedEventKind.Presence);
        }

        return least;
    }

    /// <summary>A store with a change log whose next page the test sets: the PostgreSQL store's contract, in memory.</summary>
    private sealed class ChangeLogStore(ChatDirectory directory, Func<int, bool> initiallyPresent) : IChatDirectoryStore, IDirectoryChangeLog
    {
        private IReadOnlyDictionary<int, bool> next = new Dictionary<int, bool>();
        private long stamp = 1;

        public void Next(IReadOnlyDictionary<int, bool> presence) => next = presence;

        public Task<DirectorySnapshot> LoadAsync(CancellationToken cancellationToken) =>
            Task.FromResult(new DirectorySnapshot(stamp, directory, directory.Users.ToDictionary(u => u.Id, u => initiallyPresent(u.Id))) { ChangeCursor = "0" });

        public Task<ChangeLogPage> ReadChangesAsync(string cursor, CancellationToken cancellationToken)
        {
            var page = new ChangeLogPage(cursor, next.Count > 0 ? ++stamp : 0, false, next, [], []);
            next = new Dictionary<int, bool>();
            return Task.FromResult(page);
        }

        public Task WaitForChangesAsync(TimeSpan timeout, CancellationToken cancellationToken) => Task.Delay(timeout, cancellationToken);

        public ValueTask<long> GetChangeStampAsync(CancellationToken cancellationToken) => ValueTask.FromResult(stamp);

        public Task SavePresenceAsync(PresenceSave save, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task ImportAsync(ChatDirectory directory, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<bool> IsEmptyAsync(CancellationToken cancellationToken) => Task.FromResult(false);
    }

    private static async Task SaveAsync(AgentWorld world, int callerId, int userId, bool present)
    {
        await world.Agent.SaveChatPresenceAsync(AgentWorld.As(callerId), [new PresenceUpdate(userId, present)], CancellationToken.None);
        await world.Directory.GetAsync(CancellationToken.None);
    }
}

public sealed class OpeningHoursChangeTests
{
    private static readonly DayHours Office = new(true, new TimeOnly(8, 0), new TimeOnly(16, 0));

    private static readonly OpeningHours Oslo = new(
        true,
        "Europe/Oslo",
        [DayHours.Closed, Office, Office, Office, Office, Office with { Stop = new TimeOnly(15, 0) }, DayHours.Closed],
        new DayHours(true, new TimeOnly(11, 30), new TimeOnly(12, 0)));

    [Theory]
    [InlineData("2026-01-05T09:00:00Z", "2026-01-05T10:30:00Z")] // Monday 10:00 → lunch at 11:30 local
    [InlineData("2026-01-05T10:45:00Z", "2026-01-05T11:00:00Z")] // in lunch → 12:00
    [InlineData("2026-01-09T12:00:00Z", "2026-01-09T14:00:00Z")] // Friday closes at 15:00
    [InlineData("2026-01-09T14:00:00Z", "2026-01-12T07:00:00Z")] // Friday after closing → Monday 08:00
    [InlineData("2026-03-28T12:00:00Z", "2026-03-30T06:00:00Z")] // across spring DST: Monday 08:00 CEST
    [InlineData("2026-10-24T12:00:00Z", "2026-10-26T07:00:00Z")] // across autumn DST: Monday 08:00 CET
    public void The_next_change_is_the_next_window_edge_in_local_time(string now, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected, CultureInfo.InvariantCulture), Oslo.NextChangeAfter(DateTimeOffset.Parse(now, CultureInfo.InvariantCulture)));

    [Fact]
    public void An_edge_inside_the_spring_DST_gap_changes_at_the_jump()
    {
        // Sunday 01:00–02:30 local; on 29 March 2026 the clock jumps from 02:00 to 03:00 (01:00 UTC): closed from then.
        var night = new DayHours(true, new TimeOnly(1, 0), new TimeOnly(2, 30));
        var hours = new OpeningHours(true, "Europe/Oslo", [night, DayHours.Closed, DayHours.Closed, DayHours.Closed, DayHours.Closed, DayHours.Closed, DayHours.Closed], DayHours.Closed);
        Assert.Equal(DateTimeOffset.Parse("2026-03-29T01:00:00Z", CultureInfo.InvariantCulture), hours.NextChangeAfter(DateTimeOffset.Parse("2026-03-29T00:30:00Z", CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Always_open_never_changes() => Assert.Null(OpeningHours.AlwaysOpen.NextChangeAfter(DateTimeOffset.UnixEpoch));

    [Fact]
    public void Over_any_instant_of_the_year_the_state_holds_until_the_next_change_and_flips_there()
    {
        var start = DateTimeOffset.Parse("2026-01-01T00:00:00Z", CultureInfo.InvariantCulture);
        Gen.Long[0, 366L * 24 * 3600].Sample(seconds =>
        {
            var instant = start.AddSeconds(seconds);
            var open = Oslo.IsOpenAt(instant);
            var next = Oslo.NextChangeAfter(instant) ?? throw new InvalidOperationException("no change within eight days");
            Assert.True(next > instant);
            Assert.NotEqual(open, Oslo.IsOpenAt(next));
            for (var i = 1; i <= 20; i++)
            {
                Assert.Equal(open, Oslo.IsOpenAt(instant + ((next - instant) * i / 21)));
            }

            Assert.Equal(open, Oslo.IsOpenAt(next.AddSeconds(-1)));
        }, iter: 500);
    }
}
