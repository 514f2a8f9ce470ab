using System.Net;
using System.Net.Http.Headers;

namespace ChatPresence.Rest.Tests;

/// <summary>A host that streams every presence reply with more than two rows.</summary>
public sealed class StreamingHostFixture : RestHostFixture
{
    protected override void Configure(IDictionary<string, string?> settings) => settings["ChatPresence:Rest:StreamRepliesAboveRows"] = "2";
}

/// <summary>
/// Above <see cref="RestOptions.StreamRepliesAboveRows"/> a presence reply is streamed (chunked, not cached): the same
/// bytes as a buffered reply, with an ETag, and If-None-Match still gives 304.
/// </summary>
public sealed class StreamedReplyTests(RestHostFixture buffered, StreamingHostFixture streamed) : IClassFixture<RestHostFixture>, IClassFixture<StreamingHostFixture>
{
    public static TheoryData<string, string, string> Representations() => new()
    {
        { "GET", "api/v1/Presence/GetAll", "application/json" },
        { "GET", "api/v1/Presence/GetAll", "application/xml" },
        { "POST", "api/v1/Agents/Chat/GetChatPresence", "application/json" },
        { "POST", "api/v1/Agents/Chat/GetChatPresence?$select=UserId,Present,TableRight/Mask", "text/xml" },
    };

    [Theory]
    [MemberData(nameof(Representations))]
    public async Task A_streamed_reply_equals_the_buffered_one(string method, string route, string accept)
    {
        using var bufferedClient = buffered.Client("agent2");
        using var streamedClient = streamed.Client("agent2");
        using var expected = await SendAsync(bufferedClient, method, route, accept, ifNoneMatch: null);
        using var actual = await SendAsync(streamedClient, method, route, accept, ifNoneMatch: null);

        Assert.Equal(HttpStatusCode.OK, actual.StatusCode);
        Assert.NotEqual(true, expected.Headers.TransferEncodingChunked);
        Assert.True(actual.Headers.TransferEncodingChunked, "a streamed reply is chunked");
        Assert.Equal(expected.Content.Headers.ContentType, actual.Content.Headers.ContentType);
        Assert.Equal(await expected.Content.ReadAsByteArrayAsync(), await actual.Content.ReadAsByteArrayAsync());
        Assert.NotNull(actual.Headers.ETag); // (the two hosts' ETags differ: they carry each database's change stamp)
        Assert.Equal("nosniff", actual.Headers.GetValues("X-Content-Type-Options").Single());

        using var revalidated = await SendAsync(streamedClient, method, route, accept, actual.Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string route, string accept, string? ifNoneMatch)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), new Uri(route, UriKind.Relative));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        if (ifNoneMatch is not null)
        {
            request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue(ifNoneMatch));
        }

        return client.SendAsync(request);
    }
}

/// <summary>A streamed reply's ETag moves with an acknowledged save, so a revalidation never keeps stale presence.</summary>
public sealed class StreamedReplyFreshnessTests(StreamingHostFixture streamed) : IClassFixture<StreamingHostFixture>
{
    [Fact]
    public async Task After_a_save_the_old_ETag_no_longer_matches()
    {
        using var client = streamed.Client("agent2");
        using var first = await client.GetAsync(new Uri("api/v1/Presence/GetAll", UriKind.Relative));
        var before = (await RestReplies.ReadRowsAsync(first)).Single(r => r.UserId == 2).Present;

        using var save = await client.PostAsync(
            new Uri("api/v1/Presence/SaveAll", UriKind.Relative),
            new StringContent($"[{{\"UserId\":2,\"Present\":{(before ? "false" : "true")}}}]", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NoContent, save.StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("api/v1/Presence/GetAll", UriKind.Relative));
        request.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var after = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.NotEqual(first.Headers.ETag, after.Headers.ETag);
        Assert.Equal(!before, (await RestReplies.ReadRowsAsync(after)).Single(r => r.UserId == 2).Present);
    }
}
