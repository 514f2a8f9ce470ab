using ChatPresence.Tests;

namespace ChatPresence.Soap.Tests.Infrastructure;

/// <summary>The real host (SQLite, demo directory) in Production: no stack traces may leak.</summary>
public sealed class HostFixture : IAsyncLifetime
{
    public ChatPresenceHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await ChatPresenceHost.StartAsync(directoryJson: RepoPaths.DemoDirectoryJson, environment: "Production");

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
