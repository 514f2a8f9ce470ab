using ChatPresence.Domain;

namespace ChatPresence.Contract.Refusals;

/// <summary>
/// Every reason a call through the published contract is refused, whichever facade it came through. The first
/// eight are the domain's decisions (<see cref="FailureReason"/>, same names and order); the rest are decided on the
/// wire before the domain is asked, so Domain never sees them. Each facade maps this enum once: REST to a status and
/// ErrorType (<c>ErrorMap</c>), SOAP to the ExceptionInfo type (<c>SoapRefusals</c>). Refusals of the SOAP envelope
/// itself (WS-Addressing, mustUnderstand, quotas) are SOAP's own and stay in <c>SoapFaultReason</c>.
/// </summary>
internal enum RefusalReason
{
    InvalidRequest = FailureReason.InvalidRequest,
    NotAuthenticated = FailureReason.NotAuthenticated,
    ApplicationTokenRequired = FailureReason.ApplicationTokenRequired,
    Forbidden = FailureReason.Forbidden,
    UnknownUser = FailureReason.UnknownUser,
    UnknownTopic = FailureReason.UnknownTopic,

    /// <summary>The login throttle (per login and per address): retry after the refusal's RetryAfter.</summary>
    Throttled = FailureReason.Throttled,

    /// <summary>The database cannot be reached: REST 503 + Retry-After, SOAP Succeeded=false.</summary>
    Unavailable = FailureReason.Unavailable,

    /// <summary>The request body's media type is not one the call reads.</summary>
    UnsupportedMediaType = 100,

    /// <summary>No reply type the call writes is acceptable (Accept).</summary>
    NotAcceptable,

    /// <summary>The body is larger than the limit.</summary>
    PayloadTooLarge,

    /// <summary>The body arrived too slowly (Kestrel's minimum data rate).</summary>
    RequestTimeout,

    /// <summary>No route at this path.</summary>
    RouteNotFound,

    /// <summary>The route exists, not with this method.</summary>
    MethodNotAllowed,

    /// <summary>A form or text body a foreign page could have sent with the user's cookies or cached Basic credentials.</summary>
    CrossSiteRequestRefused,

    /// <summary>Anything not foreseen: logged, answered without internals.</summary>
    Unexpected,
}

internal static class Refusal
{
    /// <summary>The domain's reason in the facades' vocabulary (same name).</summary>
    public static RefusalReason Of(FailureReason reason) => (RefusalReason)reason;

    /// <summary>The reason a thrown exception stands for.</summary>
    public static RefusalReason Of(Exception exception) => exception switch
    {
        ChatPresenceException refusal => Of(refusal.Reason),
        RefusalException refusal => refusal.Reason,
        _ => RefusalReason.Unexpected,
    };
}

/// <summary>
/// A refusal a facade decides on the wire (body type, size, syntax, Accept, route, cross-site form); the message is
/// already in the caller's language. Thrown from deep in body reading and caught once per facade.
/// </summary>
internal sealed class RefusalException(RefusalReason reason, string message) : Exception(message)
{
    public RefusalReason Reason { get; } = reason;
}
