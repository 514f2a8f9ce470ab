using System.Globalization;
using ChatPresence.Domain;
using Npgsql;

namespace ChatPresence.Storage.Postgres;

/// <summary>
/// The change log (table <c>presence_change</c>) and its notification channel: what writers append, how a host reads
/// what it has not seen, and the cursor that says so.
/// </summary>
/// <remarks>
/// <para>Positions come from an identity, so a transaction that took a lower position may commit after one that took a
/// higher: reading "after position N" could skip it. The cursor is therefore a PostgreSQL snapshot
/// (<c>pg_current_snapshot()</c>, as text) taken by the same statement that read the rows: the next read returns exactly
/// the rows whose transaction that snapshot did not see, whatever the commit order. Rows of one user are still logged
/// in commit order (a writer appends after locking the user's presence row), and applied in position order.</para>
/// <para>The cursor also carries the server time it was taken at (<c>ms|snapshot</c>): a cursor older than half the
/// retention may point past pruned rows, and the reader is told to reload instead.</para>
/// <para>A writer notifies after its commit, in a statement of its own: a NOTIFY inside the writing transaction would
/// take PostgreSQL's global notify lock for the commit's WAL flush and serialize every host's commits again.</para>
/// </remarks>
internal static class PostgresChangeLog
{
    /// <summary>One channel per schema: several deployments (or test runs) may share a database.</summary>
    public const string ChannelSql = "SELECT left('chatpresence.' || current_schema(), 63);";

    /// <summary>The payload is the change-log position, for whoever watches the channel; hosts read the log anyway.</summary>
    public const string NotifySql = "SELECT pg_notify(left('chatpresence.' || current_schema(), 63), @position::text);";

    /// <summary>The stamp of <see cref="IChatDirectoryStore.GetChangeStampAsync"/>: revocations do not move it.</summary>
    public const string ChangeStampSql = "SELECT coalesce(max(position), 0) FROM presence_change WHERE kind <> 'R';";

    /// <summary>In the snapshot's own transaction: the cursor after everything it sees.</summary>
    public const string CursorSql = "SELECT (extract(epoch FROM now()) * 1000)::bigint || '|' || pg_current_snapshot()::text;";

    public const string AppendDirectorySql = "INSERT INTO presence_change (kind) VALUES ('D') RETURNING position;";

    public const string AppendRevokedTicketSql = "INSERT INTO presence_change (kind, ticket_hash) VALUES ('R', @hash) RETURNING position;";

    public const string AppendRevokedUserSql = "INSERT INTO presence_change (kind, user_ids) VALUES ('R', ARRAY[@user]) RETURNING position;";

    /// <summary>
    /// The rows the cursor's snapshot did not see and this statement's does, with this statement's cursor on every row
    /// (one row of nulls when there is nothing new). A snapshot misses exactly the transactions from its xmax on and
    /// those in progress when it was taken (its xip list), so the two index ranges below are all that is read. Not
    /// "xid ≥ xmin": one transaction left open anywhere on the server (a report, a dump, a frozen host) holds every
    /// snapshot's xmin back, and each read would fetch again every row committed since it began.
    /// </summary>
    private const string ReadSql = """
        SELECT (extract(epoch FROM now()) * 1000)::bigint || '|' || s.snap::text, c.position, c.kind, c.user_ids, c.present, c.ticket_hash
        FROM (SELECT pg_current_snapshot() AS snap) s
        LEFT JOIN (
            SELECT position, kind, user_ids, present, ticket_hash FROM presence_change
            WHERE xid >= pg_snapshot_xmax(CAST(@snapshot AS pg_snapshot))
            UNION ALL
            SELECT position, kind, user_ids, present, ticket_hash FROM presence_change
            WHERE xid = ANY (ARRAY(SELECT pg_snapshot_xip(CAST(@snapshot AS pg_snapshot))))
        ) c ON true
        ORDER BY c.position;
        """;

    /// <summary>Keeps at least the newest directory or presence row, so the stamp never goes back.</summary>
    private const string PruneSql = """
        DELETE FROM presence_change
        WHERE created < now() - @retention
          AND position < (SELECT max(position) FROM presence_change WHERE kind <> 'R');
        """;

    public static async Task<ChangeLogPage> ReadAsync(NpgsqlConnection connection, string cursor, TimeSpan retention, CancellationToken cancellationToken)
    {
        var separator = cursor.IndexOf('|', StringComparison.Ordinal);
        if (separator < 0 || !long.TryParse(cursor.AsSpan(0, separator), NumberStyles.None, CultureInfo.InvariantCulture, out var takenAtMs))
        {
            throw new ArgumentException("Not a change-log cursor of this store.", nameof(cursor));
        }

        await using var command = new NpgsqlCommand(ReadSql, connection);
        command.Parameters.AddWithValue("snapshot", cursor[(separator + 1)..]);
        await command.PrepareAsync(cancellationToken).ConfigureAwait(false);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);

        string next = cursor;
        long stamp = 0;
        var directoryChanged = false;
        var presence = new Dictionary<int, bool>();
        var tickets = new List<byte[]>();
        var users = new List<int>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            next = reader.GetString(0);
            if (reader.IsDBNull(1))
            {
                continue;
            }

            var position = reader.GetInt64(1);
            switch (reader.GetChar(2))
            {
                case 'P':
                    stamp = Math.Max(stamp, position);
                    var ids = reader.GetFieldValue<int[]>(3);
                    var present = reader.GetFieldValue<bool[]>(4);
                    for (var i = 0; i < ids.Length; i++)
                    {
                        presence[ids[i]] = present[i];
                    }

                    break;
                case 'D':
                    stamp = Math.Max(stamp, position);
                    directoryChanged = true;
                    break;
                case 'R' when !reader.IsDBNull(5):
                    tickets.Add(reader.GetFieldValue<byte[]>(5));
                    break;
                case 'R':
                    users.AddRange(reader.GetFieldValue<int[]>(3));
                    break;
            }
        }

        // Rows older than half the retention may have been pruned before this host read them: reload to be exact.
        var nowMs = long.Parse(next.AsSpan(0, next.IndexOf('|', StringComparison.Ordinal)), NumberStyles.None, CultureInfo.InvariantCulture);
        if (nowMs - takenAtMs > retention.TotalMilliseconds / 2)
        {
            directoryChanged = true;
        }

        return new ChangeLogPage(next, stamp, directoryChanged, presence, tickets, users);
    }

    public static async Task<long> AppendAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Tells every listening host; best effort (a host that misses it finds the rows at its next read).</summary>
    public static async Task NotifyAsync(NpgsqlConnection connection, long position)
    {
        await using var command = new NpgsqlCommand(NotifySql, connection);
        command.Parameters.AddWithValue("position", position);
        await command.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
    }

    public static async Task PruneAsync(NpgsqlConnection connection, TimeSpan retention, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(PruneSql, connection);
        command.Parameters.AddWithValue("retention", retention);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
