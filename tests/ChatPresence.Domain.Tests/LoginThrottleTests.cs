using ChatPresence.Domain.Security;
using CsCheck;

namespace ChatPresence.Domain.Tests;

public sealed class LoginThrottleTests
{
    private const string Address = "192.0.2.1";
    private const string OtherAddress = "192.0.2.2";

    private readonly ManualClock clock = new(DateTimeOffset.Parse("2026-01-05T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    private static LoginThrottleOptions Options => new()
    {
        FailuresPerLogin = 3,
        FailuresPerAddress = 5,
        Window = TimeSpan.FromMinutes(15),
        Lockout = TimeSpan.FromSeconds(60),
    };

    private LoginThrottle Throttle() => new(Options, clock);

    private static void Fail(LoginThrottle throttle, string? login, string? address, int times)
    {
        for (var i = 0; i < times; i++)
        {
            throttle.Failed(login, address);
        }
    }

    [Fact]
    public void The_login_limit_locks_that_login_for_the_lockout()
    {
        var throttle = Throttle();
        Fail(throttle, "kim", null, 2);
        Assert.Equal(TimeSpan.Zero, throttle.RetryAfter("kim", null));

        throttle.Failed("kim", null);
        Assert.Equal(TimeSpan.FromSeconds(60), throttle.RetryAfter("kim", null));
        Assert.Equal(TimeSpan.Zero, throttle.RetryAfter("lee", null)); // another login is not affected

        clock.Advance(TimeSpan.FromSeconds(45));
        Assert.Equal(TimeSpan.FromSeconds(15), throttle.RetryAfter("kim", null));
        clock.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(TimeSpan.Zero, throttle.RetryAfter("kim", null));
    }

    [Fact]
    public void Each_further_failure_doubles_the_lockout_up_to_the_window()
    {
        var throttle = Throttle();
        Fail(throttle, "kim", null, 3);
        var seen = new List<TimeSpan> { throttle.RetryAfter("kim", null) };
        for (var i = 0; i < 6; i++)
        {
            throttle.Failed("kim", null);
            seen.Add(throttle.RetryAfter("kim", null));
        }

        // 60, 120, 240, 480, then 960 would pass the 15-minute window: capped at 900.
        Assert.Equal([60, 120, 240, 480, 900, 900, 900], seen.Select(s => s.TotalSeconds));
    }

    [Fact]
    public void Failures_older_than_the_window_are_forgotten()
    {
        var inside = Throttle();
        Fail(inside, "kim", null, 2);
        clock.Advance(TimeSpan.FromMinutes(14));
        inside.Failed("kim", null);
        Assert.True(inside.RetryAfter("kim", null) > TimeSpan.Zero); // still in the window: the third failure locks

        var outside = Throttle();
        Fail(outside, "kim", null, 2);
        clock.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(1));
        outside.Failed("kim", null);
        Assert.Equal(TimeSpan.Zero, outside.RetryAfter("kim", null)); // the first two were forgotten
        Fail(outside, "kim", null, 2);
        Assert.True(outside.RetryAfter("kim", null) > TimeSpan.Zero); // and counting started again
    }

    [Fact]
    public void A_success_clears_the_login_count_but_not_the_address_count()
    {
        var throttle = Throttle();
        Fail(throttle, "kim", Address, 2);
        throttle.Succeeded("kim");
        throttle.Failed("kim", Address);
        Assert.Equal(TimeSpan.Zero, throttle.RetryAfter("kim", null)); // count restarted at one

        // The address has 3 failures; 2 more (any login) reach its limit of 5 despite the success.
        Fail(throttle, "lee", Address, 2);
        Assert.Equal(TimeSpan.FromSeconds(60), throttle.RetryAfter("someone", Address));
    }

    [Fact]
    public void The_address_limit_locks_every_login_from_that_address_only()
    {
        var throttle = Throttle();
        for (var i = 0; i < 4; i++)
        {
            throttle.Failed($"user{i}", Address); // each login stays under its own limit
        }

        Assert.Equal(TimeSpan.Zero, throttle.RetryAfter("user9", Address));
        throttle.Failed("user4", Address);
        Assert.Equal(TimeSpan.FromSeconds(60), throttle.RetryAfter("user9", Address));
        Assert.Equal(TimeSpan.FromSeconds(60), throttle.RetryAfter(null, Address));
        Assert.Equal(TimeSpan.Zero, throttle.RetryAfter("user9", OtherAddress));
        Assert.Equal(TimeSpan.Zero, throttle.RetryAfter("user0", null));
    }

    [Fact]
    public void The_longer_of_the_login_and_address_locks_is_returned()
    {
        var throttle = Throttle();
        Fail(throttle, "kim", null, 4); // login locked for 120 s
        Fail(throttle, null, Address, 5); // address locked for 60 s
        Assert.Equal(TimeSpan.FromSeconds(120), throttle.RetryAfter("kim", Address));
    }

    [Fact]
    public void Login_names_are_compared_without_case()
    {
        var throttle = Throttle();
        throttle.Failed("Kim", null);
        throttle.Failed("KIM", null);
        throttle.Failed("kim", null);
        Assert.True(throttle.RetryAfter("kIM", null) > TimeSpan.Zero);

        throttle.Succeeded("KiM");
        Assert.Equal(TimeSpan.Zero, throttle.RetryAfter("kim", null));
    }

    [Fact]
    public void Nothing_known_means_no_wait()
    {
        var throttle = Throttle();
        Fail(throttle, null, null, 10);
        Assert.Equal(TimeSpan.Zero, throttle.RetryAfter(null, null));
        Assert.Equal(TimeSpan.Zero, throttle.RetryAfter("kim", Address));
    }

    /// <summary>Issue 10: checks in flight count against the limit, so parallel attempts cannot exceed it.</summary>
    [Fact]
    public void Reservations_in_flight_count_against_the_limit()
    {
        var throttle = Throttle();
        Assert.Equal(TimeSpan.Zero, throttle.TryReserve("kim", Address));
        Assert.Equal(TimeSpan.Zero, throttle.TryReserve("kim", Address));
        Assert.Equal(TimeSpan.Zero, throttle.TryReserve("kim", Address));
        Assert.Equal(LoginThrottle.Busy, throttle.TryReserve("kim", Address)); // three in flight: no fourth check

        Fail(throttle, "kim", Address, 3);
        Assert.Equal(TimeSpan.FromSeconds(60), throttle.TryReserve("kim", Address)); // the three failures lock

        clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(TimeSpan.Zero, throttle.TryReserve("kim", null)); // after the lock: one check at a time
        Assert.Equal(LoginThrottle.Busy, throttle.TryReserve("kim", null));
        throttle.Failed("kim", null);
        Assert.Equal(TimeSpan.FromSeconds(120), throttle.TryReserve("kim", null)); // and it relocks, doubled
    }

    [Fact]
    public void A_success_or_a_release_gives_the_address_its_reservation_back()
    {
        var throttle = Throttle();
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(TimeSpan.Zero, throttle.TryReserve($"user{i}", Address));
            if (i % 2 == 0)
            {
                throttle.Succeeded($"user{i}", Address);
            }
            else
            {
                throttle.Release($"user{i}", Address);
            }
        }

        Assert.Equal(TimeSpan.Zero, throttle.RetryAfter("anyone", Address)); // twenty logins from one address, none counted
    }

    [Fact]
    public void Shared_keys_of_any_user_name_are_short_storable_text_and_tell_logins_apart_but_not_their_case()
    {
        // Any text a REST body can carry as a user name (JSON allows NUL and lone surrogates), up to 20,000 chars.
        var names = Gen.OneOf(Gen.String, Gen.Char.Array[0, 20_000].Select(c => new string(c)), Gen.String[Gen.Char[(char)0, (char)0xFFFF], 0, 400]);
        names.Sample(name =>
        {
            var key = LoginThrottle.LoginKey(name);
            Assert.InRange(key.Length, 6, 6 + 256);
            Assert.DoesNotContain(key, c => char.IsControl(c) || char.IsSurrogate(c));
            // Logins compare by their invariant upper case (Kelvin sign and K, dotted I and i stay apart, as they do
            // in the in-memory count), so the name and its upper case share a key.
            Assert.Equal(key, LoginThrottle.LoginKey(name.ToUpperInvariant()));
            Assert.NotEqual(key, LoginThrottle.LoginKey(name.ToUpperInvariant() + "X"));
            Assert.NotEqual(key, LoginThrottle.AddressKey(name));
        });
    }
}
