using Npgsql;

namespace ChatPresence.Storage.Postgres;

/// <summary>
/// The schema as an ordered list of steps, like <c>SqliteMigrations</c>: a released step is never edited, a change
/// is a new step. All steps run in one transaction (PostgreSQL DDL is transactional), so a database is never left
/// half-migrated. Tables go to the first schema of the connection's search path.
/// </summary>
internal static class PostgresMigrations
{
    private sealed record Step(int Version, string Description, string Sql);

    private static readonly Step[] Steps =
    [
        new(1, "directory, presence, credentials, change stamp", """
            CREATE TABLE users (
                id           integer PRIMARY KEY,
                login_name   text    NOT NULL,
                login_key    text    NOT NULL UNIQUE, -- upper-invariant login_name, see DirectoryFile.LoginKey
                display_name text    NOT NULL,
                role         integer NOT NULL,
                chat_access  boolean NOT NULL
            );

            CREATE TABLE topics (
                id            integer PRIMARY KEY,
                name          text    NOT NULL,
                opening_hours text    NOT NULL -- JSON, see OpeningHoursJson; text so equal documents compare equal
            );

            CREATE TABLE memberships (
                topic_id      integer NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
                user_id       integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                can_respond   boolean NOT NULL,
                notifications boolean NOT NULL,
                listen        boolean NOT NULL,
                manager       boolean NOT NULL,
                PRIMARY KEY (topic_id, user_id)
            );
            CREATE INDEX memberships_by_user ON memberships (user_id);

            CREATE TABLE ongoing_chats (
                user_id integer PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
                count   integer NOT NULL CHECK (count >= 0)
            );

            CREATE TABLE presence (
                user_id integer PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
                present boolean NOT NULL
            );

            CREATE TABLE passwords (
                user_id    integer PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
                algorithm  text    NOT NULL,
                iterations integer NOT NULL,
                salt       bytea   NOT NULL,
                hash       bytea   NOT NULL
            );

            CREATE TABLE tickets (
                ticket_hash bytea   PRIMARY KEY,
                user_id     integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                created     bigint  NOT NULL, -- UTC ticks: exact, where timestamptz would keep only microseconds
                last_used   bigint  NOT NULL  -- UTC ticks
            );
            CREATE INDEX tickets_by_user ON tickets (user_id);

            -- One row, shared by every host on this database. Every directory or presence write locks it first and
            -- bumps it last (see PostgresChatStore): stamps follow commit order, so a reader that sees stamp N also
            -- sees every write up to N. Starts at the creation time in ms, so a re-created database never hands out
            -- a stamp an older one already used.
            CREATE TABLE meta (
                id           integer PRIMARY KEY CHECK (id = 1),
                change_stamp bigint  NOT NULL
            );
            INSERT INTO meta (id, change_stamp) VALUES (1, (extract(epoch FROM clock_timestamp()) * 1000)::bigint);
            """),
        new(2, "change log instead of the stamp row", """
            -- Every committed directory, presence or revocation write appends a row here (no shared row is locked, so
            -- saves on different users never wait for each other). Hosts read the rows their last snapshot did not
            -- see (by transaction id, see PostgresChangeLog), so a row is never missed however commits interleave.
            -- kind: 'P' presence (user_ids/present, last entry per user), 'D' directory import (hosts reload),
            -- 'R' tickets revoked (ticket_hash, or every ticket of user_ids[1]).
            CREATE TABLE presence_change (
                position    bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                xid         xid8        NOT NULL DEFAULT pg_current_xact_id(),
                kind        "char"      NOT NULL,
                user_ids    integer[]   NOT NULL DEFAULT '{}',
                present     boolean[]   NOT NULL DEFAULT '{}',
                ticket_hash bytea,
                created     timestamptz NOT NULL DEFAULT now()
            );
            CREATE INDEX presence_change_by_xid ON presence_change (xid);
            CREATE INDEX presence_change_by_created ON presence_change (created);

            -- Positions continue the old stamp, so a stamp is never handed out twice.
            SELECT setval(pg_get_serial_sequence('presence_change', 'position'), (SELECT change_stamp FROM meta WHERE id = 1));
            INSERT INTO presence_change (kind) VALUES ('D');
            DROP TABLE meta;
            """),
        new(3, "wrong passwords counted across hosts", """
            -- The login throttle's counts, shared by every host (see PostgresLoginAttempts): one row per login or client
            -- address with failures in the current window. Times are UTC ticks from the hosts' clocks, as in tickets.
            CREATE TABLE login_failures (
                key          text    PRIMARY KEY, -- 'login:' + upper-invariant login, or 'address:' + client address
                count        integer NOT NULL,
                window_start bigint  NOT NULL,
                last_failed  bigint  NOT NULL
            );
            CREATE INDEX login_failures_by_last_failed ON login_failures (last_failed);
            """),
    ];

    /// <summary>Transaction-scoped advisory lock taken by migrations: hosts starting together do not race to create the schema.</summary>
    private const long MigrationLockKey = 0x43_68_61_74_50_72_65_73; // "ChatPres"

    /// <summary>The newest schema version this build knows.</summary>
    public static int LatestVersion => Steps[^1].Version;

    public static async Task ApplyAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = new NpgsqlCommand("""
            SELECT pg_advisory_xact_lock(@key);
            CREATE TABLE IF NOT EXISTS schema_version (
                version     integer     PRIMARY KEY,
                description text        NOT NULL,
                applied_utc timestamptz NOT NULL
            );
            """, connection))
        {
            command.Parameters.AddWithValue("key", MigrationLockKey);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        int current;
        await using (var command = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM schema_version;", connection))
        {
            current = (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        if (current > LatestVersion)
        {
            throw new InvalidOperationException(
                $"The database is at schema version {current}, newer than this build knows ({LatestVersion}). Upgrade the service instead.");
        }

        foreach (var step in Steps.Where(s => s.Version > current))
        {
            await using (var command = new NpgsqlCommand(step.Sql, connection))
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using var record = new NpgsqlCommand(
                "INSERT INTO schema_version (version, description, applied_utc) VALUES (@version, @description, now());", connection);
            record.Parameters.AddWithValue("version", step.Version);
            record.Parameters.AddWithValue("description", step.Description);
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}
