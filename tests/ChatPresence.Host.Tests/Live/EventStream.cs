using System.Net;
using System.Text;
using System.Threading.Channels;

namespace ChatPresence.Host.Tests.Live;

/// <summary>One server-sent event as a client sees it.</summary>
public sealed record ServerEvent(string? Id, string Event, string Data);

/// <summary>
/// A minimal EventSource: opens <c>GET …/Presence/Stream</c> and parses the text/event-stream reply (id, event,
/// data, comments) into <see cref="ServerEvent"/>s as they arrive.
/// </summary>
public sealed class EventStream : IAsyncDisposable
{
    private readonly Channel<ServerEvent> events = Channel.CreateUnbounded<ServerEvent>();
    private readonly HttpResponseMessage response;
    private readonly CancellationTokenSource stop = new();
    private readonly Task reading;
    private int comments;

    private EventStream(HttpResponseMessage response)
    {
        this.response = response;
        reading = ReadAsync();
    }

    public int Comments => Volatile.Read(ref comments);

    public static async Task<EventStream> OpenAsync(HttpClient client, string path = "api/v1/Presence/Stream", Action<HttpRequestMessage>? configure = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/event-stream");
        configure?.Invoke(request);
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            var body = await response.Content.ReadAsStringAsync();
            response.Dispose();
            throw new Xunit.Sdk.XunitException($"stream refused: {(int)response.StatusCode} {body}");
        }

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        return new EventStream(response);
    }

    /// <summary>The next event within <paramref name="timeout"/>, or null.</summary>
    public async Task<ServerEvent?> NextOrNullAsync(TimeSpan timeout)
    {
        using var wait = new CancellationTokenSource(timeout);
        try
        {
            return await events.Reader.ReadAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    public async Task<ServerEvent> NextAsync(TimeSpan timeout) =>
        await NextOrNullAsync(timeout) ?? throw new Xunit.Sdk.XunitException($"no event within {timeout.TotalMilliseconds} ms");

    /// <summary>True when the server ended the stream within <paramref name="timeout"/> (after any events still unread).</summary>
    public async Task<bool> EndsWithinAsync(TimeSpan timeout)
    {
        using var wait = new CancellationTokenSource(timeout);
        try
        {
            while (await events.Reader.WaitToReadAsync(wait.Token))
            {
                events.Reader.TryRead(out _);
            }

            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        response.Dispose();
        try
        {
            await reading;
        }
        catch (Exception)
        {
            // Closed under the reader: that is how a client hangs up.
        }

        stop.Dispose();
    }

    private async Task ReadAsync()
    {
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(stop.Token);
            using var reader = new StreamReader(body, Encoding.UTF8);
            string? id = null, name = null;
            var data = new StringBuilder();
            while (await reader.ReadLineAsync(stop.Token) is { } line)
            {
                if (line.Length == 0)
                {
                    if (data.Length > 0 || name is not null)
                    {
                        events.Writer.TryWrite(new ServerEvent(id, name ?? "message", data.ToString()));
                    }

                    id = name = null;
                    data.Clear();
                }
                else if (line[0] == ':')
                {
                    Interlocked.Increment(ref comments);
                }
                else
                {
                    var colon = line.IndexOf(':', StringComparison.Ordinal);
                    var field = colon < 0 ? line : line[..colon];
                    var value = colon < 0 ? string.Empty : line[(colon + 1)..].TrimStart(' ');
                    switch (field)
                    {
                        case "id": id = value; break;
                        case "event": name = value; break;
                        case "data": data.Append(data.Length > 0 ? "\n" : string.Empty).Append(value); break;
                    }
                }
            }
        }
        catch (Exception) when (stop.IsCancellationRequested)
        {
        }
        catch (IOException)
        {
        }
        finally
        {
            events.Writer.TryComplete();
        }
    }
}
