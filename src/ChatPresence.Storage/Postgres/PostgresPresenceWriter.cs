using System.Threading.Channels;
using ChatPresence.Domain;
using Npgsql;

namespace ChatPresence.Storage.Postgres;

/// <summary>
/// Group commit for presence saves, as <c>SqliteWriter</c> does for SQLite. Every write holds the shared stamp row from
/// its first statement through the commit's WAL flush, so one save per transaction would make all saves (on every host)
/// wait for each other's flush. Instead, saves queued while a commit is under way share the next transaction: one
/// flush and one stamp move acknowledge the whole batch.
/// </summary>
internal sealed class PostgresPresenceWriter : IAsyncDisposable
{
    /// <summary>Bounds how long one transaction holds the stamp row (which every host's writes wait for).</summary>
    private const int MaxBatch = 256;

    private const int MaxAttempts = 3;

    /// <summary>
    /// Checks and writes in one round trip. A save naming any non-chat user writes nothing (the WHERE sees fewer
    /// allowed users than named), so a refused save needs no savepoint and leaves the batch's transaction intact.
    /// No row lock on users is needed: an import changes users only while holding the stamp row, which the batch holds.
    /// </summary>
    private const string SaveSql = """
        WITH allowed AS (SELECT id FROM users WHERE id = ANY (@ids) AND chat_access),
        written AS (
            INSERT INTO presence (user_id, present)
            SELECT * FROM unnest(@ids, @present) AS u (user_id, present)
            WHERE (SELECT count(*) FROM allowed) = cardinality(@ids)
            ORDER BY user_id
            ON CONFLICT (user_id) DO UPDATE SET present = excluded.present
            RETURNING 1)
        SELECT id FROM allowed;
        """;

    private readonly Channel<PendingSave> queue = Channel.CreateUnbounded<PendingSave>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Func<CancellationToken, ValueTask<NpgsqlConnection>> open;
    private readonly Task loop;

    /// <param name="open">Opens a ready (migrated) connection from the store's pool.</param>
    public PostgresPresenceWriter(Func<CancellationToken, ValueTask<NpgsqlConnection>> open)
    {
        this.open = open;
        loop = Task.Run(RunAsync);
    }

    /// <summary>Queues a save; completes when its transaction has committed, or fails with the save's own error.</summary>
    /// <param name="latest">One entry per user (the last one named wins, decided by the caller).</param>
    public Task EnqueueAsync(Dictionary<int, bool> latest, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var save = new PendingSave(latest, cancellationToken);
        if (!queue.Writer.TryWrite(save))
        {
            throw new ObjectDisposedException(nameof(PostgresChatStore));
        }

        return save.Task;
    }

    /// <summary>Stops taking saves and finishes the ones already queued.</summary>
    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await loop.ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var batch = new List<PendingSave>(MaxBatch);
        while (await queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            // Whatever queued up during the previous commit goes into this one.
            while (batch.Count < MaxBatch && queue.Reader.TryRead(out var save))
            {
                if (save.TryStart())
                {
                    batch.Add(save);
                }
            }

            if (batch.Count > 0)
            {
                await CommitAsync(batch).ConfigureAwait(false);
                batch.Clear();
            }
        }
    }

    private async Task CommitAsync(List<PendingSave> batch)
    {
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    var refused = await TryCommitAsync(batch).ConfigureAwait(false);
                    foreach (var save in batch)
                    {
                        save.Finish(refused.GetValueOrDefault(save));
                    }

                    return;
                }
                catch (PostgresException exception) when (attempt < MaxAttempts
                    && exception.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
                {
                    // Not expected (writers take the stamp row first), but harmless: the server rolled it back, run it again.
                }
            }
        }
        catch (Exception) when (batch.Count > 1)
        {
            // Something unexpected failed the shared transaction: run each save alone, so it fails only its own caller.
            foreach (var save in batch)
            {
                await CommitAsync([save]).ConfigureAwait(false);
            }
        }
        catch (Exception exception)
        {
            batch[0].Finish(exception);
        }
    }

    /// <returns>The saves refused for naming a non-chat user, with their error; the others are committed.</returns>
    private async Task<Dictionary<PendingSave, Exception>> TryCommitAsync(List<PendingSave> batch)
    {
        var refused = new Dictionary<PendingSave, Exception>();
        await using var connection = await open(CancellationToken.None).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(CancellationToken.None).ConfigureAwait(false);

        // The stamp row, then every save, in one round trip: a refused save aborts nothing, so none has to wait for
        // the previous one's answer.
        await using var statements = new NpgsqlBatch(connection);
        statements.BatchCommands.Add(new NpgsqlBatchCommand(PostgresChatStore.LockStampSql));
        foreach (var save in batch)
        {
            var statement = new NpgsqlBatchCommand(SaveSql);
            statement.Parameters.Add(new NpgsqlParameter<int[]>("ids", save.Latest.Keys.ToArray()));
            statement.Parameters.Add(new NpgsqlParameter<bool[]>("present", save.Latest.Values.ToArray()));
            statements.BatchCommands.Add(statement);
        }

        // Prepared statements outlive the pooled connection's Close, so each text is planned once per physical connection.
        await statements.PrepareAsync(CancellationToken.None).ConfigureAwait(false);
        await using (var reader = await statements.ExecuteReaderAsync(CancellationToken.None).ConfigureAwait(false))
        {
            foreach (var save in batch)
            {
                await reader.NextResultAsync(CancellationToken.None).ConfigureAwait(false);
                var allowed = new HashSet<int>();
                while (await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false))
                {
                    allowed.Add(reader.GetInt32(0));
                }

                // The first user named that may not chat, as the SQLite store reports it.
                foreach (var id in save.Latest.Keys)
                {
                    if (!allowed.Contains(id))
                    {
                        refused[save] = new UnknownChatUserException(id);
                        break;
                    }
                }
            }
        }

        if (refused.Count < batch.Count)
        {
            await using var bump = new NpgsqlCommand(PostgresChatStore.BumpStampSql, connection);
            await bump.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }

        await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        return refused;
    }

    /// <summary>One caller's save. Cancelling helps only while it is queued; once started it runs to the end.</summary>
    private sealed class PendingSave
    {
        private const int Queued = 0;
        private const int Started = 1;
        private const int Abandoned = 2;

        private readonly TaskCompletionSource done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly CancellationTokenRegistration registration;
        private int state;

        public PendingSave(Dictionary<int, bool> latest, CancellationToken cancellationToken)
        {
            Latest = latest;
            if (cancellationToken.CanBeCanceled)
            {
                registration = cancellationToken.UnsafeRegister(
                    static (s, token) =>
                    {
                        var save = (PendingSave)s!;
                        if (Interlocked.CompareExchange(ref save.state, Abandoned, Queued) == Queued)
                        {
                            save.done.TrySetCanceled(token);
                        }
                    },
                    this);
            }
        }

        public Dictionary<int, bool> Latest { get; }

        /// <summary>Continuations run off the writer, so callers never slow the next batch down.</summary>
        public Task Task => done.Task;

        public bool TryStart() => Interlocked.CompareExchange(ref state, Started, Queued) == Queued;

        public void Finish(Exception? error)
        {
            registration.Dispose();
            if (error is null)
            {
                done.TrySetResult();
            }
            else
            {
                done.TrySetException(error);
            }
        }
    }
}
