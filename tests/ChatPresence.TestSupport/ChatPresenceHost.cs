using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using ChatPresence.Domain.Identity;
using ChatPresence.Host;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChatPresence.Tests;

/// <summary>
/// The real host on real Kestrel at http://127.0.0.1:{free port}, with its own SQLite file in a temp folder and,
/// unless told otherwise, the demo directory. Shared by the test projects (linked source).
/// <para>
/// Every log message at every level (Trace and up, whatever the console shows) is captured, and also appended to
/// <see cref="LogCapture.RunLogPath"/> for a human to read. Disposing the host scans the capture with
/// <see cref="SecretScanner"/> and throws <see cref="SecretLeakedException"/> when a credential was logged, so the
/// test that used the host fails.
/// </para>
/// </summary>
public sealed class ChatPresenceHost : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly string folder;

    private ChatPresenceHost(WebApplication app, string folder, Uri baseAddress, LogCapture log)
    {
        this.app = app;
        this.folder = folder;
        BaseAddress = baseAddress;
        Log = log;
    }

    /// <summary>Everything the host logged so far.</summary>
    public LogCapture Log { get; }

    /// <summary>What the log is checked for on dispose; a test adds the exact secrets it used.</summary>
    public SecretScanner Secrets { get; } = new();

    public Uri BaseAddress { get; }

    public IServiceProvider Services => app.Services;

    /// <summary>Where the database file lives.</summary>
    public string DataFolder => folder;

    /// <param name="configure">Configuration overrides (keys like <c>ChatPresence:Soap:MaxBodyBytes</c>).</param>
    /// <param name="directoryJson">A directory file to start with instead of the demo directory.</param>
    /// <param name="environment">Hosting environment; Development by default.</param>
    /// <param name="customize">Anything else on the builder (Kestrel limits, extra services), after the test settings.</param>
    /// <param name="clock">The host's <see cref="TimeProvider"/> (a <see cref="ManualClock"/>); null: the system clock.</param>
    /// <param name="loadInitialDirectory">False: the store is migrated but the read model is not loaded before serving (as the admin commands build the host).</param>
    public static async Task<ChatPresenceHost> StartAsync(
        Action<IDictionary<string, string?>>? configure = null,
        string? directoryJson = null,
        string environment = "Development",
        Action<WebApplicationBuilder>? customize = null,
        TimeProvider? clock = null,
        bool loadInitialDirectory = true)
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
        var log = new LogCapture(environment);
        var app = await ChatPresenceApplication.CreateAsync(
            ["--environment", environment],
            loadInitialDirectory,
            customize: builder =>
            {
                builder.Configuration.AddInMemoryCollection(settings);
                builder.WebHost.UseUrls("http://127.0.0.1:0");
                if (clock is not null)
                {
                    builder.Services.AddSingleton(clock);
                }

                customize?.Invoke(builder);

                // Trace for the capture only (a provider-specific rule wins over Logging:LogLevel), so the console stays quiet.
                builder.Logging.AddProvider(log);
                builder.Logging.AddFilter<LogCapture>(null, LogLevel.Trace);
            });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new ChatPresenceHost(app, folder, new Uri(address.TrimEnd('/') + "/"), log);
    }

    /// <param name="keepCookies">False: the client sends no cookie it was not told to, so every header a test sends is its own.</param>
    /// <param name="followRedirects">False: a redirect is the reply the test reads.</param>
    public HttpClient CreateClient(bool keepCookies = true, bool followRedirects = true) =>
        keepCookies && followRedirects
            ? new HttpClient { BaseAddress = BaseAddress }
            : new HttpClient(new SocketsHttpHandler { UseCookies = keepCookies, AllowAutoRedirect = followRedirects }) { BaseAddress = BaseAddress };

    /// <summary>A client that sends Basic credentials on every call (the demo passwords equal the login names).</summary>
    public HttpClient CreateClientAs(string user, string? password = null)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = Basic(user, password ?? user);
        return client;
    }

    /// <summary>The Authorization header of HTTP Basic for <paramref name="user"/>.</summary>
    public static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password)));

    /// <summary>A ticket for <paramref name="userId"/> straight from the host's ticket authority (no login, no throttle).</summary>
    public Task<string> IssueTicketAsync(int userId) =>
        Services.GetRequiredService<TicketAuthority>().IssueTicketAsync(userId, CancellationToken.None);

    /// <summary>Stops the host, then fails (after cleaning up) if anything it logged holds a credential.</summary>
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

        Secrets.ThrowIfAny(Log.Text, $"the log of host {Log.Label} (full run log: {LogCapture.RunLogPath})");
    }
}

