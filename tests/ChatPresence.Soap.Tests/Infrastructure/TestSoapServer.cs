using ChatPresence.Tests;
using ChatPresence.Domain;
using ChatPresence.Domain.Directory;
using ChatPresence.Domain.Identity;
using ChatPresence.Domain.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChatPresence.Soap.Tests.Infrastructure;

/// <summary>
/// The SOAP facade alone on real Kestrel (127.0.0.1, port 0) over the real ChatAgent and TicketAuthority with
/// in-memory stores, seeded like the demo directory: admin/admin (1, administrator), agent2..agent6 with
/// password = login (2–6), manager7/manager7 (7, manager), agent8 (8) in no topic, user 9 without chat access;
/// topic 1 Sales always open, topic 2 Support never open.
/// </summary>
public sealed class TestSoapServer : IAsyncDisposable
{
    private readonly WebApplication app;

    private TestSoapServer(WebApplication app, Uri baseAddress)
    {
        this.app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public IServiceProvider Services => app.Services;

    public static async Task<TestSoapServer> StartAsync(Action<IDictionary<string, string?>>? configure = null, string environment = "Production", SecurityOptions? security = null)
    {
        var settings = new Dictionary<string, string?>();
        configure?.Invoke(settings);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();

        var directory = DemoDirectory();
        var store = new InMemoryChatStore(directory);
        var cache = new DirectoryCache(store);
        var tickets = new TicketAuthority(cache, store, TimeProvider.System, new IdentityOptions { PasswordIterations = 1000 });
        var passwords = new Passwords(cache, store, new IdentityOptions { PasswordIterations = 1000 });
        foreach (var user in directory.Users)
        {
            await passwords.SetAsync(user.Id, user.LoginName, CancellationToken.None);
        }

        builder.Services.AddSingleton<IChatDirectoryStore>(store);
        builder.Services.AddSingleton<IChatAgent>(new ChatAgent(cache, store, TimeProvider.System));
        builder.Services.AddSingleton(tickets);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(new CallerAuthenticator(tickets, passwords, cache, new NoBearerTokens(), security ?? new SecurityOptions(), TimeProvider.System));
        builder.Services.AddChatSoap(builder.Configuration);

        var app = builder.Build();
        app.UseRouting();
        app.MapChatSoapApi();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestSoapServer(app, new Uri(address));
    }

    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress };

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private static ChatDirectory DemoDirectory()
    {
        var users = new List<ChatUser>
        {
            new(1, "admin", "Administrator", ChatRole.Administrator, true),
        };
        for (var id = 2; id <= 6; id++)
        {
            users.Add(new ChatUser(id, "agent" + id, "Agent " + id, ChatRole.Agent, true));
        }

        users.Add(new ChatUser(7, "manager7", "Manager Seven", ChatRole.Manager, true));
        users.Add(new ChatUser(8, "agent8", "Agent 8 & <no topic>", ChatRole.Agent, true));
        users.Add(new ChatUser(9, "nochat9", "No Chat", ChatRole.Agent, false));

        var closed = new OpeningHours(true, "UTC", Enumerable.Repeat(DayHours.Closed, 7).ToArray(), DayHours.Closed);
        var topics = new List<ChatTopic> { new(1, "Sales", OpeningHours.AlwaysOpen), new(2, "Support", closed) };
        var memberships = new List<TopicMembership>
        {
            new(1, 1, true, true, false, false),
            new(1, 2, true, false, false, false),
            new(2, 2, false, true, false, false),
            new(1, 3, true, false, false, false),
            new(2, 4, true, false, false, false),
            new(2, 5, false, false, true, false),
            new(1, 6, true, false, false, false),
            new(1, 7, false, false, false, true),
            new(2, 7, false, false, false, true),
        };
        var ongoing = new Dictionary<int, int> { [2] = 1, [7] = 3 };
        return new ChatDirectory(users, topics, memberships, ongoing);
    }
}
