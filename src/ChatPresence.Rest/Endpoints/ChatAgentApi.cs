using ChatPresence.Rest.Binding;
using ChatPresence.Rest.Errors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace ChatPresence.Rest.Endpoints;

/// <summary>The agent (HTTP RPC) routes: <c>Agents/Chat/…</c>, always POST; a GET describes the call.</summary>
internal static class ChatAgentApi
{
    public static RouteGroupBuilder MapChatAgentApi(this IEndpointRouteBuilder routes, RestServices services, string namePrefix = "")
    {
        var group = routes.MapGroup("/Agents/Chat").WithTags("Agents/Chat");

        // Every route takes its (singleton) RestCalls from services: one provider's, or the request's tenant's; no request service scope per call.
        group.MapPost("/GetChatPresence", (HttpContext http, [FromQuery(Name = "$select")] string? select) => GetChatPresence(http, services.Calls(http), select))
            .WithName(namePrefix + "GetChatPresence")
            .WithSummary("Get the chat presence status for all chat users")
            .WithDescription("Every chat user with presence, topics, ongoing chats and the caller's rights on the row. $select nulls unselected members (case-insensitive, a/b for nested members). Strong ETag; If-None-Match gives 304.");
        group.MapPost("/SaveChatPresence", (Delegate)((HttpContext http) => SaveChatPresence(http, services.Calls(http))))
            .WithName(namePrefix + "SaveChatPresence")
            .WithSummary("Save the chat presence for specified users")
            .WithDescription("Only UserId and Present are used; the last entry for a user wins; the batch is applied atomically. An unknown UserId refuses the whole call with 400 (ErrorType UnknownUser).")
            .WithMetadata(new RestBodyMetadata(typeof(SaveChatPresenceRequest), "{\"ChatPresence\":[…]}; form: ChatPresence[0][UserId]=7 or ChatPresence[0].UserId=7"));
        group.MapPost("/IsWithinOpeningHours", (Delegate)((HttpContext http) => IsWithinOpeningHours(http, services.Calls(http))))
            .WithName(namePrefix + "IsWithinOpeningHours")
            .WithSummary("Is the chat topic within its opening hours now?")
            .WithDescription("A bare true/false. An unknown topic is 404.")
            .WithMetadata(new RestBodyMetadata(typeof(IsWithinOpeningHoursRequest), "{\"ChatTopicId\":n}; form: ChatTopicId=n"));

        foreach (var (route, summary, request, response) in Descriptions)
        {
            group.MapGet(route, () => new CallDescription("POST", "/api/v1/Agents/Chat" + route, summary, request, response))
                .WithName(namePrefix + "Describe" + route.TrimStart('/'))
                .WithSummary("Describes " + route.TrimStart('/') + " (use POST to call it)");
        }

        return group;
    }

    private static readonly (string Route, string Summary, string Request, string Response)[] Descriptions =
    [
        ("/GetChatPresence", "Get the chat presence status for all chat users.", "No body. Optional query $select=UserId,Present,TableRight/Mask.", "200: array of ChatPresence (JSON, or XML for Accept application/xml or text/xml); 304 for a matching If-None-Match."),
        ("/SaveChatPresence", "Save the chat presence for specified users.", "{\"ChatPresence\":[{\"UserId\":7,\"Present\":true}]} as JSON, XML or form (ChatPresence[0][UserId]=7).", "204, empty body."),
        ("/IsWithinOpeningHours", "Whether a chat topic is within its opening hours now.", "{\"ChatTopicId\":1} as JSON, XML or form (ChatTopicId=1).", "200: true or false."),
    ];

    internal static Task<Results<PresenceReply, NotModifiedReply, ErrorResult>> GetChatPresence(HttpContext http, RestCalls calls, string? select) =>
        calls.GetPresenceAsync(http, "Agents/Chat/GetChatPresence", select);

    internal static Task<Results<NoContent, ErrorResult>> SaveChatPresence(HttpContext http, RestCalls calls) =>
        calls.SaveAsync(http, "Agents/Chat/SaveChatPresence", RequestBinder.BindSaveChatPresence);

    internal static Task<Results<BooleanReply, ErrorResult>> IsWithinOpeningHours(HttpContext http, RestCalls calls) =>
        calls.IsWithinOpeningHoursAsync(http, "Agents/Chat/IsWithinOpeningHours");
}
