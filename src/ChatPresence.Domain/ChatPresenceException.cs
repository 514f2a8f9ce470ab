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
/// A refusal the caller should see: a <see cref="FailureReason"/> and the text (<see cref="TextId"/> and its
/// arguments) that explains it. The text is localized only when read (<see cref="Message"/>, or
/// <see cref="Localize"/> by a facade writing the reply): a refusal nobody reads (a poll's bad ticket ending an event
/// stream, a credential counted and rethrown) formats nothing.
/// </summary>
public sealed class ChatPresenceException : Exception
{
    private readonly string language;
    private readonly object[] args;
    private string? message;

    private ChatPresenceException(FailureReason reason, TextId textId, string language, object[] args)
    {
        Reason = reason;
        TextId = textId;
        this.language = language;
        this.args = args;
    }

    public FailureReason Reason { get; }

    public TextId TextId { get; }

    /// <summary>For <see cref="FailureReason.Throttled"/> and <see cref="FailureReason.Unavailable"/>: how long the caller should wait.</summary>
    public TimeSpan? RetryAfter { get; private init; }

    /// <summary>The text in the language of the call that was refused; safe to send.</summary>
    public override string Message => message ??= Texts.Get(language, TextId, args);

    public static ChatPresenceException Create(FailureReason reason, string language, TextId textId, params object[] args) =>
        new(reason, textId, language, args);

    /// <summary>A refusal the caller may retry after <paramref name="retryAfter"/> (Throttled, Unavailable).</summary>
    public static ChatPresenceException CreateRetryable(FailureReason reason, TimeSpan retryAfter, string language, TextId textId, params object[] args) =>
        new(reason, textId, language, args) { RetryAfter = retryAfter };

    /// <summary>The text in <paramref name="replyLanguage"/> (the language the reply is written in).</summary>
    public string Localize(string replyLanguage) =>
        replyLanguage == language ? Message : Texts.Get(replyLanguage, TextId, args);
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
        ChatPresenceException.CreateRetryable(FailureReason.Unavailable, RetryAfter, language, TextId.StoreUnavailable, (int)RetryAfter.TotalSeconds);
}
