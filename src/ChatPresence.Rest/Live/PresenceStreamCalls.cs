using System.Diagnostics;
using System.IO.Pipelines;
using ChatPresence.Domain;
using ChatPresence.Domain.Live;
using ChatPresence.Rest.Endpoints;
using ChatPresence.Rest.Errors;
using ChatPresence.Rest.Formatting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace ChatPresence.Rest.Live;

/// <summary>
/// <c>GET Presence/Stream</c> (server-sent events from the <see cref="PresenceFeed"/>) and <c>GET Presence/Board</c>.
/// Translation only: which rows, rights and texts a caller gets is decided in Domain.
/// </summary>
internal sealed class PresenceStreamCalls(
    PresenceFeed feed,
    RestCallerResolver callers,
    RestCalls calls,
    ReplyCache replies,
    IOptions<RestOptions> options,
    IHostApplicationLifetime lifetime) : IDisposable
{
    public const string EventStreamType = "text/event-stream";

    // One timer for every open stream of this host: each tick wakes the streams (PresenceFeed.Tick) for their
    // heartbeat and credential recheck, so an idle stream holds no timer, delay task or registration of its own.
    private readonly ITimer ticker = TimeProvider.System.CreateTimer(
        static state => ((PresenceFeed)state!).Tick(), feed, TickOf(options.Value), TickOf(options.Value));

    public void Dispose() => ticker.Dispose();

    private static TimeSpan TickOf(RestOptions settings) =>
        settings.StreamHeartbeat < settings.StreamRecheck ? settings.StreamHeartbeat : settings.StreamRecheck;

    public async Task StreamAsync(HttpContext http)
    {
        var call = RestCall.Of(http);
        var (request, language, aborted) = (call.Request, call.Language, call.Aborted);
        PresenceSubscription subscription;
        try
        {
            var caller = await callers.ResolveStreamAsync(request, language, aborted);
            if (!AcceptsEventStream(request))
            {
                throw RestRefusals.NotAcceptable(language, request.Headers.Accept);
            }

            subscription = await feed.SubscribeAsync(caller, request.Headers["Last-Event-ID"].ToString(), aborted);
        }
        catch (Exception e) when (!aborted.IsCancellationRequested)
        {
            await calls.Fail(e, call, "Presence/Stream").ExecuteAsync(http);
            return;
        }

        using (subscription)
        using (var stop = CancellationTokenSource.CreateLinkedTokenSource(aborted, lifetime.ApplicationStopping))
        {
            try
            {
                await PumpAsync(http, subscription, language, stop.Token);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // The client went away or the host is stopping.
            }
        }
    }

    public Task<Results<BoardReply, ErrorResult>> BoardAsync(HttpContext http) =>
        calls.ServeAsync<Results<BoardReply, ErrorResult>>(http, "Presence/Board", async call =>
        {
            var caller = await callers.ResolveAsync(call.Request, call.Language, call.Aborted);
            return new BoardReply(LiveJson.Board(await feed.BoardAsync(caller, call.Aborted)));
        }, static refused => refused);

    // Per host (this type is a singleton): several hosts in one process do not share one gate.
    private readonly SemaphoreSlim snapshotWrites = new(Environment.ProcessorCount * 4);

    private async Task PumpAsync(HttpContext http, PresenceSubscription subscription, string language, CancellationToken token)
    {
        var response = http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = EventStreamType + "; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        response.Headers["X-Accel-Buffering"] = "no"; // reverse proxies: pass events on as they come
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        var body = response.BodyWriter;

        // Headers first: what is written before the response starts is held in a side buffer of Kestrel's that the
        // connection keeps for good, so a snapshot written then would cost every stream that buffer's bookkeeping.
        await response.StartAsync(token);
        var writer = new EventStreamWriter(body);
        writer.Retry(2000);

        var settings = options.Value;
        var sinceWrite = Stopwatch.StartNew();
        var sinceCheck = Stopwatch.StartNew();
        while (true)
        {
            while (subscription.TryRead() is { } batch)
            {
                if (batch.Ended)
                {
                    writer.End("NotAuthenticated");
                    await body.FlushAsync(token);
                    return;
                }

                if (batch.Snapshot is { } list)
                {
                    await WriteSnapshotAsync(body, writer, batch.SnapshotId!, replies.Get(list, ReplyFormat.Json, Selection.All).Body, token);
                }

                foreach (var e in batch.Events)
                {
                    writer.Event(e);
                }

                if (writer.Pending >= 64 * 1024)
                {
                    break;
                }
            }

            if (subscription.TakeTick())
            {
                if (sinceCheck.Elapsed >= settings.StreamRecheck)
                {
                    sinceCheck.Restart();
                    try
                    {
                        await callers.ResolveStreamAsync(http.Request, language, token);
                    }
                    catch (ChatPresenceException e)
                    {
                        // Revoked, logged out or expired: the stream ends as the next request would be refused.
                        writer.End(e.Reason.ToString());
                        await body.FlushAsync(token);
                        return;
                    }
                    catch (Exception) when (!token.IsCancellationRequested)
                    {
                        // The store did not answer: not the caller's fault; the next check asks again.
                    }
                }

                if (writer.Pending == 0 && sinceWrite.Elapsed >= settings.StreamHeartbeat)
                {
                    writer.Heartbeat();
                }
            }

            if (writer.Pending > 0)
            {
                if ((await body.FlushAsync(token)).IsCompleted)
                {
                    return; // the client is gone
                }

                writer.Flushed();
                sinceWrite.Restart();
            }

            // One wait: events, a due snapshot, or the shared tick (ticker) all arrive through the subscription.
            if (!await subscription.WaitAsync(token))
            {
                return; // the feed closed (host stopping)
            }
        }
    }

    // A snapshot goes out in pieces of this size, each flushed: the pipe keeps one segment object per 4 KB it ever
    // held at once, so writing the whole GetAll reply in one go would leave each stream with a snapshot's worth of them.
    private const int SnapshotPiece = 16 * 1024;

    /// <summary>
    /// A snapshot is the caller's whole GetAll reply, shared with every stream of the same view in the reply cache; it
    /// is copied only into the pipe, which holds it until the socket takes it. When thousands of streams open at once,
    /// a few such copies at a time bound what Kestrel's memory pool grows to (and keeps); small event batches never wait.
    /// </summary>
    private async Task WriteSnapshotAsync(PipeWriter body, EventStreamWriter writer, string id, byte[] getAll, CancellationToken token)
    {
        await snapshotWrites.WaitAsync(token);
        try
        {
            writer.StartSnapshot(id);
            for (var offset = 0; offset < getAll.Length; offset += SnapshotPiece)
            {
                writer.Append(getAll.AsSpan(offset, Math.Min(SnapshotPiece, getAll.Length - offset)));
                if ((await body.FlushAsync(token)).IsCompleted)
                {
                    return; // the client is gone; the next flush says so too
                }
            }

            writer.EndSnapshot();
        }
        finally
        {
            snapshotWrites.Release();
        }
    }

    /// <summary>No Accept, or one that allows text/event-stream (also */* and text/*).</summary>
    private static bool AcceptsEventStream(HttpRequest request)
    {
        var accept = request.Headers.Accept;
        if (accept.Count == 0)
        {
            return true;
        }

        if (!MediaTypeHeaderValue.TryParseList(accept, out var types))
        {
            return false;
        }

        return types.Any(t => t.Quality is not 0
            && (t.MediaType.Equals(EventStreamType, StringComparison.OrdinalIgnoreCase)
                || t.MediaType.Equals("*/*", StringComparison.OrdinalIgnoreCase)
                || t.MediaType.Equals("text/*", StringComparison.OrdinalIgnoreCase)));
    }
}

/// <summary>The <c>Presence/Board</c> reply: the caller and the topics with today's hours.</summary>
internal sealed class BoardReply(byte[] body) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, httpContext.RequestAborted).AsTask();
    }
}
