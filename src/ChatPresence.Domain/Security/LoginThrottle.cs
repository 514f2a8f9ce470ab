using System.Collections.Concurrent;

namespace ChatPresence.Domain.Security;

/// <summary>
/// Counts wrong passwords per login and per client address. Once either count reaches its limit within the window,
/// password checks for that login (or from that address) are refused without looking at the password, for
/// <see cref="LoginThrottleOptions.Lockout"/>, doubling with each further failure up to the window. A correct
/// password clears the login's count (not the address's), so one locked login never blocks another account.
/// </summary>
public sealed class LoginThrottle(LoginThrottleOptions options, TimeProvider clock)
{
    // Bounds memory under a spray of made-up logins: expired entries are dropped first, then everything.
    private const int MaxEntries = 100_000;

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

    public void Failed(string? login, string? clientAddress)
    {
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
                    var doublings = Math.Min(count - limit, 16);
                    var lockout = options.Lockout * (1 << doublings);
                    lockedUntil = now + (lockout < options.Window ? lockout : options.Window);
                }
            }
        }
    }
}
