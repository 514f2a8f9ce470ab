using System.Diagnostics;
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
    IHostApplicationLifetime lifetime)
{
    public const string EventStreamType = "text/event-stream";

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

    private const int LargeWrite = 16 * 1024;

    // Per host (this type is a singleton): several hosts in one process do not share one gate.
    private readonly SemaphoreSlim largeWrites = new(Environment.ProcessorCount * 4);

    private async Task PumpAsync(HttpContext http, PresenceSubscription subscription, string language, CancellationToken token)
    {
        var response = http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = EventStreamType + "; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        response.Headers["X-Accel-Buffering"] = "no"; // reverse proxies: pass events on as they come
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        var body = response.Body;
        var writer = new EventStreamWriter();
        writer.Retry(2000);

        var settings = options.Value;
        var tick = settings.StreamHeartbeat < settings.StreamRecheck ? settings.StreamHeartbeat : settings.StreamRecheck;
        var sinceWrite = Stopwatch.StartNew();
        var sinceCheck = Stopwatch.StartNew();
        Task<bool>? waiting = null;
        Task? ticking = null;
        while (true)
        {
            while (subscription.TryRead() is { } batch)
            {
                if (batch.Ended)
                {
                    writer.End("NotAuthenticated");
                    await body.WriteAsync(writer.Written, token);
                    return;
                }

                if (batch.Snapshot is { } list)
                {
                    writer.Snapshot(batch.SnapshotId!, replies.Get(list, ReplyFormat.Json, Selection.All).Body);
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

            if (writer.Pending > 0)
            {
                // A snapshot is the caller's whole GetAll reply: when thousands of streams open at once, each copy
                // sits in Kestrel's memory pool until its socket takes it, and the pool keeps what it grew to. A few
                // large writes at a time bound that; small event batches never wait.
                var large = writer.Pending > LargeWrite;
                if (large)
                {
                    await largeWrites.WaitAsync(token);
                }

                try
                {
                    await body.WriteAsync(writer.Written, token);
                    await body.FlushAsync(token);
                }
                finally
                {
                    if (large)
                    {
                        largeWrites.Release();
                    }
                }

                writer.Clear();
                sinceWrite.Restart();
            }

            waiting ??= subscription.WaitAsync(token).AsTask();
            ticking ??= Task.Delay(tick, token);
            if (await Task.WhenAny(waiting, ticking) == waiting)
            {
                var more = await waiting;
                waiting = null;
                if (!more)
                {
                    return; // the feed closed (host stopping)
                }

                continue;
            }

            await ticking;
            ticking = null;
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
                    await body.WriteAsync(writer.Written, token);
                    return;
                }
                catch (Exception) when (!token.IsCancellationRequested)
                {
                    // The store did not answer: not the caller's fault; the next check asks again.
                }
            }

            if (sinceWrite.Elapsed >= settings.StreamHeartbeat)
            {
                writer.Heartbeat();
            }
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
