using ChatPresence.Domain.Presence;

namespace ChatPresence.Domain;

/// <summary>
/// The chat agent service of the published contract (Services86 IChatAgent). Both facades (SOAP and REST) call
/// this and nothing else for chat presence: every rule lives behind it. Failures are
/// <see cref="ChatPresenceException"/>s.
/// </summary>
public interface IChatAgent
{
    /// <summary>Every chat user with presence, topics, ongoing chats and the caller's rights on the row.</summary>
    ValueTask<PresenceList> GetChatPresenceAsync(Caller caller, CancellationToken cancellationToken);

    /// <summary>
    /// Saves <c>Present</c> for each listed user, atomically and durably, as <see cref="PresenceSave"/> decides: the
    /// last entry for a user wins; unknown users or a missing right fail the whole call and change nothing. The
    /// facades translate what arrived on the wire into these updates (ChatPresence.Contract).
    /// </summary>
    Task SaveChatPresenceAsync(Caller caller, IReadOnlyList<PresenceUpdate> presences, CancellationToken cancellationToken);

    /// <summary>Whether the topic is open now (always, when its opening hours are off).</summary>
    Task<bool> IsWithinOpeningHoursAsync(Caller caller, int chatTopicId, CancellationToken cancellationToken);
}
