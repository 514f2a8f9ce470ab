using System.Data;
using ChatPresence.Domain;
using ChatPresence.Domain.Directory;
using ChatPresence.Domain.Identity;
using ChatPresence.Domain.Presence;
using ChatPresence.Domain.Security;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ChatPresence.Storage.Postgres;

/// <summary>
/// The scale-out store: one PostgreSQL database shared by any number of hosts. Each write is acknowledged when its
/// transaction has committed (durable with the server's default synchronous_commit). Presence saves are
/// group-committed by a <see cref="PostgresPresenceWriter"/>; imports and credential writes run in their own.
/// </summary>
/// <remarks>
/// <para>No write locks a shared row: saves lock only the rows of the users they name, so saves on different users
/// never wait for each other, on one host or many. Every directory, presence or revocation write appends to the
/// change log (<see cref="PostgresChangeLog"/>) in its own transaction and then notifies the schema's channel; hosts
/// follow the log (<see cref="IDirectoryChangeLog"/>) and apply deltas to their in-memory view. Imports also hold an
/// advisory lock, so two imports never diff against each other's half-done state; saves do not take it.</para>
/// <para>Every connection is opened with <c>lock_timeout</c>, <c>statement_timeout</c> and
/// <c>idle_in_transaction_session_timeout</c> (<see cref="PostgresStoreOptions"/>), so a stalled host or a held
/// transaction cannot make others wait without bound. A database that cannot be reached surfaces as
/// <see cref="StoreUnavailableException"/>, logged once per outage.</para>
/// <para>Tables live in the first schema of the connection's search path (<c>Search Path=…</c> in the connection
/// string chooses another than <c>public</c>).</para>
/// </remarks>
public sealed class PostgresChatStore : IChatStore, IDirectoryChangeLog, ILoginAttemptStore, IAsyncDisposable
{
    /// <summary>A transaction the server aborted for a deadlock or serialization failure is simply run again.</summary>
    private const int MaxAttempts = 3;

    /// <summary>Transaction-scoped advisory lock of imports ("ChatImpt").</summary>
    private const long ImportLockKey = 0x43_68_61_74_49_6D_70_74;

    private static readonly TimeSpan PruneInterval = TimeSpan.FromMinutes(5);

    private readonly NpgsqlDataSource dataSource;
    private readonly PostgresPresenceWriter writer;
    private readonly PostgresChangeListener listener;
    private readonly PostgresOutage outage;
    private readonly PostgresStoreOptions options;
    private readonly SemaphoreSlim migrating = new(1, 1);
    private volatile bool migrated;
    private readonly string? ownSchema;
    private volatile bool disposed;
    private long nextPruneTicks = DateTimeOffset.UtcNow.Add(PruneInterval).UtcTicks;
    private long nextAttemptPruneTicks = DateTimeOffset.UtcNow.Add(PruneInterval).UtcTicks;

    public PostgresChatStore(string connectionString)
        : this(connectionString, new PostgresStoreOptions(), logger: null)
    {
    }

    /// <param name="schema">
    /// A schema of its own (one tenant's): it replaces the search path of both connection strings and is created, if
    /// missing, when the store migrates. Null: tables live in the connection string's search path, created by the operator.
    /// </param>
    public PostgresChatStore(string connectionString, PostgresStoreOptions options, ILogger? logger, string? schema = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
        ownSchema = schema;
        connectionString = InSchema(connectionString, schema);
        var pooled = Bounded(connectionString, options);
        outage = new PostgresOutage(PostgresOutage.Describe(connectionString), logger);
        dataSource = NpgsqlDataSource.Create(pooled);
        writer = new PostgresPresenceWriter(OpenReadyAsync, NotifyAsync);
        var listen = new NpgsqlConnectionStringBuilder(Bounded(InSchema(options.ListenConnectionString ?? connectionString, schema), options)) { Pooling = false };
        listener = new PostgresChangeListener(listen.ConnectionString, outage);
    }

    /// <summary>The first schema of <paramref name="connectionString"/>'s search path, unquoted; null when it sets none.</summary>
    public static string? SearchSchema(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString).SearchPath is { Length: > 0 } path ? path.Split(',')[0].Trim().Trim('"') : null;

