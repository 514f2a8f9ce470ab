using ChatPresence.Domain;
using ChatPresence.Domain.Directory;
using ChatPresence.Domain.Identity;
using ChatPresence.Domain.Presence;
using ChatPresence.Storage;

namespace ChatPresence.Storage.Tests;

/// <summary>
/// What every <see cref="IChatStore"/> must do, whatever the engine. A subclass per engine supplies stores; the tests
/// use only the interface. Times are whole milliseconds and opening hours whole milliseconds too, so engines with
/// coarser clocks than .NET ticks (PostgreSQL: microseconds) run these unchanged.
/// </summary>
public abstract class ChatStoreContractTests : IAsyncLifetime
{
    protected static readonly CancellationToken None = CancellationToken.None;

    private readonly Dictionary<IChatStore, string> databases = [];

    /// <summary>A new, empty database: a file path (SQLite) or a connection string to a new schema (PostgreSQL).</summary>
    protected abstract Task<string> NewDatabaseAsync();

    /// <summary>A store instance over <paramref name="database"/>, not yet migrated.</summary>
    protected abstract IChatStore Connect(string database);

    /// <summary>A store over <paramref name="database"/>, closed when the test ends.</summary>
    protected IChatStore Open(string database)
    {
        var store = Connect(database);
        databases[store] = database;
        return store;
    }

    /// <summary>Closes <paramref name="store"/> now.</summary>
    protected async Task CloseAsync(IChatStore store)
    {
        databases.Remove(store);
        await ((IAsyncDisposable)store).DisposeAsync();
    }

    /// <summary>A fresh, empty, migrated store.</summary>
    protected async Task<IChatStore> CreateStoreAsync()
    {
        var store = Open(await NewDatabaseAsync());
        await store.MigrateAsync(None);
        return store;
    }

    /// <summary>Closes <paramref name="store"/> and returns a new, not yet migrated instance over the same database.</summary>
    protected async Task<IChatStore> ReopenAsync(IChatStore store)
    {
        var database = databases[store];
        await CloseAsync(store);
        return Open(database);
    }

    public virtual Task InitializeAsync() => Task.CompletedTask;

    /// <summary>Closes every store still open; a subclass then removes its databases.</summary>
    public virtual async Task DisposeAsync()
    {
        foreach (var store in databases.Keys.ToList())
        {
            await CloseAsync(store);
        }
    }

    // ---- Directory import and load -------------------------------------------------------------------------------

