using ChatPresence.Domain;
using ChatPresence.Domain.Presence;
using Npgsql;

namespace ChatPresence.Storage.Postgres;

/// <summary>
/// Presence saves through a <see cref="GroupCommit{TWrite}"/>, as <c>SqliteWriter</c> does for SQLite: saves queued while a
/// commit is under way share the next one (one round trip, one WAL flush). No shared row is locked: a batch locks only the user and
/// presence rows it names, in user id order, so saves on different users never wait for each other, on this host or
/// any other, and saves on the same user cannot deadlock.
/// </summary>
internal sealed class PostgresPresenceWriter : IAsyncDisposable
{
    /// <summary>Bounds one statement's size.</summary>
    private const int MaxBatch = 256;

    private const int MaxAttempts = 3;

    /// <summary>
    /// The whole batch in one statement, and so one implicit transaction: check, write, log. A save naming any
    /// non-chat user is left out (the others in the batch go ahead); <c>FOR SHARE</c> keeps an import from taking
    /// chat access away from a named user until the batch commits. Among the saves kept, the later one in the batch
    /// wins per user. The change-log row is appended after the presence rows are locked, so two batches on the same
    /// user log in the order they commit.
    /// </summary>
    private const string SaveSql = """
        WITH req AS (SELECT * FROM unnest(@saves, @ids, @present) AS r (save, user_id, present)),
        allowed AS (SELECT id FROM users WHERE id = ANY (@ids) AND chat_access ORDER BY id FOR SHARE),
        refused AS (SELECT DISTINCT save FROM req WHERE user_id NOT IN (SELECT id FROM allowed)),
        latest AS (
            SELECT DISTINCT ON (user_id) user_id, present FROM req
            WHERE save NOT IN (SELECT save FROM refused) ORDER BY user_id, save DESC),
        written AS (
            INSERT INTO presence (user_id, present) SELECT user_id, present FROM latest ORDER BY user_id
            ON CONFLICT (user_id) DO UPDATE SET present = excluded.present
            RETURNING user_id, present),
        logged AS (
            INSERT INTO presence_change (kind, user_ids, present)
            SELECT 'P', array_agg(user_id ORDER BY user_id), array_agg(present ORDER BY user_id) FROM written HAVING count(*) > 0
            RETURNING position)
        SELECT id, NULL::bigint FROM allowed UNION ALL SELECT NULL, position FROM logged;
        """;

    private readonly Func<CancellationToken, ValueTask<NpgsqlConnection>> open;
    private readonly Func<long, Task> committed;
    private readonly GroupCommit<PendingSave> saves;

    /// <param name="open">Opens a ready (migrated) connection from the store's pool.</param>
    /// <param name="committed">Told the change-log position of each commit after its callers were answered (it
    /// notifies the other hosts), without waiting for it; never throws.</param>
    public PostgresPresenceWriter(Func<CancellationToken, ValueTask<NpgsqlConnection>> open, Func<long, Task> committed)
    {
        this.open = open;
        this.committed = committed;
        saves = new GroupCommit<PendingSave>(MaxBatch, CommitAsync, nameof(PostgresChatStore));
    }

    /// <summary>Queues a save; completes when its transaction has committed, or fails with the save's own error.</summary>
    /// <param name="save">As Domain decided it: one update per user.</param>
    public Task EnqueueAsync(PresenceSave save, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var pending = new PendingSave(save, cancellationToken);
        saves.Enqueue(pending);
        return pending.Task;
    }

    /// <summary>Stops taking saves and finishes the ones already queued.</summary>
    public ValueTask DisposeAsync() => saves.DisposeAsync();

    /// <summary>The PostgreSQL step of the group commit: the whole batch in one statement.</summary>
    private async Task CommitAsync(List<PendingSave> batch)
    {
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    var (refused, position) = await TryCommitAsync(batch).ConfigureAwait(false);
                    foreach (var save in batch)
                    {
                        save.Finish(refused.GetValueOrDefault(save));
                    }

                    if (position is { } logged)
                    {
                        // Not awaited: the next batch need not wait for the notification's round trip.
                        _ = committed(logged);
                    }

                    return;
                }
                catch (PostgresException exception) when (attempt < MaxAttempts
                    && exception.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
                {
                    // Not expected (rows are locked in user id order), but harmless: the server rolled it back, run it again.
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

    /// <returns>The saves refused for naming a non-chat user, with their error (the others are committed), and the
    /// change-log position of the commit (none when every save was refused).</returns>
    private async Task<(Dictionary<PendingSave, Exception> Refused, long? Position)> TryCommitAsync(List<PendingSave> batch)
    {
        var saves = new List<int>();
        var ids = new List<int>();
        var present = new List<bool>();
        for (var i = 0; i < batch.Count; i++)
        {
            foreach (var (id, value) in batch[i].Save)
            {
                saves.Add(i);
                ids.Add(id);
                present.Add(value);
            }
        }

        var allowed = new HashSet<int>();
        long? position = null;
        await using (var connection = await open(CancellationToken.None).ConfigureAwait(false))
        await using (var statement = new NpgsqlCommand(SaveSql, connection))
        {
            statement.Parameters.Add(new NpgsqlParameter<int[]>("saves", saves.ToArray()));
            statement.Parameters.Add(new NpgsqlParameter<int[]>("ids", ids.ToArray()));
            statement.Parameters.Add(new NpgsqlParameter<bool[]>("present", present.ToArray()));

            // Prepared statements outlive the pooled connection's Close, so the text is planned once per physical connection.
            await statement.PrepareAsync(CancellationToken.None).ConfigureAwait(false);
            await using var reader = await statement.ExecuteReaderAsync(CancellationToken.None).ConfigureAwait(false);
            while (await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                if (reader.IsDBNull(0))
                {
                    position = reader.GetInt64(1);
                }
                else
                {
                    allowed.Add(reader.GetInt32(0));
                }
            }
        }

        // The first user named that may not chat, as the SQLite store reports it; the statement decided the same.
        var refused = new Dictionary<PendingSave, Exception>();
        foreach (var save in batch)
        {
            foreach (var update in save.Save)
            {
                if (!allowed.Contains(update.UserId))
                {
                    refused[save] = new UnknownChatUserException(update.UserId);
                    break;
                }
            }
        }

        return (refused, position);
    }

    /// <summary>One caller's save.</summary>
    private sealed class PendingSave : QueuedWrite
    {
        private readonly TaskCompletionSource done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public PendingSave(PresenceSave save, CancellationToken cancellationToken)
        {
            Save = save;
            AbandonWhenCancelled(cancellationToken);
        }

        public PresenceSave Save { get; }

        /// <summary>Continuations run off the writer, so callers never slow the next batch down.</summary>
        public Task Task => done.Task;

        public void Finish(Exception? error)
        {
            if (error is null)
            {
                Complete();
            }
            else
            {
                Fail(error);
            }
        }

        protected override void OnCommitted() => done.TrySetResult();

        protected override void OnFailed(Exception exception) => done.TrySetException(exception);

        protected override void OnCancelled(CancellationToken cancellationToken) => done.TrySetCanceled(cancellationToken);
    }
}
