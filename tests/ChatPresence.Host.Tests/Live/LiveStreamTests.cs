using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ChatPresence.Domain.Identity;
using ChatPresence.Host.Tests.Security;
using ChatPresence.Tests;
using Microsoft.Extensions.DependencyInjection;

namespace ChatPresence.Host.Tests.Live;

/// <summary>
/// One real host for the stream tests: Kestrel on loopback, its own SQLite file, the demo directory, a manual clock
/// with timers (Monday 30 Nov 2026 15:59 in Oslo: Support closes at 16:00), credentials re-checked every 200 ms, a
/// heartbeat after 300 ms without events,
/// and only 4 events kept for resumes so a too-old gap is easy to make.
/// </summary>
public sealed class LiveHostFixture : HostFixture
{
    public TimerClock Clock { get; } = new(new DateTimeOffset(2026, 11, 30, 14, 59, 0, TimeSpan.Zero));

    protected override string Environment => "Development";

    protected override string? DirectoryJson => null;

    protected override TimeProvider HostClock => Clock;

    protected override void Configure(IDictionary<string, string?> settings)
    {
        settings["ChatPresence:Rest:StreamRecheck"] = "00:00:00.200";
        settings["ChatPresence:Rest:StreamHeartbeat"] = "00:00:00.300";
        settings["ChatPresence:Live:ResumeEvents"] = "4";
    }

    /// <summary>A client that keeps no cookies: every header a test sends is its own.</summary>
    public HttpClient CreateClient() => Host.CreateClient(keepCookies: false);

    public async Task<HttpClient> ClientForAsync(int userId)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("SoTicket", await TicketAsync(userId));
        return client;
    }
}

public sealed class LiveStreamTests(LiveHostFixture fixture) : IClassFixture<LiveHostFixture>
{
    private static readonly TimeSpan OneSecond = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(400);

    [Theory]
    [InlineData(1, "en")]
    [InlineData(2, "en")]
    [InlineData(2, "de")]
    [InlineData(7, "sv")]
    public async Task The_snapshot_is_the_callers_GetAll_byte_for_byte(int userId, string language)
    {
        using var client = await fixture.ClientForAsync(userId);
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);
        await using var stream = await EventStream.OpenAsync(client);
        var snapshot = await stream.NextAsync(OneSecond);
        using var getAll = await client.GetAsync(new Uri("api/v1/Presence/GetAll", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, getAll.StatusCode);
        Assert.Equal("snapshot", snapshot.Event);
        Assert.False(string.IsNullOrEmpty(snapshot.Id));
        Assert.Equal(await getAll.Content.ReadAsStringAsync(), snapshot.Data);
    }

    [Fact]
    public async Task An_idle_stream_gets_comment_heartbeats_and_no_events()
    {
        using var client = await fixture.ClientForAsync(6);
        await using var stream = await EventStream.OpenAsync(client);
        Assert.Equal("snapshot", (await stream.NextAsync(OneSecond)).Event);
        var idle = System.Diagnostics.Stopwatch.StartNew();

        // Every 300 ms: at least two within 1.2 s on a quiet machine; on a loaded one (CI, tests in parallel) a
        // heartbeat may come late, so the stream is watched until two have come, and never an event.
        while (stream.Comments < 2 && idle.Elapsed < TimeSpan.FromSeconds(10))
        {
            Assert.Null(await stream.NextOrNullAsync(TimeSpan.FromMilliseconds(300)));
        }

        Assert.Null(await stream.NextOrNullAsync(TimeSpan.FromMilliseconds(600)));
        var seconds = idle.Elapsed.TotalSeconds;
        Assert.InRange(stream.Comments, 2, 2 + (int)(seconds / 0.3)); // heartbeats, never more often than every 300 ms
    }

