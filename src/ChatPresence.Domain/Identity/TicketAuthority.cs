using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using ChatPresence.Domain.Directory;
using ChatPresence.Domain.Telemetry;
using ChatPresence.Domain.Text;

namespace ChatPresence.Domain.Identity;

/// <summary>The outcome of a user name/password login. A wrong password is not an exception.</summary>
public sealed record LoginResult(bool Succeeded, ChatUser? User, string? Ticket, string? Message);

/// <summary>
/// Issues tickets and turns them back into callers. Passwords are <see cref="Passwords"/>' concern;
/// a login goes only through <see cref="Security.CallerAuthenticator"/> (throttle, application token), tests included.
/// A ticket is <c>7T:</c> + 256 random bits; only its SHA-256 is stored. Expiry is sliding. Validated tickets are
/// remembered in memory so that a polling client costs no database round trip, nor a SHA-256 (the memory holds the
/// ticket itself, compared in constant time: a request carries it in clear anyway). A revocation takes effect at once
/// on this host. With a change log (PostgreSQL) other hosts learn of it from the log, so a remembered ticket is never
/// asked of the store again while it is in use; without one (SQLite: a <c>revoke-tickets</c> run beside the host) it
/// is asked again after <see cref="RecheckInterval"/>. Uses are not written per request: <see cref="WriteBackUsesAsync"/>
/// writes the remembered tickets' last uses in one call, so the store's last use lags by at most a few minutes.
/// While the database cannot be reached, a ticket remembered here keeps working (a revocation cannot be written then
/// either); an unknown one is refused as unavailable.
/// </summary>
public sealed class TicketAuthority
{
    public const string TicketPrefix = "7T:";

    /// <summary>Without a change log: how long a validated ticket is trusted from memory before the store is asked again.</summary>
    public static readonly TimeSpan RecheckInterval = TimeSpan.FromSeconds(30);

    /// <summary>How often the host calls <see cref="WriteBackUsesAsync"/>.</summary>
    public static readonly TimeSpan WriteBackInterval = TimeSpan.FromSeconds(30);

    // A use is written back once it is this much newer than the store's: 10,000 polling agents then cost each host
    // one statement per interval and the store a row update per ticket per 5 minutes, not one per poll.
    private static readonly TimeSpan MaxWriteBackLag = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, KnownTicket> known = new(TicketComparer.Instance);
    private readonly DirectoryCache directory;
    private readonly ICredentialStore credentials;
    private readonly TimeProvider clock;
    private readonly IdentityOptions options;
    private readonly bool followsChangeLog;
    private readonly TimeSpan writeBackLag;

    // Counts revocations, so a validation that read the store before one does not remember the ticket after it.
    private long revocations;
    private long nextSweepTicks;

    public TicketAuthority(DirectoryCache directory, ICredentialStore credentials, TimeProvider clock, IdentityOptions options)
    {
        this.directory = directory;
        this.credentials = credentials;
        this.clock = clock;
        this.options = options;
        followsChangeLog = directory.FollowsChangeLog;
        writeBackLag = options.TicketIdleTimeout / 16 < MaxWriteBackLag ? options.TicketIdleTimeout / 16 : MaxWriteBackLag;
        directory.TicketsRevoked += Forget;
        if (followsChangeLog)
        {
            directory.ViewChanged += ForgetRemovedUsers;
        }
    }

    /// <summary>A new ticket for the user.</summary>
    public async Task<string> IssueTicketAsync(int userId, CancellationToken cancellationToken)
    {
        var ticket = TicketPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var now = clock.GetUtcNow();
        await credentials.AddTicketAsync(new StoredTicket(HashTicket(ticket), userId, now, now), cancellationToken);
        ChatPresenceMetrics.TicketIssued();
        return ticket;
    }

    /// <summary>Ends one ticket (a logout), here and in the store.</summary>
    public async Task<bool> RevokeTicketAsync(string ticket, CancellationToken cancellationToken)
    {
        var hash = HashTicket(ticket);
        var revoked = await credentials.RevokeTicketAsync(hash, cancellationToken);
        Interlocked.Increment(ref revocations);
        known.TryRemove(ticket, out _);
        ChatPresenceMetrics.TicketsWereRevoked(revoked ? 1 : 0);
        return revoked;
    }

    /// <summary>The caller behind <paramref name="ticket"/>; a missing, unknown, revoked or expired ticket is refused.</summary>
    public async ValueTask<Caller> AuthenticateTicketAsync(string? ticket, string language, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(ticket) || !ticket.StartsWith(TicketPrefix, StringComparison.Ordinal) || ticket.Length > 256)
        {
            throw NotAuthenticated(language, TextId.NotAuthenticated);
        }

        var now = clock.GetUtcNow();
        var rechecking = false;