/// <summary>
/// A logger provider that keeps every message with its exception text, state values and scope values, and appends
/// each one to a file shared by the whole test run (one per test assembly and process).
/// </summary>
public sealed class LogCapture : ILoggerProvider, ISupportExternalScope
{
    private static readonly Lock FileGate = new();
    private static int hostCount;
    private static StreamWriter? runLog;

    private readonly ConcurrentQueue<string> entries = new();
    private IExternalScopeProvider scopes = new LoggerExternalScopeProvider();

    public LogCapture(string environment) => Label = $"#{Interlocked.Increment(ref hostCount)} ({environment})";

    /// <summary><c>$TMPDIR/chatpresence-test-logs/&lt;test assembly&gt;-&lt;pid&gt;.log</c>.</summary>
    public static string RunLogPath { get; } = Path.Combine(
        Path.GetTempPath(), "chatpresence-test-logs", $"{typeof(LogCapture).Assembly.GetName().Name}-{Environment.ProcessId}.log");

    public string Label { get; }

    public IReadOnlyList<string> Entries => [.. entries];

    public string Text => string.Join('\n', entries);

    /// <summary>Error and Critical entries from entry <paramref name="from"/> on: a client's mistake must never be one.</summary>
    public IReadOnlyList<string> ErrorsSince(int from = 0) =>
        [.. entries.Skip(from).Where(e => e.Split(' ', 3) is [_, "Error" or "Critical", _])]; // "HH:mm:ss.fff Level Category[id] …"

    /// <summary>Entries at Error or Critical: a client's mistake must never produce one.</summary>
    public IReadOnlyList<string> Errors => ErrorsSince(0);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => scopes = scopeProvider;

    public void Dispose()
    {
        // The run log stays open for the next host in this process; the OS closes it at exit (AutoFlush keeps it whole).
    }

    private void Add(string entry)
    {
        entries.Enqueue(entry);
        lock (FileGate)
        {
            if (runLog is null)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(RunLogPath)!);
                runLog = new StreamWriter(new FileStream(RunLogPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite), new UTF8Encoding(false)) { AutoFlush = true };
            }

            runLog.WriteLine($"[host {Label}] {entry}");
        }
    }

    private sealed class Logger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => owner.scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = new StringBuilder()
                .Append(DateTime.UtcNow.ToString("HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture))
                .Append(' ').Append(logLevel).Append(' ').Append(category).Append('[').Append(eventId.Id).Append("] ")
                .Append(formatter(state, exception));
            AppendValues(text, " | ", state);
            owner.scopes.ForEachScope((scope, builder) => AppendValues(builder, " => ", scope), text);
            if (exception is not null)
            {
                text.Append('\n').Append(exception);
            }

            owner.Add(text.ToString());
        }

        /// <summary>Structured values as well as the message: a value left out of the message text is still checked.</summary>
        private static void AppendValues(StringBuilder text, string prefix, object? values)
        {
            if (values is IEnumerable<KeyValuePair<string, object?>> pairs)
            {
                text.Append(prefix);
                foreach (var (key, value) in pairs)
                {
                    text.Append(key).Append('=').Append(value).Append("; ");
                }
            }
            else if (prefix == " => " && values is not null)
            {
                text.Append(prefix).Append(values);
            }
        }
    }
}
