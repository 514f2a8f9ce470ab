using System.Collections.Concurrent;

namespace ChatPresence.Domain.Security;

/// <summary>
/// Counts wrong passwords per login and per client address. Once either count reaches its limit within the window,
/// password checks for that login (or from that address) are refused without looking at the password, for
/// <see cref="LoginThrottleOptions.Lockout"/>, doubling with each further failure up to the window. A correct
/// password clears the login's count (not the address's), so one locked login never blocks another account.
/// </summary>
/// <remarks>
/// With an <see cref="ILoginAttemptStore"/> (PostgreSQL) the counts are shared by every host: this type stays the
/// per-host gate (reservations), and adopts what the store returns (<see cref="Adopt"/>, <see cref="Failed(string?, string?, IReadOnlyList{LoginFailures}?)"/>),
/// so the shared count decides the lock and a lock taken on one host is held on all.
/// </remarks>
public sealed class LoginThrottle(LoginThrottleOptions options, TimeProvider clock)
{
    // Bounds memory under a spray of made-up logins: expired entries are dropped first, then everything.
    private const int MaxEntries = 100_000;

    /// <summary>Longest login or address kept as is in a shared key (UTF-8: at most 4 bytes a char, well inside an index row).</summary>
    private const int MaxKeyValueLength = 256;

    private readonly ConcurrentDictionary<string, Failures> logins = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, Failures> addresses = new(StringComparer.Ordinal);

    /// <summary>What a caller waits when the limit's worth of checks is already in flight (no lock yet).</summary>
    public static readonly TimeSpan Busy = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Reserves one password check for <paramref name="login"/> and <paramref name="clientAddress"/>, atomically with
    /// the limit: checks in flight count as failures until they end, so parallel attempts cannot pass the limit. Zero
    /// when reserved; else the wait (a lock, or <see cref="Busy"/>), and nothing is reserved. End every reservation
    /// with <see cref="Failed"/>, <see cref="Succeeded(string, string?)"/> or <see cref="Release"/>.
    /// </summary>
    public TimeSpan TryReserve(string? login, string? clientAddress)
    {
        var now = clock.GetUtcNow();
        var byLogin = login is null ? null : Entry(logins, login, now);
        var wait = byLogin?.TryReserve(now, options.FailuresPerLogin, options.Window) ?? TimeSpan.Zero;
        if (wait > TimeSpan.Zero)
        {
            return wait;
        }

        var byAddress = clientAddress is null ? null : Entry(addresses, clientAddress, now);
        wait = byAddress?.TryReserve(now, options.FailuresPerAddress, options.Window) ?? TimeSpan.Zero;
        if (wait > TimeSpan.Zero)
        {
            byLogin?.Release();
        }

        return wait;
    }

    /// <summary>Ends a reservation whose check did not happen (it failed for another reason).</summary>
    public void Release(string? login, string? clientAddress)
    {
        if (login is not null && logins.TryGetValue(login, out var byLogin))
        {
            byLogin.Release();
        }

        if (clientAddress is not null && addresses.TryGetValue(clientAddress, out var byAddress))
        {
            byAddress.Release();
        }
    }

    /// <summary>How long the caller must wait before a password is checked again; zero when it may go ahead.</summary>
    public TimeSpan RetryAfter(string? login, string? clientAddress)
    {
        var now = clock.GetUtcNow();
        var wait = TimeSpan.Zero;
        if (login is not null && logins.TryGetValue(login, out var byLogin))
        {
            wait = byLogin.LockedFor(now);
        }

        if (clientAddress is not null && addresses.TryGetValue(clientAddress, out var byAddress))
        {
            var other = byAddress.LockedFor(now);
            wait = other > wait ? other : wait;
        }

        return wait;
    }

    public void Failed(string? login, string? clientAddress) => Failed(login, clientAddress, shared: null);

    /// <summary>
    /// Ends a reservation as a counted failure: counted here, or, when <paramref name="shared"/> holds the counts the
    /// shared store returned for this failure, taken from there.
    /// </summary>
    public void Failed(string? login, string? clientAddress, IReadOnlyList<LoginFailures>? shared)
    {
        if (shared is not null)
        {
            Adopt(login, clientAddress, shared, endReservation: true);
            return;
        }

        var now = clock.GetUtcNow();
        if (login is not null)
        {
            Count(logins, login, options.FailuresPerLogin, now);
        }

        if (clientAddress is not null)
        {
            Count(addresses, clientAddress, options.FailuresPerAddress, now);
        }
    }

    /// <summary>
    /// Takes the shared counts read for <paramref name="login"/> and <paramref name="clientAddress"/> (a key missing from
    /// <paramref name="shared"/> has none: a login cleared by a success on another host). Returns how long the caller
    /// must now wait; zero when the check may go ahead.
    /// </summary>
    public TimeSpan Adopt(string? login, string? clientAddress, IReadOnlyList<LoginFailures> shared)
    {
        Adopt(login, clientAddress, shared, endReservation: false);
        return RetryAfter(login, clientAddress);
    }

    /// <summary>The shared store's key for a login: case-insensitive, as logins are.</summary>
    public static string LoginKey(string login) => Bounded("login:", login.ToUpperInvariant());

    /// <summary>The shared store's key for a client address.</summary>
    public static string AddressKey(string clientAddress) => Bounded("address:", clientAddress);