        // Idle here, the ticket may still have been in use on another host: the store knows (see WriteBackUsesAsync).
        if (known.TryGetValue(ticket, out var entry) && now - entry.LastUsed <= options.TicketIdleTimeout
            && (followsChangeLog || now - entry.CheckedAt < RecheckInterval || !(rechecking = entry.TryStartRecheck())))
        {
            // Trusted from memory, also while another request rechecks it: one recheck per ticket, not one per poller.
            // The use slides in memory; WriteBackUsesAsync tells the store.
            entry.LastUsed = now;
            return new Caller(entry.UserId, language);
        }

        try
        {
            return await CheckStoreAsync(ticket, entry, now, language, cancellationToken);
        }
        finally
        {
            // A recheck that failed on the way (cancelled) leaves the entry to the next request; a successful one replaced it.
            if (rechecking)
            {
                entry!.EndRecheck();
            }
        }
    }

    private async Task<Caller> CheckStoreAsync(string ticket, KnownTicket? entry, DateTimeOffset now, string language, CancellationToken cancellationToken)
    {
        var hashBytes = HashTicket(ticket);
        var revocationsBefore = Volatile.Read(ref revocations);
        StoredTicket? stored;
        try
        {
            stored = await credentials.FindTicketAsync(hashBytes, cancellationToken);
        }
        catch (StoreUnavailableException e)
        {
            if (entry is not null && now - entry.LastUsed <= options.TicketIdleTimeout)
            {
                entry.LastUsed = now;
                return new Caller(entry.UserId, language);
            }

            throw e.ToRefusal(language);
        }

        if (stored is null)
        {
            known.TryRemove(ticket, out _);
            throw NotAuthenticated(language, TextId.NotAuthenticated);
        }

        var lastUsed = entry is not null && entry.LastUsed > stored.LastUsed ? entry.LastUsed : stored.LastUsed;
        if (now - lastUsed > options.TicketIdleTimeout)
        {
            known.TryRemove(ticket, out _);
            throw NotAuthenticated(language, TextId.TicketExpired);
        }

        known[ticket] = new KnownTicket(stored.UserId, hashBytes, now, stored.LastUsed);
        if (Volatile.Read(ref revocations) != revocationsBefore)
        {
            // A revocation ran since the store was read: this call may pass, but the ticket is asked again next time.
            known.TryRemove(ticket, out _);
        }

        ForgetExpired(now);
        return new Caller(stored.UserId, language);
    }

    /// <summary>
    /// Drops remembered tickets that have expired, at most once per <see cref="RecheckInterval"/>: a ticket that is
    /// never presented again would otherwise stay in memory for good.
    /// </summary>
    private void ForgetExpired(DateTimeOffset now)
    {
        var next = Volatile.Read(ref nextSweepTicks);
        if (now.UtcTicks < next || Interlocked.CompareExchange(ref nextSweepTicks, (now + RecheckInterval).UtcTicks, next) != next)
        {
            return;
        }

        foreach (var pair in known)
        {
            if (now - pair.Value.LastUsed > options.TicketIdleTimeout)
            {
                known.TryRemove(pair.Key, out _);
            }
        }
    }

    /// <summary>
    /// Writes the last use of each remembered ticket whose use is more than a few minutes newer than the store's (at
    /// most 5 minutes, or 1/16 of <see cref="IdentityOptions.TicketIdleTimeout"/>) back to the store in one call, and
    /// forgets expired tickets. The host calls this every <see cref="WriteBackInterval"/>, and with
    /// <paramref name="everyNewerUse"/> when it stops, so a restart keeps every use; a use not written back yet (a
    /// crash) shortens that ticket's life by at most that lag.
    /// </summary>
    public async Task WriteBackUsesAsync(bool everyNewerUse, CancellationToken cancellationToken)
    {
        ForgetExpired(clock.GetUtcNow());
        var lag = everyNewerUse ? TimeSpan.FromTicks(1) : writeBackLag;
        List<(KnownTicket Entry, DateTimeOffset Used)>? due = null;
        foreach (var pair in known)
        {
            var used = pair.Value.LastUsed;
            if (used - pair.Value.StoredLastUsed >= lag)
            {
                (due ??= []).Add((pair.Value, used));
            }
        }

        if (due is null)
        {
            return;
        }

        await credentials.TouchTicketsAsync(due.ConvertAll(d => new TicketUse(d.Entry.HashBytes, d.Used)), cancellationToken);
        foreach (var (entry, used) in due)
        {
            entry.StoredLastUsed = used;
        }
    }

    /// <summary>
    /// After an import (a view that is not a presence delta), forgets the tickets of users no longer in the directory:
    /// the store deleted those tickets with their users, and no revocation is logged for them.
    /// </summary>
    private void ForgetRemovedUsers(DirectoryView previous, DirectoryView current)
    {
        if (current.PresenceChangesSince(previous) is not null)
        {
            return;
        }

        Interlocked.Increment(ref revocations);
        foreach (var pair in known)
        {
            if (current.FindUser(pair.Value.UserId) is null)
            {
                known.TryRemove(pair.Key, out _);
            }
        }
    }

    /// <summary>Forgets tickets revoked elsewhere (another host, an admin command), as the change log reports them.</summary>
    private void Forget(IReadOnlyList<byte[]> ticketHashes, IReadOnlyList<int> userIds)
    {
        Interlocked.Increment(ref revocations);
        var hashes = ticketHashes.Where(h => h.Length == 32).Select(h => BinaryPrimitives.ReadUInt128LittleEndian(h)).ToHashSet();
        if (hashes.Count == 0 && userIds.Count == 0)
        {
            return;
        }

        // Remembered by the ticket, not its hash: one pass over what is remembered (a revocation is rare, a read is not).
        foreach (var pair in known)
        {
            if (hashes.Contains(pair.Value.Hash) || userIds.Contains(pair.Value.UserId))
            {
                known.TryRemove(pair.Key, out _);
            }
        }
    }

    /// <summary>How many validated tickets are remembered in memory (for tests).</summary>
    internal int RememberedTickets => known.Count;

    /// <summary>Revokes every ticket of the user, here and in the store.</summary>
    public async Task<int> RevokeTicketsAsync(int userId, CancellationToken cancellationToken)
    {
        // Store first, then memory: a validation reading the store in between either sees no ticket or is
        // told by the revocation count not to remember it.
        var revoked = await credentials.RevokeTicketsAsync(userId, cancellationToken);
        Interlocked.Increment(ref revocations);
        foreach (var pair in known)
        {
            if (pair.Value.UserId == userId)
            {
                known.TryRemove(pair.Key, out _);
            }
        }

        ChatPresenceMetrics.TicketsWereRevoked(revoked);
        return revoked;
    }

    /// <summary>The SHA-256 of a ticket's UTF-8, as the store keeps it.</summary>
    public static byte[] HashTicket(string ticket) => SHA256.HashData(Encoding.UTF8.GetBytes(ticket));

    private static ChatPresenceException NotAuthenticated(string language, TextId id) =>
        ChatPresenceException.Create(FailureReason.NotAuthenticated, language, id);

    private sealed class KnownTicket(int userId, byte[] hash, DateTimeOffset checkedAt, DateTimeOffset storedLastUsed)
    {
        // Written by concurrent requests: kept as UTC ticks so reads and writes are atomic.
        private long lastUsedTicks = checkedAt.UtcTicks;
        private long storedLastUsedTicks = storedLastUsed.UtcTicks;

        public int UserId { get; } = userId;

        /// <summary>The ticket's SHA-256, as the store keeps it.</summary>
        public byte[] HashBytes { get; } = hash;

        /// <summary>Its first 128 bits, to find a ticket the change log names as revoked elsewhere.</summary>
        public UInt128 Hash { get; } = BinaryPrimitives.ReadUInt128LittleEndian(hash);

        /// <summary>The last use the store has, as far as this host knows.</summary>
        public DateTimeOffset StoredLastUsed
        {
            get => new(Volatile.Read(ref storedLastUsedTicks), TimeSpan.Zero);
            set => Volatile.Write(ref storedLastUsedTicks, value.UtcTicks);
        }

        public DateTimeOffset CheckedAt { get; } = checkedAt;

        private int rechecking;

        /// <summary>True for the one request that rechecks this ticket in the store; false while another does.</summary>
        public bool TryStartRecheck() => Interlocked.CompareExchange(ref rechecking, 1, 0) == 0;

        public void EndRecheck() => Volatile.Write(ref rechecking, 0);

        public DateTimeOffset LastUsed
        {
            get => new(Volatile.Read(ref lastUsedTicks), TimeSpan.Zero);
            set => Volatile.Write(ref lastUsedTicks, value.UtcTicks);
        }
    }

    /// <summary>
    /// Tickets as keys: the ordinal hash code (randomized per process, so a caller cannot choose which remembered
    /// tickets its own is compared with) and an equality that takes the same time wherever two tickets differ.
    /// </summary>
    private sealed class TicketComparer : IEqualityComparer<string>
    {
        public static readonly TicketComparer Instance = new();

        public bool Equals(string? x, string? y) =>
            x is not null && y is not null && x.Length == y.Length
            && CryptographicOperations.FixedTimeEquals(MemoryMarshal.AsBytes(x.AsSpan()), MemoryMarshal.AsBytes(y.AsSpan()));

        public int GetHashCode(string obj) => obj.GetHashCode(StringComparison.Ordinal);
    }
}
