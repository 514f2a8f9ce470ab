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

    public void Succeeded(string login) => logins.TryRemove(login, out _);

    private void Count(ConcurrentDictionary<string, Failures> table, string key, int limit, DateTimeOffset now)
    {
        if (table.Count >= MaxEntries)
        {
            Sweep(table, now);
        }

        table.GetOrAdd(key, _ => new Failures()).Add(now, limit, options);
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
                return now - windowStart > window && lockedUntil <= now;
            }
        }

        public void Add(DateTimeOffset now, int limit, LoginThrottleOptions options)
        {
            lock (gate)
            {
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
