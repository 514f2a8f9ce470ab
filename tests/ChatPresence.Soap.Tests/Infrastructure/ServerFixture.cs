namespace ChatPresence.Soap.Tests.Infrastructure;

/// <summary>One in-memory SOAP server shared by a test class.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public TestSoapServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await TestSoapServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
