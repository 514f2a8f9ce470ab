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
/// remembered in memory for a short while so that a polling client costs no database round trip, nor a SHA-256 (the
/// memory holds the ticket itself, compared in constant time: a request carries it in clear anyway). A revocation takes effect at once on this host, on other hosts when the
/// change log tells them (PostgreSQL: within the notification delay), and at the latest after <see cref="RecheckInterval"/>.
/// While the database cannot be reached, a ticket remembered here keeps working (a revocation cannot be written then
/// either); an unknown one is refused as unavailable.
/// </summary>
public sealed class TicketAuthority
{
    public const string TicketPrefix = "7T:";

    /// <summary>How long a validated ticket is trusted from memory before the store is asked again.</summary>
    public static readonly TimeSpan RecheckInterval = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, KnownTicket> known = new(TicketComparer.Instance);
    private readonly DirectoryCache directory;
    private readonly ICredentialStore credentials;
    private readonly TimeProvider clock;
    private readonly IdentityOptions options;

    // Counts revocations, so a validation that read the store before one does not remember the ticket after it.
    private long revocations;
    private long nextSweepTicks;

    public TicketAuthority(DirectoryCache directory, ICredentialStore credentials, TimeProvider clock, IdentityOptions options)
    {
        this.directory = directory;
        this.credentials = credentials;
        this.clock = clock;
        this.options = options;
        directory.TicketsRevoked += Forget;
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

        if (known.TryGetValue(ticket, out var entry) && (now - entry.CheckedAt < RecheckInterval || !entry.TryStartRecheck()))
        {
            // Trusted from memory, also while another request rechecks it: one recheck per ticket, not one per poller.
            if (now - entry.LastUsed > options.TicketIdleTimeout)
            {
                known.TryRemove(ticket, out _);
                throw NotAuthenticated(language, TextId.TicketExpired);
            }

            // Slide in memory; the store is told at the next recheck.
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
            entry?.EndRecheck();
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

        try
        {
            await credentials.TouchTicketAsync(hashBytes, now, cancellationToken);
        }
        catch (StoreUnavailableException e)
        {
            throw e.ToRefusal(language);
        }

        known[ticket] = new KnownTicket(stored.UserId, BinaryPrimitives.ReadUInt128LittleEndian(hashBytes), now);
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

    private sealed class KnownTicket(int userId, UInt128 hash, DateTimeOffset checkedAt)
    {
        // Written by concurrent requests: kept as UTC ticks so reads and writes are atomic.
        private long lastUsedTicks = checkedAt.UtcTicks;

        public int UserId { get; } = userId;

        /// <summary>The ticket's SHA-256 (its first 128 bits), as the change log names a ticket revoked elsewhere.</summary>
        public UInt128 Hash { get; } = hash;

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
