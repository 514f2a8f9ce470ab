namespace ChatPresence.Domain.Security;

/// <summary>Wrong passwords stored for one throttle key (a login or a client address).</summary>
/// <param name="Key">As made by <see cref="LoginThrottle.LoginKey"/> or <see cref="LoginThrottle.AddressKey"/>.</param>
/// <param name="Count">Failures since <paramref name="WindowStart"/>.</param>
/// <param name="LastFailed">The latest failure: a lock runs from here.</param>
public sealed record LoginFailures(string Key, int Count, DateTimeOffset WindowStart, DateTimeOffset LastFailed);

/// <summary>
/// Wrong-password counts shared by every host on one database (PostgreSQL), so the limits of <see cref="LoginThrottle"/>
/// hold for the deployment, not per host. The in-process throttle stays the first gate; the shared count decides the
/// lock (computed by <see cref="LoginThrottle"/>, so every store locks alike). A store that cannot be reached throws
/// <see cref="StoreUnavailableException"/>; callers then fall back to the per-host count.
/// </summary>
public interface ILoginAttemptStore
{
    /// <summary>
    /// Counts one failure at <paramref name="now"/> for each key, atomically per key (concurrent failures on any host
    /// are all counted); a key whose window began before <paramref name="windowStartsAfter"/> starts a new one.
    /// Returns each key's count after this failure.
    /// </summary>
    Task<IReadOnlyList<LoginFailures>> RecordFailuresAsync(IReadOnlyList<string> keys, DateTimeOffset now, DateTimeOffset windowStartsAfter, CancellationToken cancellationToken);

    /// <summary>The stored counts of the keys; a key without failures has no entry.</summary>
    Task<IReadOnlyList<LoginFailures>> GetFailuresAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken);

    /// <summary>Forgets a key's failures (a correct password for that login).</summary>
    Task ClearAsync(string key, CancellationToken cancellationToken);
}
