using ChatPresence.Domain;
using ChatPresence.Domain.Identity;

namespace ChatPresence.Storage;

/// <summary>
/// The whole persistent state of the service: directory, presence and credentials in one database.
/// Implemented per database engine; every implementation must pass the same contract tests.
/// </summary>
public interface IChatStore : IChatDirectoryStore, ICredentialStore
{
    /// <summary>
    /// Creates the schema or brings it up to date. Versioned and idempotent: safe to call at every start, and
    /// refuses a database written by a newer schema than this build knows.
    /// </summary>
    Task MigrateAsync(CancellationToken cancellationToken);

    /// <summary>True when the database answers a trivial query.</summary>
    Task<bool> CheckHealthAsync(CancellationToken cancellationToken);
}
