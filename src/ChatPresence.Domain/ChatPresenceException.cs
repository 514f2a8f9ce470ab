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
}

/// <summary>
/// A refusal the caller should see: <see cref="Exception.Message"/> is already in the caller's language and safe to
/// send; <see cref="TextId"/> names the resource it came from.
/// </summary>
public sealed class ChatPresenceException(FailureReason reason, TextId textId, string message) : Exception(message)
{
    public FailureReason Reason { get; } = reason;

    public TextId TextId { get; } = textId;

    /// <summary>For <see cref="FailureReason.Throttled"/>: how long the caller must wait.</summary>
    public TimeSpan? RetryAfter { get; init; }

    public static ChatPresenceException Create(FailureReason reason, string language, TextId textId, params object[] args) =>
        new(reason, textId, Texts.Get(language, textId, args));
}
