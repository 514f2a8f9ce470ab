using System.Data;
using ChatPresence.Domain;
using ChatPresence.Domain.Directory;
using ChatPresence.Domain.Identity;
using ChatPresence.Domain.Presence;
using Npgsql;

namespace ChatPresence.Storage.Postgres;

/// <summary>
/// The scale-out store: one PostgreSQL database shared by any number of hosts. Each write is acknowledged when its
/// transaction has committed (durable with the server's default synchronous_commit). Presence saves are
/// group-committed by a <see cref="PostgresPresenceWriter"/>; imports and credential writes run in their own.
/// </summary>
/// <remarks>
/// <para>The change stamp lives in the database (table <c>meta</c>) and is read from it on every
/// <see cref="GetChangeStampAsync"/>, so a host sees what another host committed. A directory or presence write
/// locks that row first and bumps it last, if it changed anything. Such writes are therefore serialized across all
/// hosts (a batch of saves counts as one): they cannot deadlock on each other's rows, and stamps follow commit order,
/// so a reader that sees stamp N also sees every write up to N. Credential writes leave the row alone, as in the
/// SQLite store.</para>
/// <para>Tables live in the first schema of the connection's search path (<c>Search Path=…</c> in the connection
/// string chooses another than <c>public</c>).</para>
/// </remarks>
public sealed class PostgresChatStore : IChatStore, IAsyncDisposable
{
    /// <summary>A transaction the server aborted for a deadlock or serialization failure is simply run again.</summary>
    private const int MaxAttempts = 3;

    /// <summary>First statement of every directory or presence write: see the remarks.</summary>
    internal const string LockStampSql = "SELECT change_stamp FROM meta WHERE id = 1 FOR UPDATE;";

    /// <summary>Last statement of a directory or presence write that changed anything.</summary>
    internal const string BumpStampSql = "UPDATE meta SET change_stamp = change_stamp + 1 WHERE id = 1;";

    private readonly NpgsqlDataSource dataSource;
    private readonly PostgresPresenceWriter writer;
    private readonly SemaphoreSlim migrating = new(1, 1);
    private volatile bool migrated;
    private volatile bool disposed;

    public PostgresChatStore(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        dataSource = NpgsqlDataSource.Create(connectionString);
        writer = new PostgresPresenceWriter(OpenReadyAsync);
    }

    public Task MigrateAsync(CancellationToken cancellationToken) => MigrateAsync(always: true, cancellationToken);

    public async Task<bool> CheckHealthAsync(CancellationToken cancellationToken)
    {
        try
        {
            await GetChangeStampAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // A probe reports, it does not throw: unreachable server, refused login, disposed store alike.
            return false;
        }
    }

