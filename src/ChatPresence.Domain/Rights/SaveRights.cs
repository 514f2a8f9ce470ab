using ChatPresence.Domain.Directory;

namespace ChatPresence.Domain.Rights;

/// <summary>
/// Who may save whose presence (README, "Security", Rights): a user may save their own presence; a chat manager
/// (role Manager, or manager on any topic) or an administrator may save anyone's. Only <c>Present</c> is ever
/// saved. The one place that decides a row's <see cref="Presence.PresenceRow.Writable"/> and a save's right.
/// </summary>
public static class SaveRights
{
    public static bool CanSaveAnyone(ChatUser caller, bool managesAnyTopic) =>
        caller.Role is ChatRole.Administrator or ChatRole.Manager || managesAnyTopic;

    /// <summary>Whether a caller (who may or may not save anyone) may save <paramref name="userId"/>'s presence.</summary>
    public static bool MaySave(int callerId, bool canSaveAnyone, int userId) => canSaveAnyone || userId == callerId;
}
