using Microsoft.Data.Sqlite;

namespace ChatPresence.Storage.Sqlite;

/// <summary>
/// The only connection that writes. SQLite allows one writer at a time anyway; funnelling every write through one
/// queue lets concurrent writes share a transaction (group commit): one fsync acknowledges a whole batch, while
/// a savepoint per request keeps each request atomic on its own, so one caller's bad input fails only that caller.
/// </summary>
internal sealed class SqliteWriter : IAsyncDisposable
{
    /// <summary>Bounds how long one transaction holds the write lock (and how long readers' WAL grows).</summary>
    private const int MaxBatch = 256;

    private const string BumpStamp = "UPDATE meta SET change_stamp = change_stamp + 1 RETURNING change_stamp;";

    private readonly SqliteSession session;
    private readonly Action<long> stampCommitted;
    private readonly GroupCommit<WriteRequest> writes;

    private SqliteWriter(SqliteConnection connection, Action<long> stampCommitted)
    {
        session = new SqliteSession(connection);
        this.stampCommitted = stampCommitted;
        writes = new GroupCommit<WriteRequest>(MaxBatch, CommitBatchAsync, nameof(SqliteChatStore));
    }

    /// <summary>Opens the writer connection with the settings durability depends on.</summary>
    /// <param name="stampCommitted">Told every change stamp this writer commits, after the commit.</param>
    public static async Task<SqliteWriter> OpenAsync(string connectionString, TimeSpan busyTimeout, Action<long> stampCommitted, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (var command = connection.CreateCommand())
            {
                // WAL: readers never block the writer. The mode is stored in the file; check it took, since some
                // file systems cannot do WAL and would silently stay in rollback mode.
                command.CommandText = "PRAGMA journal_mode=WAL;";
                var mode = (string?)await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidOperationException($"SQLite could not switch {connection.DataSource} to WAL (got '{mode}').");
                }

                // FULL fsyncs the WAL at every commit: an acknowledged save survives power loss, not only a crash.
                command.CommandText = $"PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout={(int)busyTimeout.TotalMilliseconds};";
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return new SqliteWriter(connection, stampCommitted);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Queues a write; the task completes when it is durable, or fails with the request's own error.</summary>
    public Task<T> EnqueueAsync<T>(Func<SqliteSession, ValueTask<(T Result, bool Changed)>> apply, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }

        var request = new WriteRequest<T>(apply, cancellationToken);
        writes.Enqueue(request);
        return request.Task;
    }

    /// <summary>Stops taking writes, finishes the ones already queued, then closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        await writes.DisposeAsync().ConfigureAwait(false);
        await session.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>The SQLite step of the group commit: one transaction, a savepoint per request.</summary>
    private async Task CommitBatchAsync(List<WriteRequest> batch)
    {
        var applied = new List<WriteRequest>(batch.Count);
        try
        {
            await session.ExecuteAsync("BEGIN IMMEDIATE;").ConfigureAwait(false);
            var changed = false;
            foreach (var request in batch)
            {
                await session.ExecuteAsync("SAVEPOINT request;").ConfigureAwait(false);
                try
                {
                    changed |= await request.ApplyAsync(session).ConfigureAwait(false);
                    await session.ExecuteAsync("RELEASE request;").ConfigureAwait(false);
                    applied.Add(request);
                }
                catch (Exception exception) when (session.InTransaction)
                {
                    // The request's own failure (unknown user, constraint): undo just its part, keep the batch.
                    await session.ExecuteAsync("ROLLBACK TO request; RELEASE request;").ConfigureAwait(false);
                    request.Fail(exception);
                }
            }

            long? stamp = null;
            if (changed)
            {
                stamp = (long)(await session.Command(BumpStamp).ExecuteScalarAsync(CancellationToken.None).ConfigureAwait(false))!;
            }

            await session.ExecuteAsync("COMMIT;").ConfigureAwait(false);
            if (stamp is { } committed)
            {
                stampCommitted(committed);
            }

            foreach (var request in applied)
            {
                request.Complete();
            }
        }
        catch (Exception exception)
        {
            // The transaction is gone or unusable (I/O error, disk full, lost lock): nothing in it happened.
            await TryRollbackAsync().ConfigureAwait(false);
            foreach (var request in batch)
            {
                request.Fail(exception);
            }
        }
    }

    private async Task TryRollbackAsync()
    {
        if (!session.InTransaction)
        {
            return;
        }

        try
        {
            await session.ExecuteAsync("ROLLBACK;").ConfigureAwait(false);
        }
        catch (SqliteException)
        {
            // Nothing more can be done here; the next BEGIN will report a connection that is still broken.
        }
    }
}