    public async ValueTask<long> GetChangeStampAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadyAsync(cancellationToken).ConfigureAwait(false);
        return await PostgresDirectoryQueries.ChangeStampAsync(connection, cancellationToken).ConfigureAwait(false);
    }

    public async Task<DirectorySnapshot> LoadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadyAsync(cancellationToken).ConfigureAwait(false);

        // One snapshot for every query, so the stamp describes exactly the rows read with it.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        var users = await PostgresDirectoryQueries.UsersAsync(connection, cancellationToken).ConfigureAwait(false);
        var topics = await PostgresDirectoryQueries.TopicsAsync(connection, cancellationToken).ConfigureAwait(false);
        var memberships = await PostgresDirectoryQueries.MembershipsAsync(connection, cancellationToken).ConfigureAwait(false);
        var ongoing = await PostgresDirectoryQueries.OngoingAsync(connection, cancellationToken).ConfigureAwait(false);
        var presence = await PostgresDirectoryQueries.PresenceAsync(connection, cancellationToken).ConfigureAwait(false);
        var stamp = await PostgresDirectoryQueries.ChangeStampAsync(connection, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);

        var directory = StoredTopic.Assemble(users, topics, memberships, ongoing);
        return new DirectorySnapshot(stamp, directory, presence);
    }

    public Task SavePresenceAsync(IReadOnlyList<PresenceUpdate> updates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(updates);
        if (updates.Count == 0)
        {
            return Task.CompletedTask;
        }

        // Last entry per user wins, as in the contract.
        var latest = new Dictionary<int, bool>(updates.Count);
        foreach (var update in updates)
        {
            latest[update.UserId] = update.Present;
        }

        return writer.EnqueueAsync(latest, cancellationToken);
    }

    public Task ImportAsync(ChatDirectory directory, CancellationToken cancellationToken)
    {
        DirectoryRules.Validate(directory);
        return WriteAsync(
            (connection, ct) => PostgresDirectoryImport.ApplyAsync(connection, directory, ct),
            cancellationToken);
    }

    public async Task<bool> IsEmptyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadyAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT NOT EXISTS (SELECT 1 FROM users);", connection);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public async Task<StoredPassword?> GetPasswordAsync(int userId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadyAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT algorithm, iterations, salt, hash FROM passwords WHERE user_id = @user;", connection);
        command.Parameters.AddWithValue("user", userId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new StoredPassword(reader.GetString(0), reader.GetInt32(1), reader.GetFieldValue<byte[]>(2), reader.GetFieldValue<byte[]>(3))
            : null;
    }

    public async Task SetPasswordAsync(int userId, StoredPassword password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(password);
        await using var connection = await OpenReadyAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("""
            INSERT INTO passwords (user_id, algorithm, iterations, salt, hash) VALUES (@user, @algorithm, @iterations, @salt, @hash)
            ON CONFLICT (user_id) DO UPDATE SET algorithm = excluded.algorithm, iterations = excluded.iterations,
                salt = excluded.salt, hash = excluded.hash;
            """, connection);
        command.Parameters.AddWithValue("user", userId);
        command.Parameters.AddWithValue("algorithm", password.Algorithm);
        command.Parameters.AddWithValue("iterations", password.Iterations);
        command.Parameters.AddWithValue("salt", password.Salt);
        command.Parameters.AddWithValue("hash", password.Hash);
        await ExecuteForUserAsync(command, userId, cancellationToken).ConfigureAwait(false);
    }

    public async Task AddTicketAsync(StoredTicket ticket, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        await using var connection = await OpenReadyAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            "INSERT INTO tickets (ticket_hash, user_id, created, last_used) VALUES (@hash, @user, @created, @used);", connection);
        command.Parameters.AddWithValue("hash", ticket.TicketHash);
        command.Parameters.AddWithValue("user", ticket.UserId);
        command.Parameters.AddWithValue("created", ticket.Created.UtcTicks);
        command.Parameters.AddWithValue("used", ticket.LastUsed.UtcTicks);
        await ExecuteForUserAsync(command, ticket.UserId, cancellationToken).ConfigureAwait(false);
    }

    public async Task<StoredTicket?> FindTicketAsync(byte[] ticketHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticketHash);
        await using var connection = await OpenReadyAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT user_id, created, last_used FROM tickets WHERE ticket_hash = @hash;", connection);
        command.Parameters.AddWithValue("hash", ticketHash);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new StoredTicket(ticketHash.ToArray(), reader.GetInt32(0), FromTicks(reader.GetInt64(1)), FromTicks(reader.GetInt64(2)))
            : null;
    }

    public async Task TouchTicketAsync(byte[] ticketHash, DateTimeOffset lastUsed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticketHash);
        await using var connection = await OpenReadyAsync(cancellationToken).ConfigureAwait(false);

        // greatest(): touches from concurrent requests (or hosts) may arrive out of order; expiry must never move back.
        await using var command = new NpgsqlCommand("UPDATE tickets SET last_used = greatest(last_used, @used) WHERE ticket_hash = @hash;", connection);
        command.Parameters.AddWithValue("hash", ticketHash);
        command.Parameters.AddWithValue("used", lastUsed.UtcTicks);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> RevokeTicketsAsync(int userId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadyAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("DELETE FROM tickets WHERE user_id = @user;", connection);
        command.Parameters.AddWithValue("user", userId);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> RevokeTicketAsync(byte[] ticketHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticketHash);
        await using var connection = await OpenReadyAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("DELETE FROM tickets WHERE ticket_hash = @hash;", connection);
        command.Parameters.AddWithValue("hash", ticketHash);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    /// <summary>Finishes queued saves and closes every pooled connection; the store refuses work afterwards.</summary>
    public async ValueTask DisposeAsync()
    {
        await writer.DisposeAsync().ConfigureAwait(false);
        disposed = true;
        await dataSource.DisposeAsync().ConfigureAwait(false);
    }

    private static DateTimeOffset FromTicks(long utcTicks) => new(utcTicks, TimeSpan.Zero);

    /// <summary>Credentials belong to a user of the directory; say so plainly instead of failing on a foreign key.</summary>
    private static async Task ExecuteForUserAsync(NpgsqlCommand command, int userId, CancellationToken cancellationToken)
    {
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            throw new ArgumentException($"There is no user {userId}.", nameof(userId), exception);
        }
    }

    /// <summary>
    /// Runs a directory write in its own transaction, holding the stamp row from the start, and bumps the stamp when
    /// <paramref name="apply"/> says it changed anything. Holding it first also means an import diffs against exactly
    /// what the previous write committed.
    /// </summary>
    private async Task WriteAsync(Func<NpgsqlConnection, CancellationToken, Task<bool>> apply, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        for (var attempt = 1; ; attempt++)
        {
            await using var connection = await OpenReadyAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await using (var lockStamp = new NpgsqlCommand(LockStampSql, connection))
                {
                    await lockStamp.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                var changed = await apply(connection, cancellationToken).ConfigureAwait(false);
                if (changed)
                {
                    await using var bump = new NpgsqlCommand(BumpStampSql, connection);
                    await bump.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                // Not cancellable: once COMMIT is sent, the caller must hear whether it took.
                await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
                return;
            }
            catch (PostgresException exception) when (attempt < MaxAttempts
                && exception.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
            {
                // Deadlock or serialization failure: the server rolled the transaction back, so running it again is safe.
            }
        }
    }

    private async ValueTask<NpgsqlConnection> OpenReadyAsync(CancellationToken cancellationToken)
    {
        if (!migrated)
        {
            await MigrateAsync(always: false, cancellationToken).ConfigureAwait(false);
        }

        return await OpenAsync(cancellationToken).ConfigureAwait(false);
    }

    private ValueTask<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        return dataSource.OpenConnectionAsync(cancellationToken);
    }

    /// <param name="always">False on first use without an explicit <see cref="MigrateAsync(CancellationToken)"/>: migrate
    /// unless done already, as the SQLite store does on open.</param>
    private async Task MigrateAsync(bool always, CancellationToken cancellationToken)
    {
        await migrating.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (always || !migrated)
            {
                await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
                await PostgresMigrations.ApplyAsync(connection, cancellationToken).ConfigureAwait(false);
                migrated = true;
            }
        }
        finally
        {
            migrating.Release();
        }
    }
}
