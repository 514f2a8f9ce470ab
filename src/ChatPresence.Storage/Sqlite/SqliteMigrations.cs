namespace ChatPresence.Storage.Sqlite;

/// <summary>
/// The schema as an ordered list of steps. A step, once released, is never edited: a change is a new step.
/// Steps run inside the writer's transaction, so a database is never left half-migrated.
/// </summary>
internal static class SqliteMigrations
{
    private sealed record Step(int Version, string Description, string Sql);

    private static readonly Step[] Steps =
    [
        new(1, "directory, presence, credentials, change stamp", """
            CREATE TABLE users (
                id           INTEGER PRIMARY KEY,
                login_name   TEXT    NOT NULL,
                login_key    TEXT    NOT NULL UNIQUE, -- upper-invariant login_name: case-insensitive uniqueness beyond ASCII
                display_name TEXT    NOT NULL,
                role         INTEGER NOT NULL,
                chat_access  INTEGER NOT NULL CHECK (chat_access IN (0, 1))
            ) STRICT;

            CREATE TABLE topics (
                id            INTEGER PRIMARY KEY,
                name          TEXT    NOT NULL,
                opening_hours TEXT    NOT NULL -- JSON, see OpeningHoursJson
            ) STRICT;

            CREATE TABLE memberships (
                topic_id      INTEGER NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
                user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                can_respond   INTEGER NOT NULL,
                notifications INTEGER NOT NULL,
                listen        INTEGER NOT NULL,
                manager       INTEGER NOT NULL,
                PRIMARY KEY (topic_id, user_id)
            ) STRICT, WITHOUT ROWID;
            CREATE INDEX memberships_by_user ON memberships (user_id);

            CREATE TABLE ongoing_chats (
                user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
                count   INTEGER NOT NULL CHECK (count >= 0)
            ) STRICT;

            CREATE TABLE presence (
                user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
                present INTEGER NOT NULL CHECK (present IN (0, 1))
            ) STRICT;

            CREATE TABLE passwords (
                user_id    INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
                algorithm  TEXT    NOT NULL,
                iterations INTEGER NOT NULL,
                salt       BLOB    NOT NULL,
                hash       BLOB    NOT NULL
            ) STRICT;

            CREATE TABLE tickets (
                ticket_hash BLOB    PRIMARY KEY,
                user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                created     INTEGER NOT NULL, -- UTC ticks
                last_used   INTEGER NOT NULL  -- UTC ticks
            ) STRICT, WITHOUT ROWID;
            CREATE INDEX tickets_by_user ON tickets (user_id);

            -- One row. Starts at the creation time in ms rather than 0, so a re-created database never hands out
            -- a stamp an older one already used (caches and ETags keyed on it stay honest).
            CREATE TABLE meta (
                id           INTEGER PRIMARY KEY CHECK (id = 1),
                change_stamp INTEGER NOT NULL
            ) STRICT;
            INSERT INTO meta (id, change_stamp) VALUES (1, CAST(unixepoch('subsec') * 1000 AS INTEGER));
            """),
    ];

    /// <summary>The newest schema version this build knows.</summary>
    public static int LatestVersion => Steps[^1].Version;

    /// <summary>Applies the missing steps and returns the change stamp the database holds afterwards.</summary>
    public static async ValueTask<(long Stamp, bool Changed)> ApplyAsync(SqliteSession session)
    {
        await session.ExecuteAsync("""
            CREATE TABLE IF NOT EXISTS schema_version (
                version     INTEGER PRIMARY KEY,
                description TEXT    NOT NULL,
                applied_utc TEXT    NOT NULL
            ) STRICT;
            """).ConfigureAwait(false);

        var current = (long)(await session.Command("SELECT coalesce(max(version), 0) FROM schema_version;")
            .ExecuteScalarAsync(CancellationToken.None).ConfigureAwait(false))!;
        if (current > LatestVersion)
        {
            throw new InvalidOperationException(
                $"The database is at schema version {current}, newer than this build knows ({LatestVersion}). Upgrade the service instead.");
        }

        foreach (var step in Steps.Where(s => s.Version > current))
        {
            await session.ExecuteOnceAsync(step.Sql).ConfigureAwait(false);

            await session.Command("INSERT INTO schema_version (version, description, applied_utc) VALUES ($version, $description, $applied);")
                .With("$version", step.Version)
                .With("$description", step.Description)
                .With("$applied", DateTime.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture))
                .ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }

        var stamp = (long)(await session.Command("SELECT change_stamp FROM meta WHERE id = 1;")
            .ExecuteScalarAsync(CancellationToken.None).ConfigureAwait(false))!;
        return (stamp, false);
    }
}
