using ChatPresence.Domain;
using ChatPresence.Domain.Presence;
using ChatPresence.Domain.Text;

namespace ChatPresence.Contract.Presence;

/// <summary>
/// One ChatPresence entry of a SaveChatPresence call as it arrived on either facade: a member is null when it was
/// missing or nil. Only UserId and Present are read; the carrier's other members (TableRight, FieldProperties,
/// DisplayName, OngoingChats, ChatTopics) are ignored on save, whatever they hold, so a client may send rows back
/// as it read them.
/// </summary>
public readonly record struct SaveEntry(int? UserId, bool? Present);

/// <summary>
/// The one translation of a save's entries into domain updates, used by SOAP and REST alike so they cannot decide
/// differently: a nil entry, or one without UserId or Present, refuses the whole call (InvalidRequest) — nothing is
/// written, and never a silent <c>false</c> for a missing Present. What the updates then mean (last entry wins,
/// unknown users, who may save whom) is Domain's <see cref="PresenceSave"/>.
/// </summary>
public static class SaveEntries
{
    public static IReadOnlyList<PresenceUpdate> ToUpdates(IReadOnlyList<SaveEntry?> entries, string language)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var updates = new PresenceUpdate[entries.Count];
        for (var i = 0; i < updates.Length; i++)
        {
            updates[i] = entries[i] switch
            {
                null => throw Invalid(language, $"ChatPresence[{i}] is empty"),
                { UserId: null } => throw Invalid(language, $"ChatPresence[{i}].UserId is required"),
                { Present: null } => throw Invalid(language, $"ChatPresence[{i}].Present is required"),
                { UserId: { } userId, Present: { } present } => new PresenceUpdate(userId, present),
            };
        }

        return updates;
    }

    private static ChatPresenceException Invalid(string language, string detail) =>
        ChatPresenceException.Create(FailureReason.InvalidRequest, language, TextId.InvalidRequest, detail);
}
