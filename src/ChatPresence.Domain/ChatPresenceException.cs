using ChatPresence.Domain.Text;

namespace ChatPresence.Domain;

/// <summary>Why a call was refused. Facades map each reason to their own wire form (HTTP status, SOAP header).</summary>
public enum FailureReason
{
    InvalidRequest,
    NotAuthenticated,
    ApplicationTokenRequired,
    Forbidden,
    UnknownUser,
    UnknownTopic,
    Throttled,

    /// <summary>The database cannot be reached: try again after <see cref="ChatPresenceException.RetryAfter"/>.</summary>
    Unavailable,
}

/// <summary>
/// A refusal the caller should see: <see cref="Exception.Message"/> is already in the caller's language and safe to
/// send; <see cref="TextId"/> names the resource it came from.
/// </summary>
public sealed class ChatPresenceException(FailureReason reason, TextId textId, string message) : Exception(message)
{
    public FailureReason Reason { get; } = reason;

    public TextId TextId { get; } = textId;

    /// <summary>For <see cref="FailureReason.Throttled"/> and <see cref="FailureReason.Unavailable"/>: how long the caller should wait.</summary>
    public TimeSpan? RetryAfter { get; init; }

    public static ChatPresenceException Create(FailureReason reason, string language, TextId textId, params object[] args) =>
        new(reason, textId, Texts.Get(language, textId, args));
}

/// <summary>
/// Thrown by a store when the database cannot be reached (down, restarting, out of connections, a lock or statement
/// timeout). Nothing of the failed call was written, or it was and will be seen; either way the caller may retry.
/// </summary>
public sealed class StoreUnavailableException(string message, Exception? innerException) : Exception(message, innerException)
{
    /// <summary>What a caller is told to wait before retrying.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>The refusal a caller sees: REST 503 with Retry-After, SOAP Succeeded=false with ExceptionType Unavailable.</summary>
    public ChatPresenceException ToRefusal(string language) =>
        new(FailureReason.Unavailable, TextId.StoreUnavailable, Texts.Get(language, TextId.StoreUnavailable, (int)RetryAfter.TotalSeconds))
        {
            RetryAfter = RetryAfter,
        };
}
