using ChatPresence.Compression;
using ChatPresence.Contract.Presence;
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
/// body reading, the reply cache, and turning refusals into error bodies. No presence rule lives here.
/// </summary>
public sealed partial class RestCalls(
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

    public async Task<Results<PresenceReply, NotModifiedReply, ErrorResult>> GetPresenceAsync(HttpContext http, string source, string? select)
    {
        var request = http.Request;
        var language = RestHeaders.Language(request);
        var format = MediaTypes.Negotiate(request.Headers.Accept);
        try
        {
            var (caller, reply) = await ResolveReplyingCallerAsync(request, language, format, http.RequestAborted);

            var list = await agent.GetChatPresenceAsync(caller, http.RequestAborted);
            var selection = Selection.Parse(select);
            if (list.Items.Count > options.Value.StreamRepliesAboveRows)
            {
                // Too large to hold: the ETag comes from the list tag alone, so a 304 costs nothing and a 200 is streamed.
                var etag = ReplyCache.ETagFor(list.Tag, reply.MediaType, selection.Key);
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
        }
        catch (Exception e) when (!http.RequestAborted.IsCancellationRequested)
        {
            return Fail(e, language, format, source);
        }
    }

    public async Task<Results<NoContent, ErrorResult>> SaveAsync(HttpContext http, string source, Func<BodyNode, IReadOnlyList<SaveEntry?>> bind)
    {
        var request = http.Request;
        var language = RestHeaders.Language(request);
        var format = MediaTypes.Negotiate(request.Headers.Accept);
        try
        {
            var caller = await callers.ResolveAsync(request, language, http.RequestAborted);
            var body = await BodyReader.ReadAsync(request, bodyLimits, language, http.RequestAborted);
            var presences = SaveEntries.ToUpdates(Bind(bind, body, language), language);
            await agent.SaveChatPresenceAsync(caller, presences, http.RequestAborted);
            return TypedResults.NoContent();
        }
        catch (Exception e) when (!http.RequestAborted.IsCancellationRequested)
        {
            return Fail(e, language, format, source);
        }
    }

    public async Task<Results<BooleanReply, ErrorResult>> IsWithinOpeningHoursAsync(HttpContext http, string source)
    {
        var request = http.Request;
        var language = RestHeaders.Language(request);
        var format = MediaTypes.Negotiate(request.Headers.Accept);
        try
        {
            var (caller, reply) = await ResolveReplyingCallerAsync(request, language, format, http.RequestAborted);

            var body = await BodyReader.ReadAsync(request, bodyLimits, language, http.RequestAborted);
            var topicId = Bind(RequestBinder.BindChatTopicId, body, language);
            return new BooleanReply(await agent.IsWithinOpeningHoursAsync(caller, topicId, http.RequestAborted), reply);
        }
        catch (Exception e) when (!http.RequestAborted.IsCancellationRequested)
        {
            return Fail(e, language, format, source);
        }
    }

    /// <summary>Login: checks the password (throttled, app token in online mode), then sets the session cookies.</summary>
    public async Task<Results<LoginReply, ErrorResult>> LoginAsync(HttpContext http, string source)
    {
        var request = http.Request;
        var language = RestHeaders.Language(request);
        var format = MediaTypes.Negotiate(request.Headers.Accept);
        try
        {
            CrossSiteRequestGuard.Check(request, language); // no login forged by a foreign page's form
            var body = await BodyReader.ReadAsync(request, bodyLimits, language, http.RequestAborted);
            var (userName, password) = Bind(RequestBinder.BindLogin, body, language);
            LoginReply? reply = null;
            var login = await authenticator.LoginAsync(
                userName, password, request.Headers[RestHeaders.SoAppToken].ToString(), http.Connection.RemoteIpAddress?.ToString(), language,
                login =>
                {
                    // Rendered inside the login, so a ticket whose reply fails is revoked (no row left behind).
                    if (login.Succeeded)
                    {
                        reply = new LoginReply(login.User!);
                        var cookies = http.Response.Cookies;
                        cookies.Append(RestCallerResolver.SessionCookie, login.Ticket!, CookieOptions(request, httpOnly: true));
                        cookies.Append(RestCallerResolver.XsrfCookie, TicketAuthority.XsrfTokenFor(login.Ticket!), CookieOptions(request, httpOnly: false));
                    }
                },
                http.RequestAborted);
            return reply ?? throw new ChatPresenceException(FailureReason.NotAuthenticated, TextId.WrongUserNameOrPassword, login.Message!);
        }
        catch (Exception e) when (!http.RequestAborted.IsCancellationRequested)
        {
            return Fail(e, language, format, source);
        }
    }

    /// <summary>Logout: needs a valid session (cookie + X-XSRF-TOKEN); revokes its ticket and clears the cookies.</summary>
    public async Task<Results<NoContent, ErrorResult>> LogoutAsync(HttpContext http, string source)
    {
        var request = http.Request;
        var language = RestHeaders.Language(request);
        var format = MediaTypes.Negotiate(request.Headers.Accept);
        try
        {
            // The same checks as any call (app token, a live ticket), so a stale cookie is a 401, not a silent 204.
            var (_, ticket) = await callers.ResolveSessionAsync(request, language, http.RequestAborted);
            await authenticator.LogoutAsync(ticket, http.RequestAborted);
            http.Response.Cookies.Delete(RestCallerResolver.SessionCookie, CookieOptions(request, httpOnly: true));
            http.Response.Cookies.Delete(RestCallerResolver.XsrfCookie, CookieOptions(request, httpOnly: false));
            return TypedResults.NoContent();
        }
        catch (Exception e) when (!http.RequestAborted.IsCancellationRequested)
        {
            return Fail(e, language, format, source);
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
    private async Task<(Caller Caller, ReplyFormat Reply)> ResolveReplyingCallerAsync(HttpRequest request, string language, ReplyFormat? format, CancellationToken cancellationToken)
    {
        var caller = await callers.ResolveAsync(request, language, cancellationToken);
        return (caller, format ?? throw RestFailure.NotAcceptable(language, request.Headers.Accept));
    }

    /// <summary>No endpoint matched under /api/v1: 405 for a known route with another method, else 404.</summary>
    public ErrorResult Unmatched(HttpContext http, string? path)
    {
        var request = http.Request;
        var language = RestHeaders.Language(request);
        var format = MediaTypes.Negotiate(request.Headers.Accept);
        var route = "/" + (path ?? string.Empty).TrimEnd('/');
        if (RestRoutes.Allowed(route) is { } allowed)
        {
            http.Response.Headers[HeaderNames.Allow] = allowed;
            return Fail(RestFailure.MethodNotAllowed(language, request.Method, request.Path), language, format, route.TrimStart('/'));
        }

        return Fail(RestFailure.RouteNotFound(language, request.Path), language, format, route.TrimStart('/'));
    }

    private static T Bind<T>(Func<BodyNode, T> bind, BodyNode body, string language)
    {
        try
        {
            return bind(body);
        }
        catch (BindingException e)
        {
            throw RestFailure.Malformed(language, e.Message);
        }
    }

    internal ErrorResult Fail(Exception exception, string language, ReplyFormat? format, string source)
    {
        var result = ErrorResult.From(exception, language, source, format?.Format ?? WireFormat.Json, environment.IsDevelopment());
        // An unreachable database (503) is logged once per outage by the store, not once per request.
        if (result.StatusCode >= 500 && exception is not ChatPresenceException { Reason: FailureReason.Unavailable })
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
