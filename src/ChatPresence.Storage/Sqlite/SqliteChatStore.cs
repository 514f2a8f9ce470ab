using ChatPresence.Domain;
using ChatPresence.Domain.Directory;
using ChatPresence.Domain.Identity;
using ChatPresence.Domain.Presence;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace ChatPresence.Storage.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode. Reads use pooled connections and never wait for writes; all
/// writes go through one <see cref="SqliteWriter"/> that group-commits them with synchronous=FULL, so a write is
/// durable (power loss included) when its task completes.
/// </summary>
/// <remarks>
/// The change stamp is mirrored in memory and moved by this instance's own commits, which makes
/// <see cref="GetChangeStampAsync"/> free. The file therefore must have one writing instance: another process
/// writing it would go unnoticed until restart. Credential writes do not move the stamp: they are not part of the
/// directory, and touching tickets would otherwise invalidate every cached presence list.
/// </remarks>
public sealed class SqliteChatStore : IChatStore, IAsyncDisposable
{
    private static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(10);

    private readonly string databasePath;
    private readonly string readerConnectionString;
    private readonly string writerConnectionString;
    private readonly SemaphoreSlim initializing = new(1, 1);
    private volatile SqliteWriter? writer;
    private long changeStamp;
    private bool disposed;

    public SqliteChatStore(string databasePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        this.databasePath = Path.GetFullPath(databasePath);
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = this.databasePath,
            Mode = SqliteOpenMode.ReadWrite, // readers never create: a vanished file is an error, not a new empty database
            Pooling = true,
            DefaultTimeout = (int)BusyTimeout.TotalSeconds,
        };
        readerConnectionString = builder.ToString();

