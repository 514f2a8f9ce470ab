using ChatPresence.Contract.Refusals;
using Microsoft.AspNetCore.Http;

namespace ChatPresence.Rest.Errors;

/// <summary>
/// The one table from refusals to what REST says: an HTTP status and the SuperOffice ErrorType (the reason's name,
/// except where the name on the wire predates the reason).
/// </summary>
/// <remarks>
/// UnknownUser (a SaveChatPresence/SaveAll naming a user that is not a chat user) is 400, not 404: the route and
/// the call exist, the body is what is wrong, and the whole batch is refused; 404 stays "the thing addressed does
/// not exist" (a route, or the topic IsWithinOpeningHours asks about).
/// </remarks>
internal static class ErrorMap
{
    public static (int Status, string ErrorType) Of(RefusalReason reason) => reason switch
    {
        RefusalReason.InvalidRequest => (StatusCodes.Status400BadRequest, nameof(RefusalReason.InvalidRequest)),
        RefusalReason.NotAuthenticated => (StatusCodes.Status401Unauthorized, nameof(RefusalReason.NotAuthenticated)),
        RefusalReason.ApplicationTokenRequired => (StatusCodes.Status401Unauthorized, nameof(RefusalReason.ApplicationTokenRequired)),
        RefusalReason.Forbidden => (StatusCodes.Status403Forbidden, nameof(RefusalReason.Forbidden)),
        RefusalReason.UnknownUser => (StatusCodes.Status400BadRequest, nameof(RefusalReason.UnknownUser)),
        RefusalReason.UnknownTopic => (StatusCodes.Status404NotFound, nameof(RefusalReason.UnknownTopic)),
        RefusalReason.Throttled => (StatusCodes.Status429TooManyRequests, nameof(RefusalReason.Throttled)),
        RefusalReason.Unavailable => (StatusCodes.Status503ServiceUnavailable, nameof(RefusalReason.Unavailable)),
        RefusalReason.UnsupportedMediaType => (StatusCodes.Status415UnsupportedMediaType, nameof(RefusalReason.UnsupportedMediaType)),
        RefusalReason.NotAcceptable => (StatusCodes.Status406NotAcceptable, nameof(RefusalReason.NotAcceptable)),
        RefusalReason.PayloadTooLarge => (StatusCodes.Status413PayloadTooLarge, nameof(RefusalReason.PayloadTooLarge)),
        RefusalReason.RequestTimeout => (StatusCodes.Status408RequestTimeout, nameof(RefusalReason.RequestTimeout)),
        RefusalReason.RouteNotFound => (StatusCodes.Status404NotFound, "NotFound"),
        RefusalReason.MethodNotAllowed => (StatusCodes.Status405MethodNotAllowed, nameof(RefusalReason.MethodNotAllowed)),

        // A cross-site form is a forbidden request like any other to the caller.
        RefusalReason.CrossSiteRequestRefused => (StatusCodes.Status403Forbidden, nameof(RefusalReason.Forbidden)),
        _ => (StatusCodes.Status500InternalServerError, "UnexpectedError"),
    };
}
