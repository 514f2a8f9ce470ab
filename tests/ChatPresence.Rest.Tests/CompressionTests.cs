using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace ChatPresence.Rest.Tests;

/// <summary>A host that compresses every reply it may, however small (so only the rules keep a reply plain).</summary>
public sealed class CompressEverythingHostFixture : RestHostFixture
{
    protected override void Configure(IDictionary<string, string?> settings) => settings["ChatPresence:Rest:CompressionMinimumBytes"] = "0";
}

/// <summary>A host whose minimum size for compression is above every reply.</summary>
public sealed class LargeMinimumHostFixture : RestHostFixture
{
    protected override void Configure(IDictionary<string, string?> settings) => settings["ChatPresence:Rest:CompressionMinimumBytes"] = "1000000";
}

/// <summary>A host that streams every presence reply with more than two rows.</summary>
public sealed class StreamingCompressionHostFixture : RestHostFixture
{
    protected override void Configure(IDictionary<string, string?> settings) => settings["ChatPresence:Rest:StreamRepliesAboveRows"] = "2";
}

/// <summary>
/// Presence replies are compressed when Accept-Encoding allows it, each coded representation with an ETag of its own
/// (If-None-Match → 304 works per coding); without Accept-Encoding nothing changes; logins and errors stay plain.
/// </summary>
public sealed class CompressionTests(RestHostFixture fixture, CompressEverythingHostFixture everything, StreamingCompressionHostFixture streaming)
    : IClassFixture<RestHostFixture>, IClassFixture<CompressEverythingHostFixture>, IClassFixture<StreamingCompressionHostFixture>
{
    public static TheoryData<string, string, string> Representations()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var coding in new[] { "gzip", "br" })
        {
            data.Add("GET api/v1/Presence/GetAll", "application/json", coding);
            data.Add("GET api/v1/Presence/GetAll", "application/xml", coding);
            data.Add("POST api/v1/Agents/Chat/GetChatPresence", "application/json", coding);
            data.Add("POST api/v1/Agents/Chat/GetChatPresence?$select=UserId,Present", "text/xml", coding);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Representations))]
    public async Task A_coded_reply_decodes_to_the_identity_bytes_and_has_its_own_ETag(string route, string accept, string coding)
    {
        using var client = fixture.Client("agent2");
        using var identity = await SendAsync(client, route, accept, acceptEncoding: null);
        using var coded = await SendAsync(client, route, accept, coding);
        var identityBytes = await identity.Content.ReadAsByteArrayAsync();
        var codedBytes = await coded.Content.ReadAsByteArrayAsync();

        Assert.Empty(identity.Content.Headers.ContentEncoding);
        Assert.Equal(coding, coded.Content.Headers.ContentEncoding.Single());
        Assert.Equal(identityBytes, Decode(codedBytes, coding));
        Assert.Contains("Accept-Encoding", coded.Headers.Vary);
        Assert.Contains("Accept-Encoding", identity.Headers.Vary);
        Assert.NotEqual(identity.Headers.ETag, coded.Headers.ETag);
        Assert.EndsWith("-" + coding + "\"", coded.Headers.ETag!.Tag, StringComparison.Ordinal);

        // Revalidation is per representation: the coded ETag gives 304 for the same coding, not for identity.
        using var notModified = await SendAsync(client, route, accept, coding, coded.Headers.ETag.Tag);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal(coded.Headers.ETag, notModified.Headers.ETag);
        using var otherCoding = await SendAsync(client, route, accept, acceptEncoding: null, coded.Headers.ETag.Tag);
        Assert.Equal(HttpStatusCode.OK, otherCoding.StatusCode);
        Assert.Equal(identityBytes, await otherCoding.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("gzip;q=0", null)]
    [InlineData("gzip;q=0, br;q=0.1", "br")]
    [InlineData("br;q=0, *;q=0.5", "gzip")]
    [InlineData("gzip, deflate", "gzip")]
    [InlineData("identity, deflate", null)]
    [InlineData("*;q=0", null)]
    public async Task Q_values_are_honoured(string acceptEncoding, string? expected)
    {
        using var client = fixture.Client("agent2");
        using var reply = await SendAsync(client, "GET api/v1/Presence/GetAll", "application/json", acceptEncoding);
        Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
        Assert.Equal(expected, reply.Content.Headers.ContentEncoding.SingleOrDefault());
    }

    [Theory]
    [InlineData("application/json", "gzip")]
    [InlineData("application/xml", "br")]
    public async Task A_streamed_reply_is_compressed_on_the_fly_and_decodes_fully(string accept, string coding)
    {
        using var bufferedClient = fixture.Client("agent2");
        using var streamedClient = streaming.Client("agent2");
        using var identity = await SendAsync(bufferedClient, "GET api/v1/Presence/GetAll", accept, acceptEncoding: null);
        using var coded = await SendAsync(streamedClient, "GET api/v1/Presence/GetAll", accept, coding);

        Assert.True(coded.Headers.TransferEncodingChunked);
        Assert.Equal(coding, coded.Content.Headers.ContentEncoding.Single());
        Assert.Equal(await identity.Content.ReadAsByteArrayAsync(), Decode(await coded.Content.ReadAsByteArrayAsync(), coding));
        Assert.EndsWith("-" + coding + "\"", coded.Headers.ETag!.Tag, StringComparison.Ordinal);
        using var notModified = await SendAsync(streamedClient, "GET api/v1/Presence/GetAll", accept, coding, coded.Headers.ETag.Tag);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
    }

    [Fact]
    public async Task A_reply_below_the_minimum_size_is_not_compressed()
    {
        var host = new LargeMinimumHostFixture();
        await host.InitializeAsync();
        try
        {
            using var client = host.Client("agent2");
            using var reply = await SendAsync(client, "GET api/v1/Presence/GetAll", "application/json", "gzip, br");
            Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
            Assert.Empty(reply.Content.Headers.ContentEncoding);
            Assert.DoesNotContain("-br", reply.Headers.ETag!.Tag, StringComparison.Ordinal);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    /// <summary>
    /// The login reply sets the session ticket: compressing it beside attacker-chosen text would open a BREACH-style
    /// side channel, so it is never compressed, even with no minimum size. Error bodies neither.
    /// </summary>
    [Fact]
    public async Task Logins_and_errors_are_never_compressed()
    {
        using var anonymous = everything.Host.CreateClient();
        using var login = new HttpRequestMessage(HttpMethod.Post, new Uri("api/v1/Login", UriKind.Relative))
        {
            Content = new StringContent("{\"UserName\":\"agent5\",\"Password\":\"agent5\"}", Encoding.UTF8, "application/json"),
        };
        login.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip, br");
        using var loggedIn = await anonymous.SendAsync(login);
        Assert.Equal(HttpStatusCode.OK, loggedIn.StatusCode);
        Assert.Empty(loggedIn.Content.Headers.ContentEncoding);

        using var refused = await SendAsync(anonymous, "GET api/v1/Presence/GetAll", "application/json", "gzip, br");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Empty(refused.Content.Headers.ContentEncoding);

        // The control: on the same host a presence list, however small, is compressed.
        using var client = everything.Client("agent5");
        using var presence = await SendAsync(client, "GET api/v1/Presence/GetAll?$select=UserId", "application/json", "gzip");
        Assert.Equal("gzip", presence.Content.Headers.ContentEncoding.Single());
    }

    internal static byte[] Decode(byte[] body, string coding)
    {
        using var input = new MemoryStream(body);
        using Stream decoder = coding == "gzip" ? new GZipStream(input, CompressionMode.Decompress) : new BrotliStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        decoder.CopyTo(output);
        return output.ToArray();
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string route, string accept, string? acceptEncoding, string? ifNoneMatch = null)
    {
        var (method, path) = (route.Split(' ')[0], route.Split(' ')[1]);
        var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        if (acceptEncoding is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        }

        if (ifNoneMatch is not null)
        {
            request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue(ifNoneMatch));
        }

        return client.SendAsync(request);
    }
}
