using System.Text;
using ChatPresence.Host;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ChatPresence.Tests;

/// <summary>
/// The real host on real Kestrel at http://127.0.0.1:{free port}, with its own SQLite file in a temp folder and,
/// unless told otherwise, the demo directory. Shared by the test projects (linked source).
/// </summary>
public sealed class ChatPresenceHost : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly string folder;

    private ChatPresenceHost(WebApplication app, string folder, Uri baseAddress)
    {
        this.app = app;
        this.folder = folder;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public IServiceProvider Services => app.Services;

    /// <summary>Where the database file lives.</summary>
    public string DataFolder => folder;

    /// <param name="configure">Configuration overrides (keys like <c>ChatPresence:Soap:MaxBodyBytes</c>).</param>
    /// <param name="directoryJson">A directory file to start with instead of the demo directory.</param>
    /// <param name="environment">Hosting environment; Development by default.</param>
    public static async Task<ChatPresenceHost> StartAsync(
        Action<IDictionary<string, string?>>? configure = null,
        string? directoryJson = null,
        string environment = "Development",
        Action<WebApplicationBuilder>? customize = null)
    {
        var folder = Directory.CreateTempSubdirectory("chatpresence-test-").FullName;
        var settings = new Dictionary<string, string?>
        {
            ["ChatPresence:DataFolder"] = folder,
            // Fast hashing keeps host start-up quick in tests; production uses the default.
            ["ChatPresence:Identity:PasswordIterations"] = "1000",
            ["Logging:Console:FormatterName"] = "simple",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        if (directoryJson is not null)
        {
            var path = Path.Combine(folder, "directory.json");
            await File.WriteAllTextAsync(path, directoryJson, Encoding.UTF8);
            settings["ChatPresence:InitialDirectory"] = path;
        }

        configure?.Invoke(settings);
        var app = await ChatPresenceApplication.CreateAsync(
            ["--environment", environment],
            customize: builder =>
            {
                builder.Configuration.AddInMemoryCollection(settings);
                builder.WebHost.UseUrls("http://127.0.0.1:0");
                customize?.Invoke(builder);
            });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new ChatPresenceHost(app, folder, new Uri(address.TrimEnd('/') + "/"));
    }

    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress };

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the file for a moment; the temp folder is cleaned by the OS eventually.
        }
    }
}
