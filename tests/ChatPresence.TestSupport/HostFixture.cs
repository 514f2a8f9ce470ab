using ChatPresence.Host;
using Microsoft.AspNetCore.Builder;
using Xunit;

namespace ChatPresence.Tests;

/// <summary>
/// One real host (<see cref="ChatPresenceHost"/>) per test class: by default in Production (no stack traces may leak)
/// with the demo directory, as the SOAP, hostile-envelope and interop tests want it. A fixture that differs says how
/// by overriding: the environment, the directory, configuration keys, the clock, or services; one that owns more
/// than the host (a browser) extends <see cref="InitializeAsync"/> and <see cref="DisposeAsync"/>.
/// </summary>
public class HostFixture : IAsyncLifetime
{
    public ChatPresenceHost Host { get; private set; } = null!;

    /// <summary>The demo directory the host embeds (<c>samples/demo-directory.json</c>).</summary>
    public static string DemoDirectoryJson { get; } = ReadDemoDirectory();

    protected virtual string Environment => "Production";

    /// <summary>The directory the host starts with; null: the host's own default (the demo directory in Development).</summary>
    protected virtual string? DirectoryJson => DemoDirectoryJson;

    protected virtual void Configure(IDictionary<string, string?> settings)
    {
    }

    protected virtual void Customize(WebApplicationBuilder builder)
    {
    }

    /// <summary>The host's clock; null: the system clock.</summary>
    protected virtual TimeProvider? HostClock => null;

    public virtual async Task InitializeAsync() => Host = await ChatPresenceHost.StartAsync(Configure, DirectoryJson, Environment, Customize, HostClock);

    public virtual async Task DisposeAsync() => await Host.DisposeAsync();

    /// <summary>A ticket for <paramref name="userId"/> without a login.</summary>
    public Task<string> TicketAsync(int userId) => Host.IssueTicketAsync(userId);

    private static string ReadDemoDirectory()
    {
        using var demo = typeof(ChatPresenceApplication).Assembly.GetManifestResourceStream("demo-directory.json")
            ?? throw new InvalidOperationException("The host assembly does not embed demo-directory.json.");
        using var reader = new StreamReader(demo);
        return reader.ReadToEnd();
    }
}
