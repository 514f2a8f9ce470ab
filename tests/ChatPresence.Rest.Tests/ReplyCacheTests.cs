using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ChatPresence.Rest.Formatting;
using Microsoft.Extensions.DependencyInjection;

namespace ChatPresence.Rest.Tests;

/// <summary>
/// The REST reply cache (serialized bodies and their ETags, keyed by list tag, media type and $select) must never
/// serve presence older than an acknowledged save, nor one caller's rights or language to another — for GetAll and
/// the agent GetChatPresence, in JSON and XML, with and without If-None-Match. Every read below is repeated, so the
/// second one is served from the cache.
/// </summary>
public sealed class ReplyCacheTests(RestHostFixture fixture) : IClassFixture<RestHostFixture>
{
    public static TheoryData<string, string> Representations() => new()
    {
        { "GET api/v1/Presence/GetAll", "application/json" },
        { "GET api/v1/Presence/GetAll", "application/xml" },
        { "POST api/v1/Agents/Chat/GetChatPresence", "application/json" },
        { "POST api/v1/Agents/Chat/GetChatPresence", "text/xml" },
    };

    [Theory]
    [MemberData(nameof(Representations))]
    public async Task An_acknowledged_save_is_in_the_next_reply_and_the_old_ETag_no_longer_matches(string route, string accept)
    {
        using var agent = fixture.Client("agent4");
        for (var round = 0; round < 3; round++)
        {
            using var first = await GetAsync(agent, route, accept);
            using var cached = await GetAsync(agent, route, accept);
            var before = (await RestReplies.ReadRowsAsync(first)).Single(r => r.UserId == 4).Present;
            Assert.Equal(before, (await RestReplies.ReadRowsAsync(cached)).Single(r => r.UserId == 4).Present);
            Assert.Equal(first.Headers.ETag, cached.Headers.ETag);

            using var save = await agent.PostAsync("api/v1/Presence/SaveAll", Json($"[{{\"UserId\":4,\"Present\":{(!before ? "true" : "false")}}}]"));
            Assert.Equal(HttpStatusCode.NoContent, save.StatusCode);

            // Revalidating with the copy from before the save must not get 304.
            using var revalidated = await GetAsync(agent, route, accept, first.Headers.ETag);
            Assert.Equal(HttpStatusCode.OK, revalidated.StatusCode);
            Assert.NotEqual(first.Headers.ETag, revalidated.Headers.ETag);
            Assert.Equal(!before, (await RestReplies.ReadRowsAsync(revalidated)).Single(r => r.UserId == 4).Present);

            using var plain = await GetAsync(agent, route, accept);
            Assert.Equal(!before, (await RestReplies.ReadRowsAsync(plain)).Single(r => r.UserId == 4).Present);
        }
    }