    [Fact]
    public async Task The_tenant_prefix_streams_too_and_other_accepts_are_refused()
    {
        using var client = await fixture.ClientForAsync(2);
        await using (var stream = await EventStream.OpenAsync(client, "acme/api/v1/Presence/Stream"))
        {
            Assert.Equal("snapshot", (await stream.NextAsync(OneSecond)).Event);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/Presence/Stream");
        request.Headers.Accept.ParseAdd("application/xml");
        using var refused = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotAcceptable, refused.StatusCode);

        using var anonymous = fixture.CreateClient();
        using var unauthenticated = await anonymous.GetAsync(new Uri("api/v1/Presence/Stream", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
    }

    [Fact]
    public async Task A_save_over_SOAP_11_SOAP_12_and_REST_gives_exactly_one_presence_event_on_every_open_stream_within_a_second()
    {
        var adminTicket = await fixture.TicketAsync(1);
        var callers = new[] { 1, 2, 6, 7 };
        var streams = new List<(int UserId, EventStream Stream, JsonElement Row3)>();
        try
        {
            foreach (var userId in callers)
            {
                var client = await fixture.ClientForAsync(userId);
                var stream = await EventStream.OpenAsync(client);
                var snapshot = await stream.NextAsync(OneSecond);
                Assert.Equal("snapshot", snapshot.Event);
                streams.Add((userId, stream, RestReplies.JsonRowOf(snapshot.Data, 3)));
            }

            var present = streams[0].Row3.GetProperty("Present").GetBoolean();
            using var saver = fixture.CreateClient();
            foreach (var facade in FacadeCallers.All)
            {
                present = !present;
                var result = await FacadeCallers.Create(facade, saver).SaveAsync(Presented.Ticket(adminTicket), null, [(3, present)]);
                Assert.Equal(Outcome.Ok, result.Outcome);
                var saved = Stopwatch.StartNew();
                foreach (var (userId, stream, row3) in streams)
                {
                    var remaining = OneSecond - saved.Elapsed;
                    var e = await stream.NextOrNullAsync(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero)
                        ?? throw new Xunit.Sdk.XunitException($"{facade}: user {userId}'s stream got no event within 1 s of the save");
                    Assert.Equal("presence", e.Event);
                    Assert.False(string.IsNullOrEmpty(e.Id));

                    // The caller's own rights view: the row as in that caller's snapshot, only Present changed.
                    using var row = JsonDocument.Parse(e.Data);
                    var expected = JsonSerializer.Serialize(row3).Replace(
                        $"\"Present\":{(!present ? "true" : "false")}", $"\"Present\":{(present ? "true" : "false")}", StringComparison.Ordinal);
                    Assert.Equal(expected, e.Data);
                }
            }

            foreach (var (userId, stream, _) in streams)
            {
                var extra = await stream.NextOrNullAsync(Quiet);
                Assert.True(extra is null, $"user {userId}'s stream got a further event: {extra}");
            }
        }
        finally
        {
            foreach (var (_, stream, _) in streams)
            {
                await stream.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Last_Event_ID_resumes_with_exactly_the_missed_events_or_a_snapshot_when_the_gap_is_too_old()
    {
        using var client = await fixture.ClientForAsync(2);
        string resumeFrom;
        await using (var first = await EventStream.OpenAsync(client))
        {
            resumeFrom = (await first.NextAsync(OneSecond)).Id!;
        }

        await using var watcher = await EventStream.OpenAsync(client);
        Assert.Equal(resumeFrom, (await watcher.NextAsync(OneSecond)).Id);
        using var admin = await fixture.ClientForAsync(1);
        var seen = new List<ServerEvent>();
        foreach (var userId in new[] { 3, 4, 5 })
        {
            await ToggleAsync(admin, userId);
            seen.Add(await watcher.NextAsync(OneSecond));
        }

        await using (var resumed = await EventStream.OpenAsync(client, configure: r => r.Headers.Add("Last-Event-ID", resumeFrom)))
        {
            foreach (var expected in seen)
            {
                Assert.Equal(expected, await resumed.NextAsync(OneSecond));
            }

            Assert.Null(await resumed.NextOrNullAsync(Quiet));
        }

        await using (var upToDate = await EventStream.OpenAsync(client, configure: r => r.Headers.Add("Last-Event-ID", seen[^1].Id)))
        {
            Assert.Null(await upToDate.NextOrNullAsync(Quiet));
        }

        // Two more changes: the first three no longer all fit the 4 kept, so the old id gets a snapshot.
        await ToggleAsync(admin, 3);
        await ToggleAsync(admin, 4);
        Assert.Equal("presence", (await watcher.NextAsync(OneSecond)).Event);
        Assert.Equal("presence", (await watcher.NextAsync(OneSecond)).Event);
        foreach (var stale in new[] { resumeFrom, "another-host-7", "garbage" })
        {
            await using var resync = await EventStream.OpenAsync(client, configure: r => r.Headers.Add("Last-Event-ID", stale));
            Assert.Equal("snapshot", (await resync.NextAsync(OneSecond)).Event);
        }
    }

    [Fact]
    public async Task A_session_cookie_alone_opens_the_stream_only_and_logout_or_revocation_closes_it()
    {
        using var client = fixture.CreateClient();
        using var login = await client.PostAsync(
            new Uri("api/v1/Login", UriKind.Relative), new StringContent("{\"UserName\":\"agent4\",\"Password\":\"agent4\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var cookies = login.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).ToArray();
        var cookieHeader = string.Join("; ", cookies);
        var xsrf = cookies.Single(c => c.StartsWith("XSRF-TOKEN=", StringComparison.Ordinal))["XSRF-TOKEN=".Length..];

        await using var session = await EventStream.OpenAsync(client, configure: r => r.Headers.Add("Cookie", cookieHeader));
        Assert.Equal("snapshot", (await session.NextAsync(OneSecond)).Event);

        // Only the stream: GetAll with the cookie and no X-XSRF-TOKEN is still refused.
        using (var getAll = new HttpRequestMessage(HttpMethod.Get, "api/v1/Presence/GetAll"))
        {
            getAll.Headers.Add("Cookie", cookieHeader);
            using var refused = await client.SendAsync(getAll);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        var ticket = await fixture.TicketAsync(5);
        using var ticketClient = fixture.CreateClient();
        ticketClient.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("SoTicket", ticket);
        await using var ticketStream = await EventStream.OpenAsync(ticketClient);
        Assert.Equal("snapshot", (await ticketStream.NextAsync(OneSecond)).Event);

        using (var logout = new HttpRequestMessage(HttpMethod.Post, "api/v1/Logout"))
        {
            logout.Headers.Add("Cookie", cookieHeader);
            logout.Headers.Add("X-XSRF-TOKEN", xsrf);
            using var done = await client.SendAsync(logout);
            Assert.Equal(HttpStatusCode.NoContent, done.StatusCode);
        }

        var end = await session.NextAsync(TimeSpan.FromSeconds(2));
        Assert.Equal("end", end.Event);
        Assert.True(await session.EndsWithinAsync(OneSecond), "the logged-out session's stream stayed open");

        Assert.Null(await ticketStream.NextOrNullAsync(TimeSpan.FromMilliseconds(500)));
        await fixture.Host.Services.GetRequiredService<TicketAuthority>().RevokeTicketsAsync(5, CancellationToken.None);
        Assert.Equal("end", (await ticketStream.NextAsync(TimeSpan.FromSeconds(2))).Event);
        Assert.True(await ticketStream.EndsWithinAsync(OneSecond), "the revoked ticket's stream stayed open");
    }

    [Fact]
    public async Task A_topic_crossing_its_closing_time_gives_a_topic_event()
    {
        using var client = await fixture.ClientForAsync(1);
        await using var stream = await EventStream.OpenAsync(client);
        Assert.Equal("snapshot", (await stream.NextAsync(OneSecond)).Event);
        using (var board = JsonDocument.Parse(await client.GetStringAsync(new Uri("api/v1/Presence/Board", UriKind.Relative))))
        {
            var support = board.RootElement.GetProperty("Topics").EnumerateArray().Single(t => t.GetProperty("TopicId").GetInt32() == 2);
            var open = support.GetProperty("Open").GetBoolean();
            Assert.Equal(fixture.Clock.GetUtcNow() < new DateTimeOffset(2026, 11, 30, 15, 0, 0, TimeSpan.Zero), open);
            Assert.Equal("[{\"From\":\"08:00\",\"To\":\"11:30\"},{\"From\":\"12:00\",\"To\":\"16:00\"}]", support.GetProperty("Today").GetRawText());
        }

        // 16:00 in Oslo is 15:00 UTC; the clock starts at 14:59 UTC and may have been moved by this test only.
        var closing = new DateTimeOffset(2026, 11, 30, 15, 0, 0, TimeSpan.Zero);
        Assert.True(fixture.Clock.GetUtcNow() < closing, "the clock was already moved past the closing time");
        fixture.Clock.Advance(closing - fixture.Clock.GetUtcNow() - TimeSpan.FromSeconds(1));
        Assert.Null(await stream.NextOrNullAsync(Quiet));
        fixture.Clock.Advance(TimeSpan.FromSeconds(1));

        var e = await stream.NextAsync(OneSecond);
        Assert.Equal("topic", e.Event);
        using var topic = JsonDocument.Parse(e.Data);
        Assert.Equal(2, topic.RootElement.GetProperty("TopicId").GetInt32());
        Assert.False(topic.RootElement.GetProperty("Open").GetBoolean());
        Assert.Null(await stream.NextOrNullAsync(Quiet));
    }

    private static async Task ToggleAsync(HttpClient admin, int userId)
    {
        var rows = await admin.GetStringAsync(new Uri("api/v1/Presence/GetAll", UriKind.Relative));
        var present = RestReplies.JsonRowOf(rows, userId).GetProperty("Present").GetBoolean();
        using var body = new StringContent($"[{{\"UserId\":{userId},\"Present\":{(present ? "false" : "true")}}}]", Encoding.UTF8, "application/json");
        using var saved = await admin.PostAsync(new Uri("api/v1/Presence/SaveAll", UriKind.Relative), body);
        Assert.Equal(HttpStatusCode.NoContent, saved.StatusCode);
    }
}
