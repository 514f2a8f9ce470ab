using ChatPresence.Domain.Directory;
using ChatPresence.Domain.Presence;

namespace ChatPresence.Domain;

/// <summary>Everything GetChatPresence needs, read in one consistent view, and the change stamp it was read at.</summary>
public sealed record DirectorySnapshot(long ChangeStamp, ChatDirectory Directory, IReadOnlyDictionary<int, bool> Presence)
{
    /// <summary>With a store that keeps a change log: where reading the changes after this snapshot starts.</summary>
    public string? ChangeCursor { get; init; }
}

/// <summary>
/// What was committed after a change-log cursor, merged: presence (the later write per user wins), whether the
/// directory itself changed (an import: reload instead), and revoked tickets.
/// </summary>
/// <param name="Cursor">Where the next read starts.</param>
/// <param name="ChangeStamp">The highest change-log position of a directory or presence change read (0 when none).</param>
/// <param name="RevokedTickets">SHA-256 hashes of single tickets revoked (logouts).</param>
/// <param name="RevokedUsers">Users all of whose tickets were revoked.</param>
public sealed record ChangeLogPage(
    string Cursor,
    long ChangeStamp,
    bool DirectoryChanged,
    IReadOnlyDictionary<int, bool> Presence,
    IReadOnlyList<byte[]> RevokedTickets,
    IReadOnlyList<int> RevokedUsers);

/// <summary>
/// A store with a durable change log that every host can follow (PostgreSQL): hosts apply what others committed as
/// deltas, and learn of it through <see cref="WaitForChangesAsync"/> instead of asking on every read.
/// </summary>
public interface IDirectoryChangeLog
{
    /// <summary>Everything committed that the snapshot at <paramref name="cursor"/> did not see, exactly once.</summary>
    Task<ChangeLogPage> ReadChangesAsync(string cursor, CancellationToken cancellationToken);

    /// <summary>
    /// Completes when something may have been committed since the last call (any host's notification, or a
    /// reconnect after which notifications may have been missed), or after <paramref name="timeout"/>.
    /// </summary>
    Task WaitForChangesAsync(TimeSpan timeout, CancellationToken cancellationToken);
}

/// <summary>
/// Where the directory and presence live. Implemented by the embedded SQLite store and by the PostgreSQL store;
/// both must pass the same contract tests.
/// </summary>
public interface IChatDirectoryStore
{
    /// <summary>
    /// A number that changes with every committed write. Must be cheap: it is asked on every read so that
    /// cached replies are never stale.
    /// </summary>
    ValueTask<long> GetChangeStampAsync(CancellationToken cancellationToken);

    /// <summary>The whole directory and presence, consistent with <see cref="DirectorySnapshot.ChangeStamp"/>.</summary>
    Task<DirectorySnapshot> LoadAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Persists what <see cref="PresenceSave"/> decided (one update per user), in one transaction, durable before it
    /// returns. Integrity only: throws <see cref="UnknownChatUserException"/> (and changes nothing) when a user is not
    /// a chat user by the time it writes.
    /// </summary>
    Task SavePresenceAsync(PresenceSave save, CancellationToken cancellationToken);

    /// <summary>
    /// Makes users, topics, memberships and ongoing chat counts equal to <paramref name="directory"/>, in one
    /// transaction. Presence and credentials of users that remain are kept. Importing the same directory twice
    /// changes nothing the second time.
    /// </summary>
    Task ImportAsync(ChatDirectory directory, CancellationToken cancellationToken);

    /// <summary>True when no user has been imported yet.</summary>
    Task<bool> IsEmptyAsync(CancellationToken cancellationToken);
}

/// <summary>Thrown by a store when a save names a user that is not a chat user.</summary>
public sealed class UnknownChatUserException(int userId) : Exception($"Unknown chat user {userId}.")
{
    public int UserId { get; } = userId;
}