    [Theory]
    [MemberData(nameof(Representations))]
    public async Task A_save_through_SOAP_is_in_the_next_REST_reply(string route, string accept)
    {
        using var agent = fixture.Client("agent3");
        using var first = await GetAsync(agent, route, accept);
        var before = (await RestReplies.ReadRowsAsync(first)).Single(r => r.UserId == 3).Present;

        using var soap = fixture.Host.CreateClient();
        var ticket = await SoapMessages.LoginAsync(soap, "agent3", "agent3");
        using var save = await soap.SendAsync(SoapSave(ticket, 3, !before));
        Assert.Contains("<t:Succeeded>true</t:Succeeded>", await save.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var revalidated = await GetAsync(agent, route, accept, first.Headers.ETag);
        Assert.Equal(HttpStatusCode.OK, revalidated.StatusCode);
        Assert.Equal(!before, (await RestReplies.ReadRowsAsync(revalidated)).Single(r => r.UserId == 3).Present);
    }

    [Theory]
    [MemberData(nameof(Representations))]
    public async Task Callers_never_get_each_others_rights_from_the_cache(string route, string accept)
    {
        using var admin = fixture.Client();
        using var agent = fixture.Client("agent5");
        using var otherAgent = fixture.Client("agent2");
        for (var i = 0; i < 2; i++)
        {
            // Interleaved and repeated: the second round is served from the cache.
            using var adminReply = await GetAsync(admin, route, accept);
            using var agentReply = await GetAsync(agent, route, accept);
            using var otherReply = await GetAsync(otherAgent, route, accept);
            Assert.All(await RestReplies.ReadRowsAsync(adminReply), r => Assert.Equal(SelectUpdate(accept), r.TableRightMask));
            AssertOnlyOwnRowWritable(await RestReplies.ReadRowsAsync(agentReply), 5, accept);
            AssertOnlyOwnRowWritable(await RestReplies.ReadRowsAsync(otherReply), 2, accept);
            Assert.NotEqual(adminReply.Headers.ETag, agentReply.Headers.ETag);
            Assert.NotEqual(agentReply.Headers.ETag, otherReply.Headers.ETag);

            // Another caller's validator is no validator for this caller's representation.
            using var crossed = await GetAsync(agent, route, accept, adminReply.Headers.ETag);
            Assert.Equal(HttpStatusCode.OK, crossed.StatusCode);
            AssertOnlyOwnRowWritable(await RestReplies.ReadRowsAsync(crossed), 5, accept);
        }

        Assert.True(fixture.Host.Services.GetRequiredService<ReplyCache>().Count > 0);
    }

    [Theory]
    [MemberData(nameof(Representations))]
    public async Task Callers_never_get_each_others_language_from_the_cache(string route, string accept)
    {
        using var agent = fixture.Client("agent6");
        string? english = null, norwegian = null;
        for (var i = 0; i < 2; i++)
        {
            using var en = await GetAsync(agent, route, accept, language: "en");
            using var no = await GetAsync(agent, route, accept, language: "no");
            english ??= (await RestReplies.ReadRowsAsync(en)).Single(r => r.UserId == 2).TableRightReason;
            norwegian ??= (await RestReplies.ReadRowsAsync(no)).Single(r => r.UserId == 2).TableRightReason;
            Assert.Equal(english, (await RestReplies.ReadRowsAsync(en)).Single(r => r.UserId == 2).TableRightReason);
            Assert.Equal(norwegian, (await RestReplies.ReadRowsAsync(no)).Single(r => r.UserId == 2).TableRightReason);
            Assert.NotEqual(en.Headers.ETag, no.Headers.ETag);
        }

        Assert.False(string.IsNullOrEmpty(english));
        Assert.NotEqual(english, norwegian);
    }

    [Fact]
    public async Task JSON_and_XML_are_cached_apart()
    {
        using var agent = fixture.Client("agent5");
        for (var i = 0; i < 2; i++)
        {
            using var json = await GetAsync(agent, "GET api/v1/Presence/GetAll", "application/json");
            using var xml = await GetAsync(agent, "GET api/v1/Presence/GetAll", "application/xml");
            Assert.Equal("application/json", json.Content.Headers.ContentType?.MediaType);
            Assert.Equal("application/xml", xml.Content.Headers.ContentType?.MediaType);
            Assert.StartsWith("[", await json.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.StartsWith("<", await xml.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.NotEqual(json.Headers.ETag, xml.Headers.ETag);
        }
    }

    private static string SelectUpdate(string accept) => accept.EndsWith("xml", StringComparison.Ordinal) ? "Select Update" : "Select, Update";

    private static void AssertOnlyOwnRowWritable(IReadOnlyList<ReplyRow> rows, int ownId, string accept)
    {
        Assert.Contains(rows, r => r.UserId != ownId);
        Assert.All(rows, r => Assert.Equal(r.UserId == ownId ? SelectUpdate(accept) : "Select", r.TableRightMask));
    }

    private static async Task<HttpResponseMessage> GetAsync(HttpClient client, string route, string accept, EntityTagHeaderValue? ifNoneMatch = null, string? language = null)
    {
        var (method, path) = (route.Split(' ')[0], route.Split(' ')[1]);
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.Accept.ParseAdd(accept);
        if (ifNoneMatch is not null)
        {
            request.Headers.IfNoneMatch.Add(ifNoneMatch);
        }

        if (language is not null)
        {
            request.Headers.AcceptLanguage.ParseAdd(language);
        }

        var response = await client.SendAsync(request);
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotModified, $"{route}: {response.StatusCode}");
        return response;
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static HttpRequestMessage SoapSave(string ticket, int userId, bool present) =>
        SoapMessages.Request(false, SoapMessages.ChatPath, "SaveChatPresence", SoapMessages.Envelope(false, SoapMessages.SaveBody(userId, present), ticket));
}

/// <summary>The REST reply cache is bounded in entries and in bytes, dropping the oldest first.</summary>
public sealed class ReplyCacheBoundsTests
{
    [Fact]
    public void Going_over_the_byte_budget_drops_the_oldest_entries()
    {
        var first = List("1.all.en", 2);
        var size = ReplyCacheOf(int.MaxValue).Get(first, ReplyFormat.Json, Selection.All).Body.Length;
        var cache = ReplyCacheOf(capacity: 100, maxBytes: (size * 2) + 1);
        var a = cache.Get(first, ReplyFormat.Json, Selection.All);
        cache.Get(List("1.own2.en", 2), ReplyFormat.Json, Selection.All);
        Assert.Equal(2, cache.Count);
        Assert.Same(a, cache.Get(first, ReplyFormat.Json, Selection.All));

        cache.Get(List("1.own3.en", 2), ReplyFormat.Json, Selection.All);
        Assert.Equal(2, cache.Count);
        Assert.NotSame(a, cache.Get(first, ReplyFormat.Json, Selection.All)); // dropped, built again
    }

    [Fact]
    public void A_reply_larger_than_the_budget_is_served_but_not_kept()
    {
        var cache = ReplyCacheOf(capacity: 100, maxBytes: 10);
        var reply = cache.Get(List("1.all.en", 3), ReplyFormat.Json, Selection.All);
        Assert.StartsWith("[{\"UserId\":1", Encoding.UTF8.GetString(reply.Body), StringComparison.Ordinal);
        Assert.Equal(0, cache.Count);
    }

    private static ReplyCache ReplyCacheOf(int capacity, long maxBytes = ReplyCache.DefaultMaxBytes) => new(capacity, maxBytes);

    private static Domain.Presence.PresenceList List(string tag, int users) =>
        new(tag, "en", Enumerable.Range(1, users).Select(id => new Domain.Presence.PresenceRow { UserId = id, DisplayName = "User " + id, ChatTopics = [1] }).ToArray());
}
