using ChatPresence.Domain.Directory;
using ChatPresence.Domain.Identity;
using ChatPresence.Domain.Security;

namespace ChatPresence.Domain.Tests;

/// <summary>
/// A ChatAgent over the in-memory store (Domain is tested against its own interfaces; the real stores keep the same
/// promises in Storage.Tests), with a small known directory and a manual clock.
/// </summary>
public sealed class AgentWorld : IAsyncDisposable
{
    public const int Admin = 1;
    public const int AgentA = 2;
    public const int AgentB = 3;
    public const int TopicManager = 4;
    public const int RoleManager = 5;
    public const int NoTopicAgent = 6;
    public const int NoChatAccess = 7;
    public const int SalesTopic = 10;
    public const int SupportTopic = 20;

    private AgentWorld(InMemoryChatStore store, ManualClock clock)
    {
        Store = store;
        Clock = clock;
        Directory = new DirectoryCache(store);
        Agent = new ChatAgent(Directory, store, clock);
        Tickets = new TicketAuthority(Directory, store, clock, new IdentityOptions { PasswordIterations = 1000, TicketIdleTimeout = TimeSpan.FromHours(8) });
        Passwords = new Passwords(Directory, store, new IdentityOptions { PasswordIterations = 1000 });
        Authenticator = new CallerAuthenticator(Tickets, Passwords, Directory, new NoBearerTokens(), new SecurityOptions(), clock);
    }

    public InMemoryChatStore Store { get; }

    public ManualClock Clock { get; }

    public DirectoryCache Directory { get; }

    public ChatAgent Agent { get; }

    public TicketAuthority Tickets { get; }

    public Passwords Passwords { get; }

    /// <summary>Logins go through the real, throttled path.</summary>
    public CallerAuthenticator Authenticator { get; }

    public static ChatDirectory TestDirectory(int extraUsers = 0)
    {
        var office = new DayHours(true, new TimeOnly(9, 0), new TimeOnly(17, 0));
        var users = new List<ChatUser>
        {
            new(Admin, "admin", "Admin", ChatRole.Administrator, true),
            new(AgentA, "a", "Agent A", ChatRole.Agent, true),
            new(AgentB, "b", "Agent B", ChatRole.Agent, true),
            new(TopicManager, "tm", "Topic Manager", ChatRole.Agent, true),
            new(RoleManager, "rm", "Role Manager", ChatRole.Manager, true),
            new(NoTopicAgent, "nt", "No Topic", ChatRole.Agent, true),
            new(NoChatAccess, "nca", "No Chat Access", ChatRole.Agent, false),
        };
        users.AddRange(Enumerable.Range(100, extraUsers).Select(id => new ChatUser(id, $"u{id}", $"User {id}", ChatRole.Agent, true)));
        return new ChatDirectory(
            users,
            [
                new ChatTopic(SalesTopic, "Sales", OpeningHours.AlwaysOpen),
                new ChatTopic(SupportTopic, "Support", new OpeningHours(true, "Europe/Oslo", [DayHours.Closed, office, office, office, office, office, DayHours.Closed], DayHours.Closed)),
            ],
            [
                new TopicMembership(SalesTopic, AgentA, true, false, false, false),
                new TopicMembership(SupportTopic, AgentA, false, false, true, false),
                new TopicMembership(SupportTopic, AgentB, false, true, false, false),
                new TopicMembership(SalesTopic, TopicManager, false, false, false, true),
                // A membership with no flag set does not make the topic one of the user's.
                new TopicMembership(SalesTopic, NoTopicAgent, false, false, false, false),
                new TopicMembership(SupportTopic, NoChatAccess, true, false, false, false),
            ],
            new Dictionary<int, int> { [AgentA] = 2, [AgentB] = 1 });
    }

    public static async Task<AgentWorld> CreateAsync(ChatDirectory? directory = null)
    {
        var store = new InMemoryChatStore();
        await store.ImportAsync(directory ?? TestDirectory(), CancellationToken.None);
        return new AgentWorld(store, new ManualClock(DateTimeOffset.Parse("2026-01-05T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture)));
    }

    public static Caller As(int userId, string language = "en") => new(userId, language);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
