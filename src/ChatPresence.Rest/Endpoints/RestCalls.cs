using ChatPresence.Compression;
using ChatPresence.Contract.Presence;
using ChatPresence.Contract.Security;
using ChatPresence.Contract.Refusals;
using ChatPresence.Domain;
using ChatPresence.Domain.Identity;
using ChatPresence.Domain.Presence;
using ChatPresence.Domain.Security;
using ChatPresence.Domain.Text;
using ChatPresence.Rest.Binding;
using ChatPresence.Rest.Errors;
using ChatPresence.Rest.Formatting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace ChatPresence.Rest.Endpoints;

/// <summary>
/// The HTTP ↔ <see cref="IChatAgent"/> translation shared by every route: credentials, language, negotiation,
/// body reading, the reply cache, and turning refusals into error bodies (in <see cref="ServeAsync"/>, once). No
/// presence rule lives here.
/// </summary>
internal sealed partial class RestCalls(
    IChatAgent agent,
    RestCallerResolver callers,
    CallerAuthenticator authenticator,
    ReplyCache replies,
    IOptions<RestOptions> options,
    IHostEnvironment environment,
    ILogger<RestCalls> logger)
{
    private readonly BodyLimits bodyLimits = options.Value.BodyLimits;

    // Presence lists only; Login replies (which set the ticket cookie) and error bodies are never compressed.
    private readonly ReplyCompression compression = new(options.Value.CompressReplies, options.Value.CompressionMinimumBytes);

    public Task<Results<PresenceReply, NotModifiedReply, ErrorResult>> GetPresenceAsync(HttpContext http, string source, string? select) =>
        ServeAsync<Results<PresenceReply, NotModifiedReply, ErrorResult>>(http, source, async call =>
        {
            var request = call.Request;
            var (caller, reply) = await ResolveReplyingCallerAsync(call);
            var list = await agent.GetChatPresenceAsync(caller, call.Aborted);
            var selection = Selection.Parse(select);
            if (list.Items.Count > options.Value.StreamRepliesAboveRows)
            {
                // Too large to hold: the ETag comes from the list tag alone, so a 304 costs nothing and a 200 is streamed.
                var etag = replies.ETagFor(list.Tag, reply.MediaType, selection.Key);
                var streamedCoding = compression.Choose(request, length: null);
                var streamedETag = ReplyCompression.ETagFor(etag, streamedCoding);
                return NotModifiedReply.Matches(request.Headers.IfNoneMatch, streamedETag)
                    ? new NotModifiedReply(streamedETag)
                    : PresenceReply.Streamed(list, reply, selection, etag, streamedCoding);
            }

            var cached = replies.Get(list, reply, selection);
            var coding = compression.Choose(request, cached.Body.Length);
            var cachedETag = ReplyCompression.ETagFor(cached.ETag, coding);
            return NotModifiedReply.Matches(request.Headers.IfNoneMatch, cachedETag)
                ? new NotModifiedReply(cachedETag)
                : new PresenceReply(cached, coding);
        }, static refused => refused);

    public Task<Results<NoContent, ErrorResult>> SaveAsync(HttpContext http, string source, Func<BodyNode, IReadOnlyList<SaveEntry?>> bind) =>
        ServeAsync<Results<NoContent, ErrorResult>>(http, source, async call =>
        {
            var caller = await callers.ResolveAsync(call.Request, call.Language, call.Aborted);
            var body = await BodyReader.ReadAsync(call.Request, bodyLimits, call.Language, call.Aborted);
            await agent.SaveChatPresenceAsync(caller, SaveEntries.ToUpdates(bind(body), call.Language), call.Aborted);
            return TypedResults.NoContent();
        }, static refused => refused);

    public Task<Results<BooleanReply, ErrorResult>> IsWithinOpeningHoursAsync(HttpContext http, string source) =>
        ServeAsync<Results<BooleanReply, ErrorResult>>(http, source, async call =>
        {
            var (caller, reply) = await ResolveReplyingCallerAsync(call);
            var body = await BodyReader.ReadAsync(call.Request, bodyLimits, call.Language, call.Aborted);
            var topicId = RequestBinder.BindChatTopicId(body);
            return new BooleanReply(await agent.IsWithinOpeningHoursAsync(caller, topicId, call.Aborted), reply);
        }, static refused => refused);

    /// <summary>Login: checks the password (throttled, app token in online mode), then sets the session cookies.</summary>
    public Task<Results<LoginReply, ErrorResult>> LoginAsync(HttpContext http, string source) =>
        ServeAsync<Results<LoginReply, ErrorResult>>(http, source, async call =>
        {
            var request = call.Request;
            CrossSiteRequestGuard.Check(request, call.Language); // no login forged by a foreign page's form
            var body = await BodyReader.ReadAsync(request, bodyLimits, call.Language, call.Aborted);
            var (userName, password) = RequestBinder.BindLogin(body);
            LoginReply? reply = null;
            await authenticator.LoginAsync(
                userName, password, request.Headers[RestHeaders.SoAppToken].ToString(), http.Connection.RemoteIpAddress?.ToString(), call.Language,
                login =>
                {
                    // Rendered inside the login, so a ticket whose reply fails is revoked (no row left behind).
                    if (login.Succeeded)
                    {
                        reply = new LoginReply(login.User!);
                        var cookies = http.Response.Cookies;
                        cookies.Append(RestCallerResolver.SessionCookie, login.Ticket!, CookieOptions(request, httpOnly: true));
                        cookies.Append(RestCallerResolver.XsrfCookie, XsrfToken.For(login.Ticket!), CookieOptions(request, httpOnly: false));
                    }
                },
                call.Aborted);
            return reply is null
                ? Fail(ChatPresenceException.Create(FailureReason.NotAuthenticated, call.Language, TextId.WrongUserNameOrPassword), call, source)
                : reply;
        }, static refused => refused);

    /// <summary>Logout: needs a valid session (cookie + X-XSRF-TOKEN); revokes its ticket and clears the cookies.</summary>
    public Task<Results<NoContent, ErrorResult>> LogoutAsync(HttpContext http, string source) =>
        ServeAsync<Results<NoContent, ErrorResult>>(http, source, async call =>
        {
            // The same checks as any call (app token, a live ticket), so a stale cookie is a 401, not a silent 204.
            var (_, ticket) = await callers.ResolveSessionAsync(call.Request, call.Language, call.Aborted);
            await authenticator.LogoutAsync(ticket, call.Aborted);
            http.Response.Cookies.Delete(RestCallerResolver.SessionCookie, CookieOptions(call.Request, httpOnly: true));
            http.Response.Cookies.Delete(RestCallerResolver.XsrfCookie, CookieOptions(call.Request, httpOnly: false));
            return TypedResults.NoContent();
        }, static refused => refused);

    /// <summary>
    /// The one prologue of every call: language and reply format from the headers, then the handler, whose refusals
    /// (thrown from deep in reading, binding or the domain) become the call's error reply here, and only here.
    /// <paramref name="refused"/> only lifts an <see cref="ErrorResult"/> into the handler's typed result union.
    /// </summary>
    internal async Task<TResult> ServeAsync<TResult>(HttpContext http, string source, Func<RestCall, Task<TResult>> handle, Func<ErrorResult, TResult> refused)
    {
        var call = RestCall.Of(http);
        try
        {
            return await handle(call);
        }
        catch (Exception e) when (!http.RequestAborted.IsCancellationRequested)
        {
            return refused(Fail(e, call, source));
        }
    }

    private static CookieOptions CookieOptions(HttpRequest request, bool httpOnly) => new()
    {
        HttpOnly = httpOnly,
        SameSite = Microsoft.AspNetCore.Http.SameSiteMode.Strict,
        Secure = request.IsHttps,
        Path = "/",
        IsEssential = true,
    };

    /// <summary>
    /// The caller, and the format a reply can be written in. Credentials are checked first, so an unauthenticated
    /// caller gets 401 whatever it accepts.
    /// </summary>
    private async Task<(Caller Caller, ReplyFormat Reply)> ResolveReplyingCallerAsync(RestCall call)
    {
        var caller = await callers.ResolveAsync(call.Request, call.Language, call.Aborted);
        return (caller, call.Format ?? throw RestRefusals.NotAcceptable(call.Language, call.Request.Headers.Accept));
    }

    /// <summary>No endpoint matched under /api/v1: 405 for a known route with another method, else 404.</summary>
    /// <param name="routesHere">False below a prefix that serves no routes at all (an unknown tenant): always 404.</param>
    public ErrorResult Unmatched(HttpContext http, string? path, bool routesHere = true)
    {
        var call = RestCall.Of(http);
        var route = "/" + (path ?? string.Empty).TrimEnd('/');
        if (routesHere && RestRoutes.Allowed(route) is { } allowed)
        {
            http.Response.Headers[HeaderNames.Allow] = allowed;
            return Fail(RestRefusals.MethodNotAllowed(call.Language, call.Request.Method, call.Request.Path), call, route.TrimStart('/'));
        }

        return Fail(RestRefusals.RouteNotFound(call.Language, call.Request.Path), call, route.TrimStart('/'));
    }

    internal ErrorResult Fail(Exception exception, RestCall call, string source)
    {
        var result = ErrorResult.From(exception, call.Language, source, call.Format?.Format ?? WireFormat.Json, environment.IsDevelopment());
        // An unreachable database (503) is logged once per outage by the store, not once per request.
        if (result.Reason == RefusalReason.Unexpected)
        {
            LogUnexpected(exception, source);
        }
        else
        {
            LogRefused(source, result.StatusCode, result.Body.ErrorType);
        }

        return result;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "REST call {Source} failed unexpectedly")]
    private partial void LogUnexpected(Exception exception, string source);

    [LoggerMessage(Level = LogLevel.Debug, Message = "REST call {Source} refused with {Status} {ErrorType}")]
    private partial void LogRefused(string source, int status, string errorType);
}

/// <summary>What every call's prologue takes from the request before the handler runs.</summary>
internal readonly record struct RestCall(HttpContext Http, string Language, ReplyFormat? Format)
{
    public HttpRequest Request => Http.Request;

    public CancellationToken Aborted => Http.RequestAborted;

    public static RestCall Of(HttpContext http) =>
        new(http, RestHeaders.Language(http.Request), MediaTypes.Negotiate(http.Request.Headers.Accept));
}
