using ChatPresence.Domain.Security;
using Npgsql;
using NpgsqlTypes;

namespace ChatPresence.Storage.Postgres;

/// <summary>
/// The SQL of <see cref="ILoginAttemptStore"/>: one statement per call. A failure is one
/// <c>INSERT … ON CONFLICT … DO UPDATE … RETURNING</c> for all its keys, so failures arriving on several hosts at once
/// are each counted (the conflicting row is locked for the update) and each caller sees the count its failure made.
/// </summary>
internal static class PostgresLoginAttempts
{
    private const string RecordSql = """
        INSERT INTO login_failures AS f (key, count, window_start, last_failed)
        SELECT k, 1, @now, @now FROM unnest(@keys) AS k
        ON CONFLICT (key) DO UPDATE SET
            count        = CASE WHEN f.window_start < @window_starts_after THEN 1 ELSE f.count + 1 END,
            window_start = CASE WHEN f.window_start < @window_starts_after THEN @now ELSE f.window_start END,
            last_failed  = greatest(f.last_failed, @now)
        RETURNING key, count, window_start, last_failed;
        """;

    private const string ReadSql = "SELECT key, count, window_start, last_failed FROM login_failures WHERE key = ANY(@keys);";

    private const string ClearSql = "DELETE FROM login_failures WHERE key = @key;";

    /// <summary>Rows whose window and any lock have run out (a lock never outlasts a window after its failure).</summary>
    private const string PruneSql = "DELETE FROM login_failures WHERE last_failed < @stale AND window_start < @stale;";

    /// <param name="prune">Also drop stale rows, in the same round trip (now and then, so sprays of made-up logins do not pile up).</param>
    public static async Task<IReadOnlyList<LoginFailures>> RecordAsync(
        NpgsqlConnection connection, IReadOnlyList<string> keys, DateTimeOffset now, DateTimeOffset windowStartsAfter, bool prune, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection);
        var record = new NpgsqlBatchCommand(RecordSql);
        record.Parameters.Add(new NpgsqlParameter("keys", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = keys.ToArray() });
        record.Parameters.AddWithValue("now", now.UtcTicks);
        record.Parameters.AddWithValue("window_starts_after", windowStartsAfter.UtcTicks);
        batch.BatchCommands.Add(record);
        if (prune)
        {
            // Two windows back: past any window and any lock (at most one window after its failure).
            var stale = new NpgsqlBatchCommand(PruneSql);
            stale.Parameters.AddWithValue("stale", (windowStartsAfter - (now - windowStartsAfter)).UtcTicks);
            batch.BatchCommands.Add(stale);
        }

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await ReadRowsAsync(reader, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<IReadOnlyList<LoginFailures>> ReadAsync(NpgsqlConnection connection, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(ReadSql, connection);
        command.Parameters.Add(new NpgsqlParameter("keys", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = keys.ToArray() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await ReadRowsAsync(reader, cancellationToken).ConfigureAwait(false);
    }

    public static async Task ClearAsync(NpgsqlConnection connection, string key, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(ClearSql, connection);
        command.Parameters.AddWithValue("key", key);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<IReadOnlyList<LoginFailures>> ReadRowsAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var rows = new List<LoginFailures>(2);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new LoginFailures(reader.GetString(0), reader.GetInt32(1), Utc(reader.GetInt64(2)), Utc(reader.GetInt64(3))));
        }

        return rows;
    }

    private static DateTimeOffset Utc(long ticks) => new(ticks, TimeSpan.Zero);
}