        // Not pooled: the writer lives as long as the store, and closing it on dispose must really close the file.
        builder.Mode = SqliteOpenMode.ReadWriteCreate;
        builder.Pooling = false;
        writerConnectionString = builder.ToString();
    }

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        var current = writer;
        if (current is null)
        {
            // Opening migrates.
            await InitializeAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        PublishStamp(await current.EnqueueAsync(SqliteMigrations.ApplyAsync, cancellationToken).ConfigureAwait(false));
    }

    public async Task<bool> CheckHealthAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ReadAsync(static (session, ct) => SqliteDirectoryQueries.ChangeStampAsync(session, ct), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // A probe reports, it does not throw: unreachable file, missing folder rights, disposed store alike.
            return false;
        }
    }

    public ValueTask<long> GetChangeStampAsync(CancellationToken cancellationToken) =>
        writer is not null ? new ValueTask<long>(Interlocked.Read(ref changeStamp)) : FirstChangeStampAsync(cancellationToken);

    public Task<DirectorySnapshot> LoadAsync(CancellationToken cancellationToken) =>
        ReadAsync(static async (session, ct) =>
        {
            var users = await SqliteDirectoryQueries.UsersAsync(session, ct).ConfigureAwait(false);
            var topics = await SqliteDirectoryQueries.TopicsAsync(session, ct).ConfigureAwait(false);
            var memberships = await SqliteDirectoryQueries.MembershipsAsync(session, ct).ConfigureAwait(false);
            var ongoing = await SqliteDirectoryQueries.OngoingAsync(session, ct).ConfigureAwait(false);
            var presence = await SqliteDirectoryQueries.PresenceAsync(session, ct).ConfigureAwait(false);
            var stamp = await SqliteDirectoryQueries.ChangeStampAsync(session, ct).ConfigureAwait(false);
            var directory = StoredTopic.Assemble(users, topics, memberships, ongoing);
            return new DirectorySnapshot(stamp, directory, presence);
        }, cancellationToken);

    public async Task SavePresenceAsync(PresenceSave save, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(save);
        if (save.Count == 0)
        {
            return;
        }

        var current = await GetWriterAsync(cancellationToken).ConfigureAwait(false);
        await current.EnqueueAsync(session => SavePresenceAsync(session, save), cancellationToken).ConfigureAwait(false);
    }

    public async Task ImportAsync(ChatDirectory directory, CancellationToken cancellationToken)
    {
        DirectoryFile.Validate(directory);
        var current = await GetWriterAsync(cancellationToken).ConfigureAwait(false);
        await current.EnqueueAsync(
            async session =>
            {
                var changed = await SqliteDirectoryImport.ApplyAsync(session, directory).ConfigureAwait(false);
                return (changed, changed);
            },
            cancellationToken).ConfigureAwait(false);
    }

    public Task<bool> IsEmptyAsync(CancellationToken cancellationToken) =>
        ReadAsync(
            static async (session, ct) => await session.Command("SELECT NOT EXISTS (SELECT 1 FROM users);").ExecuteScalarAsync(ct).ConfigureAwait(false) is 1L,
            cancellationToken);

    public Task<StoredPassword?> GetPasswordAsync(int userId, CancellationToken cancellationToken) =>
        ReadAsync(
            async (session, ct) =>
            {
                await using var reader = await session.Command("SELECT algorithm, iterations, salt, hash FROM passwords WHERE user_id = $user;")
                    .With("$user", userId).ExecuteReaderAsync(ct).ConfigureAwait(false);
                return await reader.ReadAsync(ct).ConfigureAwait(false)
                    ? new StoredPassword(reader.GetString(0), reader.GetInt32(1), (byte[])reader.GetValue(2), (byte[])reader.GetValue(3))
                    : null;
            },
            cancellationToken);

    public async Task SetPasswordAsync(int userId, StoredPassword password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(password);
        var copy = password with { Salt = password.Salt.ToArray(), Hash = password.Hash.ToArray() };
        var current = await GetWriterAsync(cancellationToken).ConfigureAwait(false);
        await current.EnqueueAsync(
            async session =>
            {
                await RequireUserAsync(session, userId).ConfigureAwait(false);
                await session.Command("""
                        INSERT INTO passwords (user_id, algorithm, iterations, salt, hash) VALUES ($user, $algorithm, $iterations, $salt, $hash)
                        ON CONFLICT (user_id) DO UPDATE SET algorithm = excluded.algorithm, iterations = excluded.iterations,
                            salt = excluded.salt, hash = excluded.hash;
                        """)
                    .With("$user", userId).With("$algorithm", copy.Algorithm).With("$iterations", copy.Iterations)
                    .With("$salt", copy.Salt).With("$hash", copy.Hash)
                    .ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
                return (true, false);
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async Task AddTicketAsync(StoredTicket ticket, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var hash = ticket.TicketHash.ToArray();
        var current = await GetWriterAsync(cancellationToken).ConfigureAwait(false);
        await current.EnqueueAsync(
            async session =>
            {
                await RequireUserAsync(session, ticket.UserId).ConfigureAwait(false);
                await session.Command("INSERT INTO tickets (ticket_hash, user_id, created, last_used) VALUES ($hash, $user, $created, $used);")
                    .With("$hash", hash).With("$user", ticket.UserId)
                    .With("$created", ticket.Created.UtcTicks).With("$used", ticket.LastUsed.UtcTicks)
                    .ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
                return (true, false);
            },
            cancellationToken).ConfigureAwait(false);
    }

    public Task<StoredTicket?> FindTicketAsync(byte[] ticketHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticketHash);
        return ReadAsync(
            async (session, ct) =>
            {
                await using var reader = await session.Command("SELECT user_id, created, last_used FROM tickets WHERE ticket_hash = $hash;")
                    .With("$hash", ticketHash).ExecuteReaderAsync(ct).ConfigureAwait(false);
                return await reader.ReadAsync(ct).ConfigureAwait(false)
                    ? new StoredTicket(ticketHash.ToArray(), reader.GetInt32(0), FromTicks(reader.GetInt64(1)), FromTicks(reader.GetInt64(2)))
                    : null;
            },
            cancellationToken);
    }

    public async Task TouchTicketsAsync(IReadOnlyList<TicketUse> uses, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uses);
        var copy = uses.Select(u => (Hash: u.TicketHash.ToArray(), u.LastUsed.UtcTicks)).ToArray();
        var current = await GetWriterAsync(cancellationToken).ConfigureAwait(false);
        await current.EnqueueAsync(
            async session =>
            {
                // max(): uses written back by different hosts may arrive out of order; expiry must never move back.
                foreach (var (hash, used) in copy)
                {
                    await session.Command("UPDATE tickets SET last_used = max(last_used, $used) WHERE ticket_hash = $hash;")
                        .With("$hash", hash).With("$used", used).ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
                }

                return (true, false);
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> RevokeTicketsAsync(int userId, CancellationToken cancellationToken)
    {
        var current = await GetWriterAsync(cancellationToken).ConfigureAwait(false);
        return await current.EnqueueAsync(
            async session =>
            {
                var removed = await session.Command("DELETE FROM tickets WHERE user_id = $user;")
                    .With("$user", userId).ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
                return (removed, false);
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> RevokeTicketAsync(byte[] ticketHash, CancellationToken cancellationToken)
    {
        var current = await GetWriterAsync(cancellationToken).ConfigureAwait(false);
        return await current.EnqueueAsync(
            async session =>
            {
                var removed = await session.Command("DELETE FROM tickets WHERE ticket_hash = $hash;")
                    .With("$hash", ticketHash).ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
                return (removed > 0, false);
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Finishes queued writes, closes the writer and drops idle pooled readers, releasing the file.</summary>
    public async ValueTask DisposeAsync()
    {
        SqliteWriter? current;
        await initializing.WaitAsync().ConfigureAwait(false);
        try
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            current = writer;
            writer = null;
        }
        finally
        {
            initializing.Release();
        }

        if (current is not null)
        {
            await current.DisposeAsync().ConfigureAwait(false);
        }

        await using var connection = new SqliteConnection(readerConnectionString);
        SqliteConnection.ClearPool(connection);
    }

    /// <summary>Persists what Domain decided; checks only that every user is (still) a chat user.</summary>
    private static async ValueTask<(bool, bool)> SavePresenceAsync(SqliteSession session, PresenceSave save)
    {
        // Check everything before writing anything: a refused batch leaves no trace even inside its savepoint.
        foreach (var (userId, _) in save)
        {
            var access = await session.Command("SELECT chat_access FROM users WHERE id = $id;")
                .With("$id", userId).ExecuteScalarAsync(CancellationToken.None).ConfigureAwait(false);
            if (access is not 1L)
            {
                throw new UnknownChatUserException(userId);
            }
        }

        foreach (var (userId, present) in save)
        {
            await session.Command("""
                    INSERT INTO presence (user_id, present) VALUES ($user, $present)
                    ON CONFLICT (user_id) DO UPDATE SET present = excluded.present;
                    """)
                .With("$user", userId).With("$present", present).ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }

        return (true, true);
    }

    /// <summary>Credentials belong to a user of the directory; say so plainly instead of failing on a foreign key.</summary>
    private static async Task RequireUserAsync(SqliteSession session, int userId)
    {
        var exists = await session.Command("SELECT EXISTS (SELECT 1 FROM users WHERE id = $id);")
            .With("$id", userId).ExecuteScalarAsync(CancellationToken.None).ConfigureAwait(false);
        if (exists is not 1L)
        {
            throw new ArgumentException($"There is no user {userId}.", nameof(userId));
        }
    }

    private static DateTimeOffset FromTicks(long utcTicks) => new(utcTicks, TimeSpan.Zero);

    private async ValueTask<long> FirstChangeStampAsync(CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        return Interlocked.Read(ref changeStamp);
    }

    private ValueTask<SqliteWriter> GetWriterAsync(CancellationToken cancellationToken) =>
        writer is { } current ? new ValueTask<SqliteWriter>(current) : new ValueTask<SqliteWriter>(InitializeAsync(cancellationToken));

    /// <summary>First use: open the writer, migrate, and take the change stamp from the database.</summary>
    private async Task<SqliteWriter> InitializeAsync(CancellationToken cancellationToken)
    {
        await initializing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (writer is { } existing)
            {
                return existing;
            }

            if (Path.GetDirectoryName(databasePath) is { Length: > 0 } folder)
            {
                Directory.CreateDirectory(folder);
            }

            var opened = await SqliteWriter.OpenAsync(writerConnectionString, BusyTimeout, PublishStamp, cancellationToken).ConfigureAwait(false);
            try
            {
                PublishStamp(await opened.EnqueueAsync(SqliteMigrations.ApplyAsync, cancellationToken).ConfigureAwait(false));
            }
            catch
            {
                await opened.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            writer = opened;
            return opened;
        }
        finally
        {
            initializing.Release();
        }
    }

    /// <summary>Stamps only move forward, whatever order commits and loads report them in.</summary>
    private void PublishStamp(long stamp)
    {
        var seen = Interlocked.Read(ref changeStamp);
        while (stamp > seen)
        {
            var previous = Interlocked.CompareExchange(ref changeStamp, stamp, seen);
            if (previous == seen)
            {
                return;
            }

            seen = previous;
        }
    }

    /// <summary>Runs a read in one transaction on a pooled connection: every query sees the same snapshot.</summary>
    private async Task<T> ReadAsync<T>(Func<SqliteSession, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        await GetWriterAsync(cancellationToken).ConfigureAwait(false);
        var connection = new SqliteConnection(readerConnectionString);
        await using var session = new SqliteSession(connection);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        _ = raw.sqlite3_busy_timeout(connection.Handle, (int)BusyTimeout.TotalMilliseconds);

        // BEGIN is deferred: the snapshot is taken at the first SELECT and no write lock is ever asked for.
        await session.ExecuteAsync("BEGIN;").ConfigureAwait(false);
        try
        {
            return await read(session, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (session.InTransaction)
            {
                await session.ExecuteAsync("COMMIT;").ConfigureAwait(false);
            }
        }
    }
}
