using ChatPresence.Domain;
using ChatPresence.Domain.Presence;
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
    ReplyCache replies,
    IOptions<RestOptions> options,
    IHostEnvironment environment,
    ILogger<RestCalls> logger)
{
    public async Task<Results<PresenceReply, NotModifiedReply, ErrorResult>> GetPresenceAsync(HttpContext http, string source, string? select)
    {
        var request = http.Request;
        var language = RestHeaders.Language(request);
        var format = MediaTypes.Negotiate(request.Headers.Accept);
        try
        {
            var (caller, reply) = await ResolveReplyingCallerAsync(request, language, format, http.RequestAborted);

            var list = await agent.GetChatPresenceAsync(caller, http.RequestAborted);
            var cached = replies.Get(list, reply, Selection.Parse(select));
            return NotModifiedReply.Matches(request.Headers.IfNoneMatch, cached.ETag)
                ? new NotModifiedReply(cached.ETag)
                : new PresenceReply(cached);
        }
        catch (Exception e) when (!http.RequestAborted.IsCancellationRequested)
        {
            return Fail(e, language, format, source);
        }
    }

    public async Task<Results<NoContent, ErrorResult>> SaveAsync(HttpContext http, string source, Func<BodyNode, IReadOnlyList<ChatPresenceCarrier>> bind)
    {
        var request = http.Request;
        var language = RestHeaders.Language(request);
        var format = MediaTypes.Negotiate(request.Headers.Accept);
        try
        {
            var caller = await callers.ResolveAsync(request, language, http.RequestAborted);
            var body = await BodyReader.ReadAsync(request, options.Value.MaxBodyBytes, language, http.RequestAborted);
            var presences = Bind(bind, body, language);
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

            var body = await BodyReader.ReadAsync(request, options.Value.MaxBodyBytes, language, http.RequestAborted);
            var topicId = Bind(RequestBinder.BindChatTopicId, body, language);
            return new BooleanReply(await agent.IsWithinOpeningHoursAsync(caller, topicId, http.RequestAborted), reply);
        }
        catch (Exception e) when (!http.RequestAborted.IsCancellationRequested)
        {
            return Fail(e, language, format, source);
        }
    }

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

    private ErrorResult Fail(Exception exception, string language, ReplyFormat? format, string source)
    {
        var result = ErrorResult.From(exception, language, source, format?.Format ?? WireFormat.Json, environment.IsDevelopment());
        if (result.StatusCode >= 500)
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