    /// <summary>
    /// Keys a database can store whatever a caller sends as its user name: a long one (an index cannot hold an
    /// arbitrarily long key), or one with control characters (PostgreSQL text has no NUL) or surrogates (a lone one is
    /// not UTF-8), is replaced by its SHA-256, which keeps it distinct.
    /// </summary>
    private static string Bounded(string kind, string value) =>
        value.Length <= MaxKeyValueLength && !value.AsSpan().ContainsAnyInRange('\0', '\u001F') && !value.AsSpan().ContainsAnyInRange('\u007F', '\u009F')
            && !value.AsSpan().ContainsAnyInRange('\uD800', '\uDFFF')
            ? kind + value
            : kind + "sha256:" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(value)));

    /// <summary>The keys a password check for <paramref name="login"/> from <paramref name="clientAddress"/> counts against.</summary>
    public static IReadOnlyList<string> KeysOf(string? login, string? clientAddress) => (login, clientAddress) switch
    {
        (null, null) => [],
        (null, { } address) => [AddressKey(address)],
        ({ } name, null) => [LoginKey(name)],
        ({ } name, { } address) => [LoginKey(name), AddressKey(address)],
    };

    /// <summary>A correct password: clears the login's count, and ends the address's reservation uncounted.</summary>
    public void Succeeded(string login, string? clientAddress = null)
    {
        logins.TryRemove(login, out _);
        if (clientAddress is not null && addresses.TryGetValue(clientAddress, out var byAddress))
        {
            byAddress.Release();
        }
    }

    private void Count(ConcurrentDictionary<string, Failures> table, string key, int limit, DateTimeOffset now) =>
        Entry(table, key, now).Add(now, limit, options);

    private void Adopt(string? login, string? clientAddress, IReadOnlyList<LoginFailures> shared, bool endReservation)
    {
        var now = clock.GetUtcNow();
        if (login is not null)
        {
            var key = LoginKey(login);
            Entry(logins, login, now).Adopt(shared.FirstOrDefault(f => f.Key == key), options.FailuresPerLogin, options, endReservation);
        }

        if (clientAddress is not null)
        {
            var key = AddressKey(clientAddress);
            Entry(addresses, clientAddress, now).Adopt(shared.FirstOrDefault(f => f.Key == key), options.FailuresPerAddress, options, endReservation);
        }
    }

    /// <summary>When <paramref name="count"/> failures, the latest at <paramref name="at"/>, lock a key; MinValue when they do not.</summary>
    private static DateTimeOffset LockEnd(int count, DateTimeOffset at, int limit, LoginThrottleOptions options)
    {
        if (count < limit)
        {
            return DateTimeOffset.MinValue;
        }

        var doublings = Math.Min(count - limit, 16);
        var lockout = options.Lockout * (1 << doublings);
        return at + (lockout < options.Window ? lockout : options.Window);
    }

    private Failures Entry(ConcurrentDictionary<string, Failures> table, string key, DateTimeOffset now)
    {
        if (table.Count >= MaxEntries)
        {
            Sweep(table, now);
        }

        return table.GetOrAdd(key, _ => new Failures());
    }

    private void Sweep(ConcurrentDictionary<string, Failures> table, DateTimeOffset now)
    {
        foreach (var pair in table)
        {
            if (pair.Value.IsStale(now, options.Window))
            {
                table.TryRemove(pair.Key, out _);
            }
        }

        if (table.Count >= MaxEntries)
        {
            table.Clear();
        }
    }

    private sealed class Failures
    {
        private readonly Lock gate = new();
        private DateTimeOffset windowStart;
        private DateTimeOffset lockedUntil;
        private int count;
        private int pending;

        /// <summary>Zero and one more check in flight; or the wait, reserving nothing.</summary>
        public TimeSpan TryReserve(DateTimeOffset now, int limit, TimeSpan window)
        {
            lock (gate)
            {
                if (lockedUntil > now)
                {
                    return lockedUntil - now;
                }

                // Checks still allowed: up to the limit; after a lock has run out, one at a time (each failure relocks).
                var counted = now - windowStart > window ? 0 : count;
                var room = counted >= limit ? 1 : limit - counted;
                if (pending >= room)
                {
                    return Busy;
                }

                pending++;
                return TimeSpan.Zero;
            }
        }

        public void Release()
        {
            lock (gate)
            {
                pending = Math.Max(0, pending - 1);
            }
        }

        public TimeSpan LockedFor(DateTimeOffset now)
        {
            lock (gate)
            {
                return lockedUntil > now ? lockedUntil - now : TimeSpan.Zero;
            }
        }

        public bool IsStale(DateTimeOffset now, TimeSpan window)
        {
            lock (gate)
            {
                return now - windowStart > window && lockedUntil <= now && pending == 0;
            }
        }

        public void Add(DateTimeOffset now, int limit, LoginThrottleOptions options)
        {
            lock (gate)
            {
                pending = Math.Max(0, pending - 1); // the reservation (if any) becomes a counted failure
                if (now - windowStart > options.Window)
                {
                    windowStart = now;
                    count = 0;
                }

                count++;
                if (count >= limit)
                {
                    lockedUntil = LockEnd(count, now, limit, options);
                }
            }
        }

        /// <summary>
        /// Takes the shared count. Within one window counts only grow, so an older read (a request that started before
        /// another's failure) never lowers them; no entry means cleared (a success elsewhere), and clears here too.
        /// </summary>
        public void Adopt(LoginFailures? shared, int limit, LoginThrottleOptions options, bool endReservation)
        {
            lock (gate)
            {
                if (endReservation)
                {
                    pending = Math.Max(0, pending - 1);
                }

                if (shared is null)
                {
                    count = 0;
                    lockedUntil = DateTimeOffset.MinValue;
                    return;
                }

                if (shared.WindowStart > windowStart || (shared.WindowStart == windowStart && shared.Count > count))
                {
                    windowStart = shared.WindowStart;
                    count = shared.Count;
                }

                var until = LockEnd(shared.Count, shared.LastFailed, limit, options);
                lockedUntil = until > lockedUntil ? until : lockedUntil;
            }
        }
    }
}