    [Fact]
    public async Task A_disposed_store_refuses_work()
    {
        var store = await CreateStoreAsync();
        await ((IAsyncDisposable)store).DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.SavePresenceAsync([new PresenceUpdate(1, true)], None));
        Assert.False(await store.CheckHealthAsync(None));
    }

    [Fact]
    public async Task Import_then_Load_round_trips_every_field()
    {
        var store = await CreateStoreAsync();
        var directory = SampleDirectory();

        await store.ImportAsync(directory, None);
        var snapshot = await store.LoadAsync(None);

        AssertSameDirectory(directory, snapshot.Directory);
    }

    [Fact]
    public async Task Import_of_the_same_directory_twice_changes_nothing_the_second_time()
    {
        var store = await CreateStoreAsync();
        await store.ImportAsync(SampleDirectory(), None);
        var first = await store.GetChangeStampAsync(None);

        // Equal content in new instances and another order: compared by value, not by reference or position.
        var again = SampleDirectory();
        await store.ImportAsync(again with { Users = again.Users.Reverse().ToArray(), Memberships = again.Memberships.Reverse().ToArray() }, None);

        Assert.Equal(first, await store.GetChangeStampAsync(None));
        Assert.Equal(first, (await store.LoadAsync(None)).ChangeStamp);
        AssertSameDirectory(SampleDirectory(), (await store.LoadAsync(None)).Directory);
    }

    [Fact]
    public async Task Import_moves_the_stamp_when_any_kind_of_data_changed()
    {
        var store = await CreateStoreAsync();
        var directory = SampleDirectory();
        await store.ImportAsync(directory, None);

        ChatDirectory[] changed =
        [
            directory with { Users = directory.Users.Select(u => u.Id == 2 ? u with { DisplayName = "Renamed" } : u).ToArray() },
            directory with { Topics = directory.Topics.Select(t => t.Id == 10 ? t with { OpeningHours = t.OpeningHours with { TimeZoneId = "America/New_York" } } : t).ToArray() },
            directory with { Memberships = directory.Memberships.Select(m => m with { Listen = !m.Listen }).ToArray() },
            directory with { OngoingChats = new Dictionary<int, int> { [1] = 7 } },
        ];
        foreach (var next in changed)
        {
            var before = await store.GetChangeStampAsync(None);
            await store.ImportAsync(next, None);
            var snapshot = await store.LoadAsync(None);
            Assert.True(snapshot.ChangeStamp > before);
            Assert.Equal(snapshot.ChangeStamp, await store.GetChangeStampAsync(None));
            AssertSameDirectory(next, snapshot.Directory);
        }
    }

    [Fact]
    public async Task Import_removes_absent_users_with_their_presence_and_credentials()
    {
        var store = await CreateStoreAsync();
        var directory = SampleDirectory();
        await store.ImportAsync(directory, None);
        await store.SavePresenceAsync([new PresenceUpdate(2, true)], None);
        await store.SetPasswordAsync(2, Password(1), None);
        var ticket = Ticket(1, userId: 2);
        await store.AddTicketAsync(ticket, None);

        var withoutUser2 = WithoutUser(directory, 2);
        await store.ImportAsync(withoutUser2, None);

        var snapshot = await store.LoadAsync(None);
        AssertSameDirectory(withoutUser2, snapshot.Directory);
        Assert.False(snapshot.Presence.ContainsKey(2));
        Assert.Null(await store.GetPasswordAsync(2, None));
        Assert.Null(await store.FindTicketAsync(ticket.TicketHash, None));

        // Coming back is a new start, not a resurrection of the old state.
        await store.ImportAsync(directory, None);
        Assert.False(IsPresent(await store.LoadAsync(None), 2));
        Assert.Null(await store.GetPasswordAsync(2, None));
    }

    [Fact]
    public async Task Import_keeps_presence_and_credentials_of_users_that_remain()
    {
        var store = await CreateStoreAsync();
        var directory = SampleDirectory();
        await store.ImportAsync(directory, None);
        await store.SavePresenceAsync([new PresenceUpdate(1, true), new PresenceUpdate(3, true)], None);
        await store.SetPasswordAsync(1, Password(1), None);
        var ticket = Ticket(1, userId: 1);
        await store.AddTicketAsync(ticket, None);

        var changed = WithoutUser(directory, 2) with
        {
            Users = [.. WithoutUser(directory, 2).Users.Select(u => u.Id == 1 ? u with { DisplayName = "Still Anna" } : u), new ChatUser(9, "new", "New", ChatRole.Agent, true)],
        };
        await store.ImportAsync(changed, None);

        var snapshot = await store.LoadAsync(None);
        Assert.True(IsPresent(snapshot, 1));
        Assert.True(IsPresent(snapshot, 3));
        Assert.False(IsPresent(snapshot, 9));
        Assert.Equal("Still Anna", snapshot.Directory.Users.Single(u => u.Id == 1).DisplayName);
        AssertSamePassword(Password(1), await store.GetPasswordAsync(1, None));
        Assert.NotNull(await store.FindTicketAsync(ticket.TicketHash, None));
    }

    [Fact]
    public async Task Import_removes_absent_topics_and_memberships()
    {
        var store = await CreateStoreAsync();
        var directory = SampleDirectory();
        await store.ImportAsync(directory, None);

        var smaller = directory with
        {
            Topics = directory.Topics.Where(t => t.Id != 11).ToArray(),
            Memberships = directory.Memberships.Where(m => m.TopicId != 11 && !(m.TopicId == 10 && m.UserId == 3)).ToArray(),
            OngoingChats = new Dictionary<int, int>(),
        };
        await store.ImportAsync(smaller, None);

        AssertSameDirectory(smaller, (await store.LoadAsync(None)).Directory);
    }

    [Fact]
    public async Task Import_lets_two_users_swap_login_names()
    {
        var store = await CreateStoreAsync();
        var directory = SampleDirectory();
        await store.ImportAsync(directory, None);

        var swapped = directory with
        {
            Users = directory.Users.Select(u => u.Id switch
            {
                1 => u with { LoginName = "BRIAN" },
                2 => u with { LoginName = "anna" },
                _ => u,
            }).ToArray(),
        };
        await store.ImportAsync(swapped, None);

        AssertSameDirectory(swapped, (await store.LoadAsync(None)).Directory);
    }

    [Fact]
    public async Task Import_refuses_login_names_that_differ_only_in_case_and_changes_nothing()
    {
        var store = await CreateStoreAsync();
        var directory = SampleDirectory();
        await store.ImportAsync(directory, None);
        var stamp = await store.GetChangeStampAsync(None);

        var clash = directory with { Users = [.. directory.Users, new ChatUser(50, "ANNA", "Other Anna", ChatRole.Agent, true)] };
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.ImportAsync(clash, None));

        Assert.Equal(stamp, await store.GetChangeStampAsync(None));
        AssertSameDirectory(directory, (await store.LoadAsync(None)).Directory);
    }

    [Theory]
    [InlineData(0x0001)]
    [InlineData(0x0000)]
    [InlineData(0xFFFE)]
    [InlineData(0xFFFF)]
    [InlineData(0xD800)] // a lone surrogate (passed as a number: xunit's string serialization would mend it)
    public async Task Import_refuses_a_display_name_XML_cannot_carry_and_changes_nothing(int character)
    {
        var displayName = "Anna" + (char)character;
        var store = await CreateStoreAsync();
        var directory = SampleDirectory();
        await store.ImportAsync(directory, None);
        var stamp = await store.GetChangeStampAsync(None);

        var bad = directory with { Users = [.. directory.Users, new ChatUser(50, "bad", displayName, ChatRole.Agent, true)] };
        var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => store.ImportAsync(bad, None));

        Assert.Contains("user 50", error.Message, StringComparison.Ordinal);
        Assert.Contains("displayName", error.Message, StringComparison.Ordinal);
        Assert.Equal(stamp, await store.GetChangeStampAsync(None));
        AssertSameDirectory(directory, (await store.LoadAsync(None)).Directory);
    }

    [Fact]
    public async Task IsEmpty_is_true_until_a_user_is_imported()
    {
        var store = await CreateStoreAsync();
        Assert.True(await store.IsEmptyAsync(None));

        await store.ImportAsync(SampleDirectory(), None);
        Assert.False(await store.IsEmptyAsync(None));

        await store.ImportAsync(new ChatDirectory([], [], [], new Dictionary<int, int>()), None);
        Assert.True(await store.IsEmptyAsync(None));
    }

    // ---- Presence ------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Save_then_Load_round_trips_presence()
    {
        var store = await CreateStoreAsync();
        await store.ImportAsync(SampleDirectory(), None);

        await store.SavePresenceAsync([new PresenceUpdate(1, true), new PresenceUpdate(3, true)], None);
        var snapshot = await store.LoadAsync(None);
        Assert.True(IsPresent(snapshot, 1));
        Assert.True(IsPresent(snapshot, 3));
        Assert.False(IsPresent(snapshot, 2));

        await store.SavePresenceAsync([new PresenceUpdate(1, false)], None);
        snapshot = await store.LoadAsync(None);
        Assert.False(IsPresent(snapshot, 1));
        Assert.True(IsPresent(snapshot, 3));
    }

    [Fact]
    public async Task Save_applies_the_last_entry_when_a_user_appears_twice()
    {
        var store = await CreateStoreAsync();
        await store.ImportAsync(SampleDirectory(), None);

        await store.SavePresenceAsync([new PresenceUpdate(1, true), new PresenceUpdate(1, false)], None);
        Assert.False(IsPresent(await store.LoadAsync(None), 1));

        await store.SavePresenceAsync([new PresenceUpdate(1, false), new PresenceUpdate(1, true)], None);
        Assert.True(IsPresent(await store.LoadAsync(None), 1));
    }

    [Fact]
    public async Task Save_moves_the_change_stamp_consistently_with_Load()
    {
        var store = await CreateStoreAsync();
        await store.ImportAsync(SampleDirectory(), None);
        var before = await store.GetChangeStampAsync(None);
        Assert.Equal(before, (await store.LoadAsync(None)).ChangeStamp);

        await store.SavePresenceAsync([new PresenceUpdate(1, true)], None);

        var after = await store.GetChangeStampAsync(None);
        Assert.True(after > before);
        Assert.Equal(after, (await store.LoadAsync(None)).ChangeStamp);
    }

    [Fact]
    public async Task Save_with_an_unknown_user_fails_the_whole_batch_and_changes_nothing()
    {
        var store = await CreateStoreAsync();
        await store.ImportAsync(SampleDirectory(), None);
        await store.SavePresenceAsync([new PresenceUpdate(3, true)], None);
        var stamp = await store.GetChangeStampAsync(None);

        var error = await Assert.ThrowsAsync<UnknownChatUserException>(() =>
            store.SavePresenceAsync([new PresenceUpdate(1, true), new PresenceUpdate(999, true), new PresenceUpdate(3, false)], None));

        Assert.Equal(999, error.UserId);
        var snapshot = await store.LoadAsync(None);
        Assert.False(IsPresent(snapshot, 1));
        Assert.True(IsPresent(snapshot, 3));
        Assert.Equal(stamp, snapshot.ChangeStamp);
        Assert.Equal(stamp, await store.GetChangeStampAsync(None));
    }

    [Fact]
    public async Task Save_refuses_a_user_without_chat_access_like_an_unknown_one()
    {
        var store = await CreateStoreAsync();
        await store.ImportAsync(SampleDirectory(), None);
        var stamp = await store.GetChangeStampAsync(None);

        var error = await Assert.ThrowsAsync<UnknownChatUserException>(() =>
            store.SavePresenceAsync([new PresenceUpdate(1, true), new PresenceUpdate(4, true)], None));

        Assert.Equal(4, error.UserId);
        var snapshot = await store.LoadAsync(None);
        Assert.False(IsPresent(snapshot, 1));
        Assert.False(IsPresent(snapshot, 4));
        Assert.Equal(stamp, snapshot.ChangeStamp);
    }

    [Fact]
    public async Task Sixty_four_concurrent_saves_lose_no_update()
    {
        var store = await CreateStoreAsync();
        await store.ImportAsync(ManyUsers(64), None);
        var before = await store.GetChangeStampAsync(None);

        await Task.WhenAll(Enumerable.Range(1, 64).Select(id => Task.Run(() => store.SavePresenceAsync([new PresenceUpdate(id, true)], None))));

        var snapshot = await store.LoadAsync(None);
        Assert.All(Enumerable.Range(1, 64), id => Assert.True(IsPresent(snapshot, id), $"user {id} lost its update"));
        Assert.True(snapshot.ChangeStamp > before);
        Assert.Equal(snapshot.ChangeStamp, await store.GetChangeStampAsync(None));
    }

    [Fact]
    public async Task A_refused_save_does_not_fail_saves_running_at_the_same_time()
    {
        var store = await CreateStoreAsync();
        await store.ImportAsync(ManyUsers(64), None);

        // Odd callers name an unknown user as well; each call stands or falls alone.
        var calls = Enumerable.Range(1, 64).Select(id => (Id: id, Task: Task.Run(() => store.SavePresenceAsync(
            id % 2 == 0 ? [new PresenceUpdate(id, true)] : [new PresenceUpdate(id, true), new PresenceUpdate(1000 + id, true)], None)))).ToArray();
        await Task.WhenAll(calls.Select(c => c.Task.ContinueWith(_ => { }, TaskScheduler.Default)));

        var snapshot = await store.LoadAsync(None);
        foreach (var (id, task) in calls)
        {
            if (id % 2 == 0)
            {
                Assert.True(task.IsCompletedSuccessfully, $"user {id}: {task.Exception?.InnerException?.Message}");
                Assert.True(IsPresent(snapshot, id));
            }
            else
            {
                Assert.Equal(1000 + id, Assert.IsType<UnknownChatUserException>(task.Exception?.InnerException).UserId);
                Assert.False(IsPresent(snapshot, id));
            }
        }
    }

    [Fact]
    public async Task An_empty_save_changes_nothing()
    {
        var store = await CreateStoreAsync();
        await store.ImportAsync(SampleDirectory(), None);
        var stamp = await store.GetChangeStampAsync(None);

        await store.SavePresenceAsync([], None);

        Assert.Equal(stamp, (await store.LoadAsync(None)).ChangeStamp);
    }

    [Fact]
    public async Task A_save_cancelled_before_it_starts_changes_nothing()
    {
        var store = await CreateStoreAsync();
        await store.ImportAsync(SampleDirectory(), None);
        var stamp = await store.GetChangeStampAsync(None);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            store.SavePresenceAsync([new PresenceUpdate(1, true)], new CancellationToken(canceled: true)));

        var snapshot = await store.LoadAsync(None);
        Assert.False(IsPresent(snapshot, 1));
        Assert.Equal(stamp, snapshot.ChangeStamp);
    }

    // ---- Lifecycle -----------------------------------------------------------------------------------------------

    [Fact]
    public async Task Migrate_twice_is_harmless_and_data_survives_reopening()
    {
        var store = await CreateStoreAsync();
        await store.MigrateAsync(None);
        await store.ImportAsync(SampleDirectory(), None);
        await store.SavePresenceAsync([new PresenceUpdate(3, true)], None);
        await store.SetPasswordAsync(1, Password(1), None);
        await store.MigrateAsync(None);
        var stamp = await store.GetChangeStampAsync(None);

        var reopened = await ReopenAsync(store);
        await reopened.MigrateAsync(None);
        await reopened.MigrateAsync(None);

        Assert.Equal(stamp, await reopened.GetChangeStampAsync(None));
        var snapshot = await reopened.LoadAsync(None);
        Assert.Equal(stamp, snapshot.ChangeStamp);
        AssertSameDirectory(SampleDirectory(), snapshot.Directory);
        Assert.True(IsPresent(snapshot, 3));
        AssertSamePassword(Password(1), await reopened.GetPasswordAsync(1, None));

        // The reopened instance keeps counting from where the file is, not from zero.
        await reopened.SavePresenceAsync([new PresenceUpdate(1, true)], None);
        Assert.True(await reopened.GetChangeStampAsync(None) > stamp);
    }

    [Fact]
    public async Task Health_check_answers_true_for_a_working_store()
    {
        var store = await CreateStoreAsync();
        Assert.True(await store.CheckHealthAsync(None));
    }

    // ---- Credentials ---------------------------------------------------------------------------------------------

    [Fact]
    public async Task Password_can_be_set_read_back_and_replaced()
    {
        var store = await CreateStoreAsync();
        await store.ImportAsync(SampleDirectory(), None);
        Assert.Null(await store.GetPasswordAsync(1, None));

        await store.SetPasswordAsync(1, Password(1), None);
        AssertSamePassword(Password(1), await store.GetPasswordAsync(1, None));
        Assert.Null(await store.GetPasswordAsync(2, None));

        await store.SetPasswordAsync(1, Password(2), None);
        AssertSamePassword(Password(2), await store.GetPasswordAsync(1, None));
    }

    [Fact]
    public async Task Password_of_an_unknown_user_is_refused()
    {
        var store = await CreateStoreAsync();
        await store.ImportAsync(SampleDirectory(), None);

        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.SetPasswordAsync(999, Password(1), None));
        Assert.Null(await store.GetPasswordAsync(999, None));
    }

    [Fact]
    public async Task Ticket_can_be_added_found_touched_and_revoked()
    {
        var store = await CreateStoreAsync();
        await store.ImportAsync(SampleDirectory(), None);
        var first = Ticket(1, userId: 1);
        var second = Ticket(2, userId: 1);
        var other = Ticket(3, userId: 2);
        foreach (var ticket in new[] { first, second, other })
        {
            await store.AddTicketAsync(ticket, None);
        }

        AssertSameTicket(first, await store.FindTicketAsync(first.TicketHash.ToArray(), None));
        Assert.Null(await store.FindTicketAsync(Ticket(4, userId: 1).TicketHash, None));

        // Uses of several tickets in one call; a ticket no longer there is skipped.
        var later = first.LastUsed.AddMinutes(5);
        var otherLater = other.LastUsed.AddMinutes(7);
        await store.TouchTicketsAsync([new(first.TicketHash, later), new(Ticket(4, userId: 1).TicketHash, later), new(other.TicketHash, otherLater)], None);
        AssertSameTicket(first with { LastUsed = later }, await store.FindTicketAsync(first.TicketHash, None));
        AssertSameTicket(other with { LastUsed = otherLater }, await store.FindTicketAsync(other.TicketHash, None));
        AssertSameTicket(second, await store.FindTicketAsync(second.TicketHash, None));

        // A late-arriving older use (another host's write-back) must not shorten the ticket's life.
        await store.TouchTicketsAsync([new(first.TicketHash, first.LastUsed)], None);
        Assert.Equal(later, (await store.FindTicketAsync(first.TicketHash, None))!.LastUsed);
        await store.TouchTicketsAsync([], None);

        Assert.Equal(2, await store.RevokeTicketsAsync(1, None));
        Assert.Null(await store.FindTicketAsync(first.TicketHash, None));
        Assert.Null(await store.FindTicketAsync(second.TicketHash, None));
        AssertSameTicket(other with { LastUsed = otherLater }, await store.FindTicketAsync(other.TicketHash, None));
        Assert.Equal(0, await store.RevokeTicketsAsync(1, None));
    }

    [Fact]
    public async Task One_ticket_can_be_revoked_alone()
    {
        var store = await CreateStoreAsync();
        await store.ImportAsync(SampleDirectory(), None);
        var first = Ticket(1, userId: 1);
        var second = Ticket(2, userId: 1);
        await store.AddTicketAsync(first, None);
        await store.AddTicketAsync(second, None);

        Assert.True(await store.RevokeTicketAsync(first.TicketHash, None));
        Assert.Null(await store.FindTicketAsync(first.TicketHash, None));
        AssertSameTicket(second, await store.FindTicketAsync(second.TicketHash, None));
        Assert.False(await store.RevokeTicketAsync(first.TicketHash, None));
    }

    [Fact]
    public async Task Credential_writes_do_not_move_the_change_stamp()
    {
        // Tickets are touched all the time; moving the stamp would throw away every cached presence list.
        var store = await CreateStoreAsync();
        await store.ImportAsync(SampleDirectory(), None);
        var stamp = await store.GetChangeStampAsync(None);

        await store.SetPasswordAsync(1, Password(1), None);
        var ticket = Ticket(1, userId: 1);
        await store.AddTicketAsync(ticket, None);
        await store.TouchTicketsAsync([new(ticket.TicketHash, ticket.LastUsed.AddMinutes(1))], None);
        await store.RevokeTicketsAsync(1, None);

        Assert.Equal(stamp, await store.GetChangeStampAsync(None));
        Assert.Equal(stamp, (await store.LoadAsync(None)).ChangeStamp);
    }

    // ---- Sample data and comparisons -----------------------------------------------------------------------------

    /// <summary>Users 1-3 are chat users, 4 is not; topic 10 has full opening hours, 11 is always open.</summary>
    protected static ChatDirectory SampleDirectory()
    {
        var days = new DayHours[7];
        for (var i = 0; i < 7; i++)
        {
            // Every day different, so a shifted or reordered week shows.
            days[i] = new DayHours(i is not (0 or 6), new TimeOnly(7 + i, 15, 30, 250), new TimeOnly(16, i * 5, 59, 999));
        }

        var hours = new OpeningHours(true, "Europe/Oslo", days, new DayHours(true, new TimeOnly(11, 30), new TimeOnly(12, 0, 0, 500)));
        return new ChatDirectory(
            [
                new ChatUser(1, "anna", "Anna Åberg", ChatRole.Agent, true),
                new ChatUser(2, "BRIAN", "Brian O'Neil", ChatRole.Manager, true),
                new ChatUser(3, "chloé", "Chloé 陳", ChatRole.Administrator, true),
                new ChatUser(4, "dave", "Dave (no chat)", ChatRole.Agent, false),
            ],
            [
                new ChatTopic(10, "Support", hours),
                new ChatTopic(11, "Sales \"EU\"", OpeningHours.AlwaysOpen),
            ],
            [
                new TopicMembership(10, 1, true, false, false, false),
                new TopicMembership(10, 2, false, true, true, true),
                new TopicMembership(10, 3, false, false, true, false),
                new TopicMembership(11, 1, false, true, false, false),
                new TopicMembership(11, 4, false, false, false, false),
            ],
            new Dictionary<int, int> { [1] = 2, [2] = 0, [3] = 5 });
    }

    protected static ChatDirectory ManyUsers(int count) => new(
        Enumerable.Range(1, count).Select(id => new ChatUser(id, $"user{id}", $"User {id}", ChatRole.Agent, true)).ToArray(),
        [],
        [],
        new Dictionary<int, int>());

    protected static bool IsPresent(DirectorySnapshot snapshot, int userId) => snapshot.Presence.TryGetValue(userId, out var present) && present;

    private static ChatDirectory WithoutUser(ChatDirectory directory, int userId) => directory with
    {
        Users = directory.Users.Where(u => u.Id != userId).ToArray(),
        Memberships = directory.Memberships.Where(m => m.UserId != userId).ToArray(),
        OngoingChats = directory.OngoingChats.Where(p => p.Key != userId).ToDictionary(),
    };

    private static StoredPassword Password(byte seed) =>
        new("PBKDF2-SHA256", 600_000 + seed, Enumerable.Range(0, 16).Select(i => (byte)(i * seed)).ToArray(), Enumerable.Range(0, 32).Select(i => (byte)(255 - i - seed)).ToArray());

    protected static StoredTicket Ticket(byte seed, int userId)
    {
        var created = new DateTimeOffset(2025, 3, 4, 10, 15, 30, 123, TimeSpan.FromHours(2)).AddSeconds(seed);
        return new StoredTicket(Enumerable.Range(0, 32).Select(i => (byte)(i ^ seed)).ToArray(), userId, created, created.AddMilliseconds(seed));
    }

    private static void AssertSamePassword(StoredPassword expected, StoredPassword? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Algorithm, actual.Algorithm);
        Assert.Equal(expected.Iterations, actual.Iterations);
        Assert.Equal(expected.Salt, actual.Salt);
        Assert.Equal(expected.Hash, actual.Hash);
    }

    private static void AssertSameTicket(StoredTicket expected, StoredTicket? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.TicketHash, actual.TicketHash);
        Assert.Equal(expected.UserId, actual.UserId);
        Assert.Equal(expected.Created, actual.Created);
        Assert.Equal(expected.LastUsed, actual.LastUsed);
    }

    /// <summary>Order-insensitive: the contract does not promise an order.</summary>
    protected static void AssertSameDirectory(ChatDirectory expected, ChatDirectory actual)
    {
        Assert.Equal(expected.Users.OrderBy(u => u.Id), actual.Users.OrderBy(u => u.Id));
        Assert.Equal(expected.Memberships.OrderBy(m => (m.TopicId, m.UserId)), actual.Memberships.OrderBy(m => (m.TopicId, m.UserId)));
        Assert.Equal(expected.OngoingChats.OrderBy(p => p.Key), actual.OngoingChats.OrderBy(p => p.Key));

        var expectedTopics = expected.Topics.OrderBy(t => t.Id).ToArray();
        var actualTopics = actual.Topics.OrderBy(t => t.Id).ToArray();
        Assert.Equal(expectedTopics.Length, actualTopics.Length);
        for (var i = 0; i < expectedTopics.Length; i++)
        {
            Assert.Equal(expectedTopics[i].Id, actualTopics[i].Id);
            Assert.Equal(expectedTopics[i].Name, actualTopics[i].Name);
            var (e, a) = (expectedTopics[i].OpeningHours, actualTopics[i].OpeningHours);
            Assert.Equal(e.Enabled, a.Enabled);
            Assert.Equal(e.TimeZoneId, a.TimeZoneId);
            Assert.Equal(e.Days, a.Days);
            Assert.Equal(e.Lunch, a.Lunch);
        }
    }
}
