using System.Net.Http.Headers;
using ChatPresence.Tests;

namespace ChatPresence.Rest.Tests;

/// <summary>Saturday 11 January 2025, 12:00 UTC: topic 1 (no opening hours) is open, topic 2 (weekdays) closed.</summary>
public static class SaturdayNoon
{
    public static readonly DateTimeOffset Now = new(2025, 1, 11, 12, 0, 0, TimeSpan.Zero);
}

/// <summary>One real host (Kestrel on 127.0.0.1, temp SQLite, Development with its demo directory, a clock stopped at Saturday noon) per test class.</summary>
public class RestHostFixture : HostFixture
{
    protected override string Environment => "Development";

    protected override string? DirectoryJson => null;

    protected override TimeProvider HostClock { get; } = new ManualClock(SaturdayNoon.Now);

    /// <summary>A client that sends Basic credentials (demo passwords equal the login names; admin/admin).</summary>
    public HttpClient Client(string user = "admin", string? password = null) => Host.CreateClientAs(user, password);

    public static AuthenticationHeaderValue Basic(string user, string password) => ChatPresenceHost.Basic(user, password);
}

/// <summary>A host whose request body limit is small, for 413.</summary>
public sealed class SmallBodyHostFixture : RestHostFixture
{
    public const int Limit = 2048;

    protected override void Configure(IDictionary<string, string?> settings) => settings["ChatPresence:Rest:MaxBodyBytes"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
