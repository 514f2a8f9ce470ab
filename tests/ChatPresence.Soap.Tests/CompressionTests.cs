using System.IO.Compression;
using System.Text;
using ChatPresence.Soap.Tests.Infrastructure;
using static ChatPresence.Tests.SoapMessages;

namespace ChatPresence.Soap.Tests;

/// <summary>
/// GetChatPresence replies are compressed when Accept-Encoding allows it and are otherwise the bytes they always were;
/// replies that may carry a ticket, and faults, are never compressed.
/// </summary>
public sealed class CompressionTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Without_accept_encoding_the_reply_is_byte_for_byte_the_uncompressing_hosts(bool soap12)
    {
        await using var plain = await SoapTestDirectory.StartHostAsync(s => s["ChatPresence:Soap:CompressReplies"] = "false");
        await using var compressing = await SoapTestDirectory.StartHostAsync();
        var before = await GetPresenceRawAsync(plain, soap12, acceptEncoding: null);
        var after = await GetPresenceRawAsync(compressing, soap12, acceptEncoding: null);

        Assert.Null(after.ContentEncoding);
        Assert.Equal(Strip(before.Body), Strip(after.Body));
        Assert.Contains("Accept-Encoding", after.Vary);
        Assert.True(after.Body.Length > 1024, "the demo reply is above the default minimum, so the test could fail");
    }

    [Theory]
    [InlineData(false, "gzip", "gzip")]
    [InlineData(true, "gzip", "gzip")]
    [InlineData(false, "br", "br")]
    [InlineData(true, "gzip, deflate, br", "br")]
    [InlineData(false, "gzip, deflate", "gzip")] // what python-requests (zeep) sends
    [InlineData(false, "gzip;q=0, br;q=0.5", "br")]
    [InlineData(false, "br;q=0, *", "gzip")]
    [InlineData(false, "gzip;q=0", null)]
    [InlineData(false, "*;q=0", null)]
    [InlineData(false, "identity", null)]
    [InlineData(false, "deflate, compress", null)]
    [InlineData(false, "gzip;q=nonsense", null)]
    public async Task The_reply_is_in_the_best_accepted_coding_and_decodes_to_the_identity_bytes(bool soap12, string acceptEncoding, string? expected)
    {
        await using var server = await SoapTestDirectory.StartHostAsync();
        var identity = await GetPresenceRawAsync(server, soap12, acceptEncoding: null);
        var coded = await GetPresenceRawAsync(server, soap12, acceptEncoding);

        Assert.Equal(expected, coded.ContentEncoding);
        Assert.Equal(identity.Body, Decode(coded.Body, coded.ContentEncoding));
        if (expected is not null)
        {
            Assert.True(coded.Body.Length * 4 < identity.Body.Length, $"{expected}: {coded.Body.Length} of {identity.Body.Length} bytes");
        }
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("br")]
    public async Task A_cached_reply_serves_the_same_compressed_bytes_to_every_caller(string coding)
    {
        await using var server = await SoapTestDirectory.StartHostAsync();
        var first = await GetPresenceRawAsync(server, soap12: false, coding);
        var second = await GetPresenceRawAsync(server, soap12: false, coding);
        Assert.Equal(coding, second.ContentEncoding);
        Assert.Equal(first.Body, second.Body);
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("br")]
    public async Task With_the_cache_off_the_reply_is_still_compressed(string coding)
    {
        await using var server = await SoapTestDirectory.StartHostAsync(s => s["ChatPresence:Soap:ReplyCacheEntries"] = "0");
        var identity = await GetPresenceRawAsync(server, soap12: true, acceptEncoding: null);
        var coded = await GetPresenceRawAsync(server, soap12: true, coding);
        Assert.Equal(coding, coded.ContentEncoding);
        Assert.Equal(identity.Body, Decode(coded.Body, coding));
    }

    [Theory]
    [InlineData(false, "gzip")]
    [InlineData(true, "br")]
    public async Task A_streamed_reply_is_compressed_on_the_fly_and_decodes_fully(bool soap12, string coding)
    {
        await using var buffered = await SoapTestDirectory.StartHostAsync();
        await using var streamed = await SoapTestDirectory.StartHostAsync(s => s["ChatPresence:Soap:StreamRepliesAboveRows"] = "2");
        var identity = await GetPresenceRawAsync(buffered, soap12, acceptEncoding: null);
        var coded = await GetPresenceRawAsync(streamed, soap12, coding);

        Assert.True(coded.Chunked);
        Assert.Equal(coding, coded.ContentEncoding);
        Assert.Contains("Accept-Encoding", coded.Vary);
        Assert.Equal(Strip(identity.Body), Strip(Decode(coded.Body, coding)));
    }

    [Fact]
    public async Task A_reply_below_the_minimum_size_is_not_compressed()
    {
        await using var server = await SoapTestDirectory.StartHostAsync(s => s["ChatPresence:Soap:CompressionMinimumBytes"] = "1000000");
        var coded = await GetPresenceRawAsync(server, soap12: false, "gzip, br");
        Assert.Null(coded.ContentEncoding);
    }

    [Fact]
    public async Task Switched_off_nothing_is_compressed_and_nothing_varies()
    {
        await using var server = await SoapTestDirectory.StartHostAsync(s => s["ChatPresence:Soap:CompressReplies"] = "false");
        var coded = await GetPresenceRawAsync(server, soap12: false, "gzip, br");
        Assert.Null(coded.ContentEncoding);
        Assert.Empty(coded.Vary);
    }

    /// <summary>
    /// With no minimum size, only the rule "presence lists alone are compressed" keeps these replies plain: a login
    /// reply carries a ticket, and compressing it beside attacker-chosen text would open a BREACH-style side channel.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Logins_saves_opening_hours_failures_and_faults_are_never_compressed(bool soap12)
    {
        await using var server = await SoapTestDirectory.StartHostAsync(s => s["ChatPresence:Soap:CompressionMinimumBytes"] = "0");
        using var client = server.CreateClient();
        var ticket = await LoginAsync(client, "admin", "admin", soap12);
        var calls = new (string Path, string Operation, string Body, string? Ticket)[]
        {
            (PrincipalPath, "AuthenticateUsernamePassword", "<t:AuthenticateUsernamePassword><t:UserName>admin</t:UserName><t:Password>admin</t:Password></t:AuthenticateUsernamePassword>", null),
            (ChatPath, "SaveChatPresence", "<t:SaveChatPresence><t:ChatPresence><t:ChatPresence><t:UserId>2</t:UserId><t:Present>true</t:Present></t:ChatPresence></t:ChatPresence></t:SaveChatPresence>", ticket),
            (ChatPath, "IsWithinOpeningHours", "<t:IsWithinOpeningHours><t:ChatTopicId>1</t:ChatTopicId></t:IsWithinOpeningHours>", ticket),
            (ChatPath, "GetChatPresence", "<t:GetChatPresence/>", "7T:unknown"),
            (ChatPath, "DeleteEverything", "<t:DeleteEverything/>", ticket),
            (ChatPath, "GetChatPresence", "<t:GetChatPresence><t:Broken></t:GetChatPresence>", ticket),
        };
        foreach (var (path, operation, body, callTicket) in calls)
        {
            using var request = Request(soap12, path, operation, Envelope(soap12, body, callTicket));
            request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip, br");
            using var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.Content.Headers.ContentEncoding.Count == 0, $"{operation}: {string.Join(",", response.Content.Headers.ContentEncoding)}");
            Assert.StartsWith("<s:Envelope", text, StringComparison.Ordinal);
        }

        // The control: with the same settings a presence list is compressed.
        var presence = await GetPresenceRawAsync(server, soap12, "gzip", ticket);
        Assert.Equal("gzip", presence.ContentEncoding);
    }

    internal static byte[] Decode(byte[] body, string? coding)
    {
        if (coding is null)
        {
            return body;
        }

        using var input = new MemoryStream(body);
        using Stream decoder = coding == "gzip" ? new GZipStream(input, CompressionMode.Decompress) : new BrotliStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        decoder.CopyTo(output);
        return output.ToArray();
    }

    private static string Strip(byte[] body) => Encoding.UTF8.GetString(body);

    internal sealed record RawReply(byte[] Body, string? ContentEncoding, string[] Vary, bool Chunked);

    internal static async Task<RawReply> GetPresenceRawAsync(ChatPresenceHost server, bool soap12, string? acceptEncoding, string? ticket = null)
    {
        using var client = server.CreateClient();
        ticket ??= await LoginAsync(client, "admin", "admin", soap12);
        using var request = Request(soap12, ChatPath, "GetChatPresence", Envelope(soap12, "<t:GetChatPresence/>", ticket));
        if (acceptEncoding is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        }

        using var response = await client.SendAsync(request);
        Assert.Equal(200, (int)response.StatusCode);
        var body = await response.Content.ReadAsByteArrayAsync();
        return new RawReply(
            body,
            response.Content.Headers.ContentEncoding.SingleOrDefault(),
            response.Headers.Vary.ToArray(),
            response.Headers.TransferEncodingChunked == true);
    }
}
