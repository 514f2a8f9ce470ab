using ChatPresence.Domain.Directory;

namespace ChatPresence.Host;

/// <summary>
/// Keeps this host's read model following the store's change feed (PostgreSQL: LISTEN/NOTIFY plus the change log, with
/// a safety read every few seconds in case a notification was lost). Does nothing with SQLite.
/// </summary>
internal sealed class DirectoryFollower(DirectoryCache directory) : BackgroundService
{
    /// <summary>Bounds how stale a view can get if a notification is lost while the listener stays connected.</summary>
    private static readonly TimeSpan SafetyPoll = TimeSpan.FromSeconds(5);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => directory.FollowAsync(SafetyPoll, stoppingToken);
}
