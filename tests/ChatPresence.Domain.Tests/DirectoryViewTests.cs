using static ChatPresence.Domain.Tests.AgentWorld;

namespace ChatPresence.Domain.Tests;

public sealed class DirectoryViewTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Agents_share_the_read_only_rows_and_each_gets_their_own_row_writable()
    {
        await using var world = await CreateAsync(TestDirectory(extraUsers: 100));
        var a = (await world.Agent.GetChatPresenceAsync(As(AgentA), None)).Items;
        var b = (await world.Agent.GetChatPresenceAsync(As(AgentB), None)).Items;

        Assert.Equal(a.Count, b.Count);
        Assert.Equal(a.Select(r => r.UserId), b.Select(r => r.UserId));
        for (var i = 0; i < a.Count; i++)
        {
            var userId = a[i].UserId;
            Assert.Equal(userId == AgentA, a[i].Writable);
            Assert.Equal(userId == AgentB, b[i].Writable);
            if (userId is not AgentA and not AgentB)
            {
                // The same row object: a large directory costs one row array, not one per agent.
                Assert.Same(a[i], b[i]);
            }
        }

        Assert.Equal(a, a.ToList()); // the enumerator and the indexer agree
    }
}