    private static string InSchema(string connectionString, string? schema) => schema is null
        ? connectionString
        : new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = QuoteIdentifier(schema) }.ConnectionString;

    /// <summary>A PostgreSQL identifier in double quotes (schema, channel), its own quotes doubled.</summary>
    internal static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>"PostgreSQL database 'x' on host:port": how messages name this store's database.</summary>
    public string DatabaseName => outage.Database;

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        try
        {
            await MigrateAsync(always: true, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (!disposed && (exception is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException))
        {
            // At start any failure to reach or log in to the database is "unavailable": a wrong password or a missing
            // database is reported in one line with what to check, like a stopped server.
            throw outage.Unavailable(exception);
        }
    }

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

    public async ValueTask<long> GetChangeStampAsync(CancellationToken cancellationToken) =>
        await GuardAsync(async () =>
        {
            await using var connection = await OpenReadyAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand(PostgresChangeLog.ChangeStampSql, connection);
            return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }).ConfigureAwait(false);

    public Task<DirectorySnapshot> LoadAsync(CancellationToken cancellationToken) =>
        GuardAsync(async () =>
        {
            await using var connection = await OpenReadyAsync(cancellationToken).ConfigureAwait(false);

            // One snapshot for every query, so the stamp and the cursor describe exactly the rows read with them.
            await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
            var users = await PostgresDirectoryQueries.UsersAsync(connection, cancellationToken).ConfigureAwait(false);
            var topics = await PostgresDirectoryQueries.TopicsAsync(connection, cancellationToken).ConfigureAwait(false);
            var memberships = await PostgresDirectoryQueries.MembershipsAsync(connection, cancellationToken).ConfigureAwait(false);
            var ongoing = await PostgresDirectoryQueries.OngoingAsync(connection, cancellationToken).ConfigureAwait(false);
            var presence = await PostgresDirectoryQueries.PresenceAsync(connection, cancellationToken).ConfigureAwait(false);
            long stamp;
            await using (var command = new NpgsqlCommand(PostgresChangeLog.ChangeStampSql, connection))
            {
                stamp = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            }

            string cursor;
            await using (var command = new NpgsqlCommand(PostgresChangeLog.CursorSql, connection))
            {
                cursor = (string)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);

            var directory = StoredTopic.Assemble(users, topics, memberships, ongoing);
            return new DirectorySnapshot(stamp, directory, presence) { ChangeCursor = cursor };
        });

    public Task<ChangeLogPage> ReadChangesAsync(string cursor, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(cursor);
        return GuardAsync(async () =>
        {
            await using var connection = await OpenReadyAsync(cancellationToken).ConfigureAwait(false);
            var page = await PostgresChangeLog.ReadAsync(connection, cursor, options.ChangeLogRetention, cancellationToken).ConfigureAwait(false);
            await PruneNowAndThenAsync(connection, cancellationToken).ConfigureAwait(false);
            return page;
        });
    }

    public Task WaitForChangesAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        return listener.WaitAsync(timeout, cancellationToken);
    }

    public async Task SavePresenceAsync(PresenceSave save, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(save);
        if (save.Count == 0)
        {
            return;
        }

        await GuardAsync(async () =>
        {
            await writer.EnqueueAsync(save, cancellationToken).ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);
    }

    public Task ImportAsync(ChatDirectory directory, CancellationToken cancellationToken)
    {
        DirectoryFile.Validate(directory);
        return WriteAsync(
            async (connection, ct) =>
            {
                await using (var importLock = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key);", connection))
                {
                    importLock.Parameters.AddWithValue("key", ImportLockKey);
                    await importLock.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }

                return await PostgresDirectoryImport.ApplyAsync(connection, directory, ct).ConfigureAwait(false)
                    ? await PostgresChangeLog.AppendAsync(connection, PostgresChangeLog.AppendDirectorySql, ct).ConfigureAwait(false)
                    : null;
            },
            cancellationToken);
    }

    public Task<bool> IsEmptyAsync(CancellationToken cancellationToken) =>
        GuardAsync(async () =>
        {
            await using var connection = await OpenReadyAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand("SELECT NOT EXISTS (SELECT 1 FROM users);", connection);
            return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        });

    public Task<StoredPassword?> GetPasswordAsync(int userId, CancellationToken cancellationToken) =>
        GuardAsync(async () =>
        {
            await using var connection = await OpenReadyAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand("SELECT algorithm, iterations, salt, hash FROM passwords WHERE user_id = @user;", connection);
            command.Parameters.AddWithValue("user", userId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                ? new StoredPassword(reader.GetString(0), reader.GetInt32(1), reader.GetFieldValue<byte[]>(2), reader.GetFieldValue<byte[]>(3))
                : null;
        });

    public Task SetPasswordAsync(int userId, StoredPassword password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(password);
        return GuardAsync(async () =>
        {
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
            return true;
        });
    }

    public Task AddTicketAsync(StoredTicket ticket, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        return GuardAsync(async () =>
        {
            await using var connection = await OpenReadyAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand(
                "INSERT INTO tickets (ticket_hash, user_id, created, last_used) VALUES (@hash, @user, @created, @used);", connection);
            command.Parameters.AddWithValue("hash", ticket.TicketHash);
            command.Parameters.AddWithValue("user", ticket.UserId);
            command.Parameters.AddWithValue("created", ticket.Created.UtcTicks);
            command.Parameters.AddWithValue("used", ticket.LastUsed.UtcTicks);
            await ExecuteForUserAsync(command, ticket.UserId, cancellationToken).ConfigureAwait(false);
            return true;
        });
    }

    public Task<StoredTicket?> FindTicketAsync(byte[] ticketHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticketHash);
        return GuardAsync(async () =>
        {
            await using var connection = await OpenReadyAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand("SELECT user_id, created, last_used FROM tickets WHERE ticket_hash = @hash;", connection);
            command.Parameters.AddWithValue("hash", ticketHash);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                ? new StoredTicket(ticketHash.ToArray(), reader.GetInt32(0), FromTicks(reader.GetInt64(1)), FromTicks(reader.GetInt64(2)))
                : null;
        });
    }

    public Task TouchTicketsAsync(IReadOnlyList<TicketUse> uses, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uses);
        if (uses.Count == 0)
        {
            return Task.CompletedTask;
        }

        var hashes = uses.Select(u => u.TicketHash).ToArray();
        var used = uses.Select(u => u.LastUsed.UtcTicks).ToArray();
        return GuardAsync(async () =>
        {
            await using var connection = await OpenReadyAsync(cancellationToken).ConfigureAwait(false);

            // greatest(): uses written back by different hosts may arrive out of order; expiry must never move back.
            await using var command = new NpgsqlCommand(
                """
                UPDATE tickets AS t SET last_used = greatest(t.last_used, u.used)
                FROM unnest(@hashes, @used) AS u (hash, used) WHERE t.ticket_hash = u.hash;
                """,
                connection);
            command.Parameters.Add(new NpgsqlParameter<byte[][]>("hashes", hashes));
            command.Parameters.Add(new NpgsqlParameter<long[]>("used", used));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        });
    }

    /// <summary>Deletes the user's tickets and logs the revocation, so every host forgets them too.</summary>
    public async Task<int> RevokeTicketsAsync(int userId, CancellationToken cancellationToken)
    {
        var count = 0;
        await WriteAsync(
            async (connection, ct) =>
            {
                await using var command = new NpgsqlCommand("DELETE FROM tickets WHERE user_id = @user;", connection);
                command.Parameters.AddWithValue("user", userId);
                count = await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                return await PostgresChangeLog.AppendAsync(connection, PostgresChangeLog.AppendRevokedUserSql, ct, ("user", userId)).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
        return count;
    }

    /// <summary>Deletes one ticket and logs the revocation, so every host forgets it too.</summary>
    public async Task<bool> RevokeTicketAsync(byte[] ticketHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticketHash);
        var found = false;
        await WriteAsync(
            async (connection, ct) =>
            {
                await using var command = new NpgsqlCommand("DELETE FROM tickets WHERE ticket_hash = @hash;", connection);
                command.Parameters.AddWithValue("hash", ticketHash);
                found = await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0;
                return found
                    ? await PostgresChangeLog.AppendAsync(connection, PostgresChangeLog.AppendRevokedTicketSql, ct, ("hash", ticketHash)).ConfigureAwait(false)
                    : null;
            },
            cancellationToken).ConfigureAwait(false);
        return found;
    }

    public Task<IReadOnlyList<LoginFailures>> RecordFailuresAsync(IReadOnlyList<string> keys, DateTimeOffset now, DateTimeOffset windowStartsAfter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return GuardAsync(async () =>
        {
            await using var connection = await OpenReadyAsync(cancellationToken).ConfigureAwait(false);
            return await PostgresLoginAttempts.RecordAsync(connection, keys, now, windowStartsAfter, Due(ref nextAttemptPruneTicks), cancellationToken).ConfigureAwait(false);
        });
    }

    public Task<IReadOnlyList<LoginFailures>> GetFailuresAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return GuardAsync(async () =>
        {
            await using var connection = await OpenReadyAsync(cancellationToken).ConfigureAwait(false);
            return await PostgresLoginAttempts.ReadAsync(connection, keys, cancellationToken).ConfigureAwait(false);
        });
    }

    public Task ClearAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        return GuardAsync(async () =>
        {
            await using var connection = await OpenReadyAsync(cancellationToken).ConfigureAwait(false);
            await PostgresLoginAttempts.ClearAsync(connection, key, cancellationToken).ConfigureAwait(false);
            return true;
        });
    }

    /// <summary>Finishes queued saves, stops listening and closes every pooled connection; the store refuses work afterwards.</summary>
    public async ValueTask DisposeAsync()
    {
        await writer.DisposeAsync().ConfigureAwait(false);
        disposed = true;
        await listener.DisposeAsync().ConfigureAwait(false);
        await dataSource.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// The connection string with the bounds of <paramref name="options"/>: pool size, and the three timeouts as startup
    /// options (unless the connection string sets its own <c>Options</c>, e.g. behind a PgBouncer that refuses them).
    /// </summary>
    internal static string Bounded(string connectionString, PostgresStoreOptions options)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (options.MaxPoolSize is { } size)
        {
            builder.MaxPoolSize = size;
        }
        else if (builder.MaxPoolSize == PostgresStoreOptions.NpgsqlDefaultPoolSize)
        {
            builder.MaxPoolSize = PostgresStoreOptions.DefaultPoolSize;
        }

        if (string.IsNullOrEmpty(builder.Options))
        {
            builder.Options = $"-c lock_timeout={Ms(options.LockTimeout)} -c statement_timeout={Ms(options.StatementTimeout)} "
                + $"-c idle_in_transaction_session_timeout={Ms(options.IdleInTransactionTimeout)}";
        }

        return builder.ConnectionString;

        static long Ms(TimeSpan value) => (long)value.TotalMilliseconds;
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

    /// <summary>Runs a database call; an unreachable database becomes a <see cref="StoreUnavailableException"/>, logged once per outage.</summary>
    private async Task<T> GuardAsync<T>(Func<Task<T>> call)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            var result = await call().ConfigureAwait(false);
            if (outage.IsDown)
            {
                outage.Recovered(started);
            }

            return result;
        }
        catch (Exception exception) when (!disposed && PostgresOutage.IsUnavailable(exception))
        {
            throw outage.Unavailable(exception);
        }
    }

    /// <summary>
    /// Runs a write in its own transaction; <paramref name="apply"/> returns the change-log position it appended (or null
    /// when it changed nothing), and every host is notified once the transaction has committed.
    /// </summary>
    private Task WriteAsync(Func<NpgsqlConnection, CancellationToken, Task<long?>> apply, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return GuardAsync(async () =>
        {
            for (var attempt = 1; ; attempt++)
            {
                await using var connection = await OpenReadyAsync(cancellationToken).ConfigureAwait(false);
                long? position;
                await using (var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
                {
                    try
                    {
                        position = await apply(connection, cancellationToken).ConfigureAwait(false);

                        // Not cancellable: once COMMIT is sent, the caller must hear whether it took.
                        await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
                    }
                    catch (PostgresException exception) when (attempt < MaxAttempts
                        && exception.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
                    {
                        // Deadlock or serialization failure: the server rolled the transaction back, so running it again is safe.
                        continue;
                    }
                }

                if (position is { } logged)
                {
                    await NotifyOnAsync(connection, logged).ConfigureAwait(false);
                }

                return true;
            }
        });
    }

    /// <summary>After a presence commit: notify on a connection of its own.</summary>
    private async Task NotifyAsync(long position)
    {
        try
        {
            await using var connection = await OpenAsync(CancellationToken.None).ConfigureAwait(false);
            await NotifyOnAsync(connection, position).ConfigureAwait(false);
        }
        catch (Exception exception) when (PostgresOutage.IsUnavailable(exception) || exception is ObjectDisposedException)
        {
            // Committed anyway; other hosts find the row at their next read (safety poll or next notification).
        }
    }

    private async Task NotifyOnAsync(NpgsqlConnection connection, long position)
    {
        try
        {
            await PostgresChangeLog.NotifyAsync(connection, position).ConfigureAwait(false);
        }
        catch (Exception exception) when (PostgresOutage.IsUnavailable(exception))
        {
            // As above: the write stands, and hosts catch up from the log.
        }
    }

    private async Task PruneNowAndThenAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        if (!Due(ref nextPruneTicks))
        {
            return;
        }

        await PostgresChangeLog.PruneAsync(connection, options.ChangeLogRetention, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>True once per <see cref="PruneInterval"/> (for one caller of many at once).</summary>
    private static bool Due(ref long nextTicks)
    {
        var now = DateTimeOffset.UtcNow.UtcTicks;
        var next = Volatile.Read(ref nextTicks);
        return now >= next && Interlocked.CompareExchange(ref nextTicks, now + PruneInterval.Ticks, next) == next;
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
                if (ownSchema is not null)
                {
                    await using var create = new NpgsqlCommand($"CREATE SCHEMA IF NOT EXISTS {QuoteIdentifier(ownSchema)};", connection);
                    await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

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
