using ChatPresence.Domain.Presence;
using static ChatPresence.Domain.Tests.AgentWorld;

namespace ChatPresence.Domain.Tests;

public sealed class ChatAgentTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static PresenceUpdate Set(int userId, bool present) => new(userId, present);

    private static async Task<PresenceRow> RowAsync(AgentWorld world, int userId, int caller = Admin) =>
        (await world.Agent.GetChatPresenceAsync(As(caller), None)).Items.Single(p => p.UserId == userId);

    [Fact]
    public async Task Lists_every_chat_user_with_topics_and_ongoing_chats()
    {
        await using var world = await CreateAsync();
        var list = await world.Agent.GetChatPresenceAsync(As(AgentA), None);

        Assert.Equal([Admin, AgentA, AgentB, TopicManager, RoleManager, NoTopicAgent], list.Items.Select(p => p.UserId));
        var a = list.Items.Single(p => p.UserId == AgentA);
        Assert.Equal("Agent A", a.DisplayName);
        Assert.Equal(2, a.OngoingChats);
        Assert.Equal([SalesTopic, SupportTopic], a.ChatTopics!);
        Assert.False(a.Present);
        Assert.Equal([SalesTopic], (await RowAsync(world, TopicManager)).ChatTopics!);
    }

    [Fact]
    public async Task A_chat_user_in_no_topic_is_listed_with_empty_topics()
    {
        await using var world = await CreateAsync();
        var row = await RowAsync(world, NoTopicAgent);
        Assert.NotNull(row.ChatTopics);
        Assert.Empty(row.ChatTopics);
        Assert.Equal(0, row.OngoingChats);
    }

    [Fact]
    public async Task Users_without_chat_access_are_not_listed()
    {
        await using var world = await CreateAsync();
        var list = await world.Agent.GetChatPresenceAsync(As(Admin), None);
        Assert.DoesNotContain(list.Items, p => p.UserId == NoChatAccess);
    }

    [Fact]
    public async Task Save_then_get_round_trips()
    {
        await using var world = await CreateAsync();
        await world.Agent.SaveChatPresenceAsync(As(Admin), [Set(AgentA, true), Set(AgentB, true)], None);
        Assert.True((await RowAsync(world, AgentA)).Present);
        Assert.True((await RowAsync(world, AgentB)).Present);

        await world.Agent.SaveChatPresenceAsync(As(Admin), [Set(AgentA, false)], None);
        Assert.False((await RowAsync(world, AgentA)).Present);
        Assert.True((await RowAsync(world, AgentB)).Present);
    }

    [Theory]
    [InlineData(true, false, false)]
    [InlineData(false, true, true)]
    [InlineData(true, true, false, true)]
    public async Task The_last_entry_for_a_user_wins(params bool[] values)
    {
        await using var world = await CreateAsync();
        await world.Agent.SaveChatPresenceAsync(As(Admin), values.Select(v => Set(AgentA, v)).ToArray(), None);
        Assert.Equal(values[^1], (await RowAsync(world, AgentA)).Present);
    }

    [Theory]
    [InlineData(999)]
    [InlineData(NoChatAccess)]
    public async Task An_unknown_user_fails_the_whole_batch_and_changes_nothing(int unknown)
    {
        await using var world = await CreateAsync();
        var before = await world.Store.GetChangeStampAsync(None);

        var error = await Assert.ThrowsAsync<ChatPresenceException>(() =>
            world.Agent.SaveChatPresenceAsync(As(Admin), [Set(AgentA, true), Set(unknown, true), Set(AgentB, true)], None));

        Assert.Equal(FailureReason.UnknownUser, error.Reason);
        Assert.Contains(unknown.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
        Assert.False((await RowAsync(world, AgentA)).Present);
        Assert.False((await RowAsync(world, AgentB)).Present);
        Assert.Equal(before, await world.Store.GetChangeStampAsync(None));
    }

    [Fact]
    public void A_save_keeps_the_last_entry_per_user_in_user_id_order()
    {
        PresenceSave save = [Set(AgentB, true), Set(AgentA, true), Set(AgentB, false), Set(AgentA, false), Set(AgentA, true)];
        Assert.Equal([Set(AgentA, true), Set(AgentB, false)], save.ToArray());
        Assert.Empty((PresenceSave)[]);
    }

    [Theory]
    [InlineData(AgentA, AgentA, true)]
    [InlineData(AgentA, AgentB, false)]
    [InlineData(NoTopicAgent, AgentA, false)]
    [InlineData(TopicManager, AgentA, true)]
    [InlineData(RoleManager, AgentB, true)]
    [InlineData(Admin, AgentB, true)]
    [InlineData(Admin, Admin, true)]
    public async Task Who_may_save_whom(int caller, int target, bool allowed)
    {
        await using var world = await CreateAsync();
        var save = () => world.Agent.SaveChatPresenceAsync(As(caller), [Set(target, true)], None);
        if (allowed)
        {
            await save();
            Assert.True((await RowAsync(world, target)).Present);
        }
        else
        {
            var error = await Assert.ThrowsAsync<ChatPresenceException>(save);
            Assert.Equal(FailureReason.Forbidden, error.Reason);
            Assert.False((await RowAsync(world, target)).Present);
        }
    }

    [Fact]
    public async Task A_forbidden_entry_fails_the_whole_batch()
    {
        await using var world = await CreateAsync();
        await Assert.ThrowsAsync<ChatPresenceException>(() =>
            world.Agent.SaveChatPresenceAsync(As(AgentA), [Set(AgentA, true), Set(AgentB, true)], None));
        Assert.False((await RowAsync(world, AgentA)).Present);
    }

    [Fact]
    public async Task An_agent_sees_only_their_own_row_as_writable()
    {
        await using var world = await CreateAsync();
        var list = await world.Agent.GetChatPresenceAsync(As(AgentA), None);
        Assert.All(list.Items, row => Assert.Equal(row.UserId == AgentA, row.Writable));
    }

    /// <summary>
    /// Writable is what the save decides (both ask SaveRights): a caller's save of a row's own value goes through
    /// exactly when the caller sees that row writable.
    /// </summary>
    [Theory]
    [InlineData(Admin)]
    [InlineData(AgentA)]
    [InlineData(TopicManager)]
    [InlineData(RoleManager)]
    [InlineData(NoTopicAgent)]
    public async Task A_row_is_writable_exactly_when_the_caller_may_save_it(int caller)
    {
        await using var world = await CreateAsync();
        var list = await world.Agent.GetChatPresenceAsync(As(caller), None);
        foreach (var row in list.Items)
        {
            var saved = await Record.ExceptionAsync(() => world.Agent.SaveChatPresenceAsync(As(caller), [Set(row.UserId, row.Present)], None));
            Assert.True(row.Writable == saved is null, $"caller {caller}, row {row.UserId}: writable {row.Writable}, save {saved?.Message ?? "done"}");
            Assert.Equal(row.Writable ? null : FailureReason.Forbidden, (saved as ChatPresenceException)?.Reason);
        }
    }

    [Theory]
    [InlineData(Admin)]
    [InlineData(TopicManager)]
    [InlineData(RoleManager)]
    public async Task Managers_and_administrators_see_every_row_as_writable(int caller)
    {
        await using var world = await CreateAsync();
        var list = await world.Agent.GetChatPresenceAsync(As(caller), None);
        Assert.All(list.Items, row => Assert.True(row.Writable));
    }

    [Fact]
    public async Task The_list_is_in_the_callers_language()
    {
        await using var world = await CreateAsync();
        Assert.Equal("de", (await world.Agent.GetChatPresenceAsync(As(AgentA, "de"), None)).Language);
    }

    [Fact]
    public async Task The_list_tag_changes_with_data_and_with_the_rights_view()
    {
        await using var world = await CreateAsync();
        var adminTag = (await world.Agent.GetChatPresenceAsync(As(Admin), None)).Tag;
        var managerTag = (await world.Agent.GetChatPresenceAsync(As(RoleManager), None)).Tag;
        var agentATag = (await world.Agent.GetChatPresenceAsync(As(AgentA), None)).Tag;
        var agentBTag = (await world.Agent.GetChatPresenceAsync(As(AgentB), None)).Tag;
        var germanTag = (await world.Agent.GetChatPresenceAsync(As(Admin, "de"), None)).Tag;

        Assert.Equal(adminTag, managerTag); // same rows: both may save anyone
        Assert.Equal(4, new[] { adminTag, agentATag, agentBTag, germanTag }.Distinct().Count());

        await world.Agent.SaveChatPresenceAsync(As(AgentA), [Set(AgentA, true)], None);
        var after = await world.Agent.GetChatPresenceAsync(As(Admin), None);
        Assert.NotEqual(adminTag, after.Tag);
        Assert.True(after.Items.Single(p => p.UserId == AgentA).Present);
    }

    [Fact]
    public async Task Unchanged_data_gives_the_same_list()
    {
        await using var world = await CreateAsync();
        var first = await world.Agent.GetChatPresenceAsync(As(Admin), None);
        var second = await world.Agent.GetChatPresenceAsync(As(Admin), None);
        Assert.Same(first, second);
    }

    [Fact]
    public async Task Sixty_four_concurrent_saves_of_different_users_lose_no_update()
    {
        await using var world = await CreateAsync(TestDirectory(extraUsers: 64));
        var ids = Enumerable.Range(100, 64).ToArray();
        await Task.WhenAll(ids.Select(id => Task.Run(() => world.Agent.SaveChatPresenceAsync(As(Admin), [Set(id, true)], None))));

        var list = await world.Agent.GetChatPresenceAsync(As(Admin), None);
        Assert.All(ids, id => Assert.True(list.Items.Single(p => p.UserId == id).Present, $"user {id}"));
    }

    [Fact]
    public async Task An_unknown_caller_is_not_authenticated()
    {
        await using var world = await CreateAsync();
        var error = await Assert.ThrowsAsync<ChatPresenceException>(async () => await world.Agent.GetChatPresenceAsync(As(4242), None));
        Assert.Equal(FailureReason.NotAuthenticated, error.Reason);
    }

    [Theory]
    [InlineData("2026-01-05T10:00:00Z", SupportTopic, true)]  // Monday 11:00 Oslo
    [InlineData("2026-01-05T17:00:00Z", SupportTopic, false)] // Monday 18:00 Oslo
    [InlineData("2026-01-10T10:00:00Z", SupportTopic, false)] // Saturday
    [InlineData("2026-01-10T03:00:00Z", SalesTopic, true)]    // no opening hours: always open
    public async Task Opening_hours_use_the_clock(string now, int topic, bool expected)
    {
        await using var world = await CreateAsync();
        world.Clock.Now = DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(expected, await world.Agent.IsWithinOpeningHoursAsync(As(AgentA), topic, None));
    }

    [Fact]
    public async Task An_unknown_topic_is_refused()
    {
        await using var world = await CreateAsync();
        var error = await Assert.ThrowsAsync<ChatPresenceException>(() => world.Agent.IsWithinOpeningHoursAsync(As(AgentA), 999, None));
        Assert.Equal(FailureReason.UnknownTopic, error.Reason);
    }
}
