using ChatPresence.Soap.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static ChatPresence.Tests.SoapMessages;

namespace ChatPresence.Soap.Tests;

/// <summary>Above <see cref="SoapOptions.StreamRepliesAboveRows"/> a GetChatPresence reply is streamed: same bytes, chunked.</summary>
public sealed class StreamedReplyTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_streamed_reply_has_the_same_bytes_as_a_buffered_one(bool soap12)
    {
        await using var buffered = await SoapTestDirectory.StartHostAsync();
        await using var streamed = await SoapTestDirectory.StartHostAsync(s => s["ChatPresence:Soap:StreamRepliesAboveRows"] = "2");
        using var bufferedClient = buffered.CreateClient();
        using var streamedClient = streamed.CreateClient();

        var (bufferedBytes, bufferedChunked) = await GetRawAsync(bufferedClient, soap12);
        var (streamedBytes, streamedChunked) = await GetRawAsync(streamedClient, soap12);

        Assert.False(bufferedChunked);
        Assert.True(streamedChunked); // written before its length is known
        Assert.Equal(bufferedBytes, streamedBytes);
        Assert.True(streamed.Services.GetRequiredService<ChatSoapEndpoint>().CachedReplies == 0, "a streamed reply is not cached");
    }

    private static async Task<(byte[] Body, bool Chunked)> GetRawAsync(HttpClient client, bool soap12)
    {
        var ticket = await LoginAsync(client, "admin", "admin", soap12);
        using var response = await client.SendAsync(Request(soap12, ChatPath, "GetChatPresence", Envelope(soap12, "<t:GetChatPresence/>", ticket)));
        Assert.Equal(200, (int)response.StatusCode);
        return (await response.Content.ReadAsByteArrayAsync(), response.Headers.TransferEncodingChunked == true);
    }
}
