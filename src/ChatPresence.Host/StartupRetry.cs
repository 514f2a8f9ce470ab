using ChatPresence.Domain;

namespace ChatPresence.Host;

/// <summary>
/// Starting while the database cannot be reached: the service retries with backoff for
/// <c>ChatPresence:Postgres:StartupWait</c> (default 30 s; administrative commands do not wait), then gives up with
/// <see cref="StoreUnavailableException"/>, which Program turns into one line on standard error and exit code
/// <see cref="ExitCode"/>. The store logs the outage once.
/// </summary>
internal static class StartupRetry
{
    /// <summary>EX_UNAVAILABLE from sysexits.h: a supervisor may restart the service later.</summary>
    public const int ExitCode = 69;

    public static async Task RunAsync(WebApplication app, bool serving, Func<CancellationToken, Task> start)
    {
        var wait = serving ? app.Configuration.GetValue("ChatPresence:Postgres:StartupWait", TimeSpan.FromSeconds(30)) : TimeSpan.Zero;
        var deadline = DateTimeOffset.UtcNow + wait;
        var backoff = TimeSpan.FromMilliseconds(500);
        var stopping = app.Lifetime.ApplicationStopping;
        while (true)
        {
            try
            {
                await start(stopping);
                return;
            }
            catch (StoreUnavailableException) when (DateTimeOffset.UtcNow + backoff < deadline)
            {
                await Task.Delay(backoff, stopping);
                backoff = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(10).Ticks, backoff.Ticks * 2));
            }
        }
    }

    /// <summary>The one line an operator reads.</summary>
    public static string Describe(StoreUnavailableException exception) =>
        $"ChatPresence cannot start: {exception.Message}. Check that the database server is running and reachable from "
        + "this host, and ConnectionStrings:ChatPresence (host, port, database, user, password).";
}
