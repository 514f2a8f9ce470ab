using System.Collections;
using System.Runtime.CompilerServices;
using ChatPresence.Domain.Directory;
using ChatPresence.Domain.Rights;
using ChatPresence.Domain.Text;

namespace ChatPresence.Domain.Presence;

/// <summary>
/// What a SaveChatPresence decides to write: one <see cref="PresenceUpdate"/> per user, in user id order. The one home
/// of the save rules: the last entry for a user wins (<see cref="Create"/>), and <see cref="Decide"/> refuses a save
/// naming a user who is not a chat user or one the saver may not save. Stores persist it as it is and check only
/// integrity (a user gone since, refused as a whole).
/// </summary>
[CollectionBuilder(typeof(PresenceSave), nameof(Create))]
public sealed class PresenceSave : IReadOnlyList<PresenceUpdate>
{
    private readonly PresenceUpdate[] updates;

    private PresenceSave(PresenceUpdate[] updates) => this.updates = updates;

    public static PresenceSave Empty { get; } = new([]);

    public int Count => updates.Length;

    public PresenceUpdate this[int index] => updates[index];

    /// <summary>Entries in the order sent; the last one for a user wins.</summary>
    public static PresenceSave Create(ReadOnlySpan<PresenceUpdate> entries)
    {
        if (entries.IsEmpty)
        {
            return Empty;
        }

        var latest = new Dictionary<int, bool>(entries.Length);
        foreach (var entry in entries)
        {
            latest[entry.UserId] = entry.Present;
        }

        var updates = new PresenceUpdate[latest.Count];
        var i = 0;
        foreach (var (userId, present) in latest)
        {
            updates[i++] = new PresenceUpdate(userId, present);
        }

        // User id order: stores lock rows in it, so two saves on the same users cannot deadlock.
        Array.Sort(updates, static (a, b) => a.UserId.CompareTo(b.UserId));
        return new PresenceSave(updates);
    }

    /// <summary>
    /// The save <paramref name="saver"/> asked for with <paramref name="entries"/>, or a refusal in the saver's
    /// language: every user named must be a chat user, and only administrators and chat managers save others.
    /// </summary>
    public static PresenceSave Decide(DirectoryView view, ChatUser saver, IReadOnlyList<PresenceUpdate> entries, string language)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var save = entries is PresenceUpdate[] array ? Create(array) : Create(entries.ToArray());
        foreach (var update in save.updates)
        {
            if (!view.IsChatUser(update.UserId))
            {
                throw UnknownUser(language, update.UserId);
            }
        }

        var anyone = view.CanSaveAnyone(saver);
        if (save.updates.Any(u => !SaveRights.MaySave(saver.Id, anyone, u.UserId)))
        {
            throw ChatPresenceException.Create(FailureReason.Forbidden, language, TextId.SaveOthersForbidden);
        }

        return save;
    }

    /// <summary>A user named in a save is not (or no longer) a chat user: the whole save is refused.</summary>
    public static ChatPresenceException UnknownUser(string language, int userId) =>
        ChatPresenceException.Create(FailureReason.UnknownUser, language, TextId.UnknownChatUser, userId);

    public IEnumerator<PresenceUpdate> GetEnumerator() => ((IEnumerable<PresenceUpdate>)updates).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => updates.GetEnumerator();
}
