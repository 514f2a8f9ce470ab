using ChatPresence.Domain;
using Microsoft.AspNetCore.Http;

namespace ChatPresence.Rest.Errors;

/// <summary>
/// The one table from domain refusals to HTTP statuses. ErrorType is the reason's name.
/// </summary>
/// <remarks>
/// UnknownUser (a SaveChatPresence/SaveAll naming a user that is not a chat user) is 400, not 404: the route and
/// the call exist, the body is what is wrong, and the whole batch is refused; 404 stays "the thing addressed does
/// not exist" (a route, or the topic IsWithinOpeningHours asks about).
/// </remarks>
public static class ErrorMap
{
    public static int StatusOf(FailureReason reason) => reason switch
    {
        FailureReason.InvalidRequest => StatusCodes.Status400BadRequest,
        FailureReason.NotAuthenticated => StatusCodes.Status401Unauthorized,
        FailureReason.ApplicationTokenRequired => StatusCodes.Status401Unauthorized,
        FailureReason.Forbidden => StatusCodes.Status403Forbidden,
        FailureReason.UnknownUser => StatusCodes.Status400BadRequest,
        FailureReason.UnknownTopic => StatusCodes.Status404NotFound,
        FailureReason.Throttled => StatusCodes.Status429TooManyRequests,
        FailureReason.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };
}
