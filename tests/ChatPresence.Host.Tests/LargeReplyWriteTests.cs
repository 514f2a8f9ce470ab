using System.Net;
using ChatPresence.Tests;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using static ChatPresence.Tests.SoapMessages;

namespace ChatPresence.Host.Tests;

/// <summary>
/// A large reply reaches Kestrel in slices of at most 256 KB. Kestrel copies all one write hands it into its pinned
/// memory pool before flushing, so one write of a multi-megabyte reply holds that much pool per connection until the
/// client has read it; the pool then stays that large and every later reply is copied into memory out of cache.
/// </summary>
public sealed class LargeReplyWriteTests
{
    private const int Slice = 256 * 1024;
    private const int Users = 2_000;

    public static TheoryData<string, bool, string> Replies => new()
    {
        { "SOAP GetChatPresence, kept reply", true, "identity" },
        { "SOAP GetChatPresence, reply cache off (kept rows as pieces)", false, "identity" },
        { "REST GetAll JSON, kept reply", true, "json" },
    };

    [Theory]
    [MemberData(nameof(Replies))]
    public async Task A_large_reply_is_written_in_slices_of_at_most_256_KB(string name, bool replyCache, string kind)
    {
        var writes = new WriteSizes();
        await using var host = await ChatPresenceHost.StartAsync(
            settings =>
            {
                if (!replyCache)
                {
                    settings["ChatPresence:Soap:ReplyCacheEntries"] = "0";
                }
            },
            directoryJson: Directory(Users),
            environment: "Production",
            customize: builder => builder.Services.AddSingleton<IStartupFilter>(new RecordWrites(writes)));
        using var client = host.CreateClient();

        long length;
        if (kind == "json")
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/Presence/GetAll");
            request.Headers.Authorization = ChatPresenceHost.Basic("admin", "admin");
            await client.SendAsync(request); // fills the cache: the second read sends the kept bytes
            writes.Clear();
            using var again = new HttpRequestMessage(HttpMethod.Get, "api/v1/Presence/GetAll");
            again.Headers.Authorization = ChatPresenceHost.Basic("admin", "admin");
            using var response = await client.SendAsync(again);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            length = (await response.Content.ReadAsByteArrayAsync()).Length;
        }
        else
        {
            var ticket = await LoginAsync(client, "admin", "admin");
            await CallAsync(client, soap12: false, "GetChatPresence", "<t:GetChatPresence/>", ticket);
            writes.Clear();
            var reply = await CallAsync(client, soap12: false, "GetChatPresence", "<t:GetChatPresence/>", ticket);
            Assert.Equal(200, reply.Status);
            length = System.Text.Encoding.UTF8.GetByteCount(reply.Text);
        }

        Assert.True(length > 4 * Slice, $"{name}: the reply ({length} bytes) is not large enough to show slicing");
        Assert.Equal(length, writes.Total);
        Assert.True(writes.Largest <= Slice, $"{name}: one write of {writes.Largest} bytes (a {length}-byte reply)");
    }

    private static string Directory(int users) =>
        """{"users":[{"id":1,"login":"admin","displayName":"Administrator","role":"Administrator","chatAccess":true,"password":"admin"},"""
        + string.Join(',', Enumerable.Range(2, users - 1).Select(i => $$"""{"id":{{i}},"login":"agent{{i}}","displayName":"Agent {{i}}","role":"Agent","chatAccess":true}"""))
        + """],"topics":[{"id":1,"name":"Sales"}],"memberships":[{"topicId":1,"userId":1,"canRespond":true}]}""";

    private sealed class WriteSizes
    {
        private long total;
        private int largest;

        public long Total => Interlocked.Read(ref total);

        public int Largest => Volatile.Read(ref largest);

        public void Add(int count)
        {
            Interlocked.Add(ref total, count);
            int seen;
            while (count > (seen = Volatile.Read(ref largest)) && Interlocked.CompareExchange(ref largest, count, seen) != seen)
            {
            }
        }

        public void Clear()
        {
            Interlocked.Exchange(ref total, 0);
            Interlocked.Exchange(ref largest, 0);
        }
    }

    /// <summary>Outermost middleware: the response body as a stream that counts what each write hands on.</summary>
    private sealed class RecordWrites(WriteSizes writes) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, call) =>
            {
                var inner = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
                var feature = new StreamResponseBodyFeature(new CountingStream(inner.Stream, writes), inner);
                context.Features.Set<IHttpResponseBodyFeature>(feature);
                try
                {
                    await call(context);
                    await feature.CompleteAsync();
                }
                finally
                {
                    context.Features.Set(inner);
                }
            });
            next(app);
        };
    }

    private sealed class CountingStream(Stream inner, WriteSizes writes) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();
        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            writes.Add(count);
            inner.Write(buffer, offset, count);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            writes.Add(buffer.Length);
            return inner.WriteAsync(buffer, cancellationToken);
        }
    }
}
