using ChatPresence.Rest.Binding;
using ChatPresence.Rest.Errors;
using ChatPresence.Rest.Live;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace ChatPresence.Rest.Endpoints;

/// <summary>The controller routes: <c>GET Presence/GetAll</c>, <c>POST Presence/SaveAll</c>.</summary>
internal static class PresenceApi
{
    public static RouteGroupBuilder MapPresenceApi(this IEndpointRouteBuilder routes, RestServices services, string namePrefix = "")
    {
        var group = routes.MapGroup("/Presence").WithTags("Presence");

        // Every route takes its (singleton) RestCalls from services: one provider's, or the request's tenant's; no request service scope per call.
        // (Delegate, not RequestDelegate: the result must be executed, and its type documents the route.)
        group.MapGet("/GetAll", (Delegate)((HttpContext http) => GetAll(http, services.Calls(http))))
            .WithName(namePrefix + "GetAll")
            .WithSummary("Get the chat presence status for all chat users")
            .WithDescription("Strong ETag; If-None-Match gives 304.");
        group.MapPost("/SaveAll", (Delegate)((HttpContext http) => SaveAll(http, services.Calls(http))))
            .WithName(namePrefix + "SaveAll")
            .WithSummary("Save the chat presence for the listed users")
            .WithDescription("A bare array; only UserId and Present are used; atomic. An unknown UserId refuses the whole call with 400 (ErrorType UnknownUser).")
            .WithMetadata(new RestBodyMetadata(typeof(ChatPresenceDocument[]), "[…]; form: [0][UserId]=7 or [0].UserId=7"));
        group.MapGet("/Stream", (Delegate)((HttpContext http) => services.Live(http).StreamAsync(http)))
            .WithName(namePrefix + "Stream")
            .WithSummary("Live presence: server-sent events")
            .WithDescription("text/event-stream. First a `snapshot` event (data: the Presence/GetAll array, same rows, rights and language), then `presence` events (data: one row as in GetAll, or {\"UserId\":…,\"Removed\":true}) and `topic` events (data: a topic as in Presence/Board) as they happen, a comment heartbeat every 15 s. Every event has an id; reconnecting with Last-Event-ID gives the missed events, or a fresh snapshot when they are no longer held. A session cookie is enough here (no X-XSRF-TOKEN: EventSource cannot send headers). A revoked or expired credential ends the stream with an `end` event.")
            .Produces(StatusCodes.Status200OK, contentType: PresenceStreamCalls.EventStreamType);
        group.MapGet("/Board", (Delegate)((HttpContext http) => services.Live(http).BoardAsync(http)))
            .WithName(namePrefix + "Board")
            .WithSummary("The caller and the topics with today's opening hours (for a presence board)")
            .WithDescription("{\"UserId\":…,\"LoginName\":…,\"DisplayName\":…,\"Topics\":[{\"TopicId\":…,\"Name\":…,\"Open\":…,\"AlwaysOpen\":…,\"TimeZone\":…,\"Today\":[{\"From\":\"08:00\",\"To\":\"11:30\"}]}]}; Today in the topic's time zone.");
        return group;
    }

    internal static Task<Results<PresenceReply, NotModifiedReply, ErrorResult>> GetAll(HttpContext http, RestCalls calls) =>
        calls.GetPresenceAsync(http, "Presence/GetAll", select: null);

    internal static Task<Results<NoContent, ErrorResult>> SaveAll(HttpContext http, RestCalls calls) =>
        calls.SaveAsync(http, "Presence/SaveAll", RequestBinder.BindList);
}
