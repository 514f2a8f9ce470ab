using ChatPresence.Domain.Identity;

namespace ChatPresence.Host.Tests.Security;

/// <summary>
/// Sliding ticket expiry and JWT lifetime against the host's injected clock. Steps are longer than
/// <see cref="TicketAuthority.RecheckInterval"/>, so each use goes back to the store, not only to the memory.
/// </summary>
public sealed class SlidingExpiryTests(SecurityHostFixture fixture) : IClassFixture<SecurityHostFixture>
{
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromHours(8);

    /// <summary>(facade, how the ticket travels): SOAP tickets, REST SoTicket and REST session cookies.</summary>
    public static TheoryData<string, PresentedKind> Ways() => new()
    {
        { FacadeCallers.Soap11, PresentedKind.Ticket },
        { FacadeCallers.Soap12, PresentedKind.Ticket },
        { FacadeCallers.Rest, PresentedKind.Ticket },
        { FacadeCallers.Rest, PresentedKind.Session },
    };

    [Theory]
    [MemberData(nameof(Ways))]
    public async Task Use_within_the_idle_timeout_renews_the_ticket_and_idling_past_it_expires_it(string facade, PresentedKind kind)
    {
        var caller = fixture.Caller(facade);
        var ticket = await fixture.TicketAsync(2);
        var presented = kind == PresentedKind.Session ? SecurityCatalogue.Session(ticket) : Presented.Ticket(ticket);
        Assert.Equal(Outcome.Ok, (await caller.GetAsync(presented, null)).Outcome);

        // Three uses 7 h 59 min apart: almost 24 h in all, three times the timeout, yet never idle for 8 h.
        for (var i = 0; i < 3; i++)
        {
            fixture.Clock.Advance(IdleTimeout - TimeSpan.FromMinutes(1));
            Assert.Equal(Outcome.Ok, (await caller.GetAsync(presented, null)).Outcome);
        }

        // Saves renew it too.
        fixture.Clock.Advance(IdleTimeout - TimeSpan.FromMinutes(1));
        Assert.Equal(Outcome.Ok, (await caller.SaveAsync(presented, null, [(2, true)])).Outcome);

        fixture.Clock.Advance(IdleTimeout + TimeSpan.FromMinutes(1));
        var expired = await caller.GetAsync(presented, null);
        Assert.Equal(Outcome.NotAuthenticated, expired.Outcome);
        Assert.Equal("The ticket has expired. Log in again.", expired.Message);

        // An expired ticket stays expired: the refused call did not renew it.
        fixture.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(Outcome.NotAuthenticated, (await caller.GetAsync(presented, null)).Outcome);
        await fixture.SetPresentAsync(2, false);
        Assert.Equal(Outcome.NotAuthenticated, (await caller.SaveAsync(presented, null, [(2, true)])).Outcome);
        Assert.False(await fixture.PresentAsync(2));
    }

    [Theory]
    [MemberData(nameof(Ways))]
    public async Task Frequent_use_inside_the_memory_window_still_slides_the_expiry(string facade, PresentedKind kind)
    {
        var caller = fixture.Caller(facade);
        var ticket = await fixture.TicketAsync(2);
        var presented = kind == PresentedKind.Session ? SecurityCatalogue.Session(ticket) : Presented.Ticket(ticket);

        // Uses every 20 s (inside RecheckInterval) for a while, then a jump that is long only when counted from issue.
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(Outcome.Ok, (await caller.GetAsync(presented, null)).Outcome);
            fixture.Clock.Advance(TimeSpan.FromSeconds(20));
        }

        fixture.Clock.Advance(IdleTimeout - TimeSpan.FromSeconds(90));
        Assert.Equal(Outcome.Ok, (await caller.GetAsync(presented, null)).Outcome);
    }

    [Theory]
    [InlineData(FacadeCallers.Rest)]
    public async Task A_JWT_expires_by_the_service_clock(string facade)
    {
        var caller = fixture.Caller(facade);
        var token = Presented.Bearer(fixture.Jwt.Create("2", fixture.Clock.Now, TimeSpan.FromMinutes(10)));
        Assert.Equal(Outcome.Ok, (await caller.GetAsync(token, null)).Outcome);

        // Within the 30 s clock skew it still counts; past it, it does not.
        fixture.Clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(20));
        Assert.Equal(Outcome.Ok, (await caller.GetAsync(token, null)).Outcome);
        fixture.Clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(Outcome.NotAuthenticated, (await caller.GetAsync(token, null)).Outcome);
    }
}

/// <summary>An idle timeout (20 s) shorter than <see cref="TicketAuthority.RecheckInterval"/>.</summary>
public sealed class ShortIdleHostFixture : SecurityHostFixture
{
    protected override void Configure(IDictionary<string, string?> settings)
    {
        base.Configure(settings);
        settings["ChatPresence:Identity:TicketIdleTimeout"] = "00:00:20";
    }
}

/// <summary>Sliding expiry decided from the in-memory ticket, between two store rechecks.</summary>
public sealed class ShortIdleExpiryTests(ShortIdleHostFixture fixture) : IClassFixture<ShortIdleHostFixture>
{
    public static TheoryData<string> Facades() => new(FacadeCallers.All);

    [Theory]
    [MemberData(nameof(Facades))]
    public async Task A_remembered_ticket_slides_and_expires_without_waiting_for_the_recheck(string facade)
    {
        var caller = fixture.Caller(facade);
        var presented = Presented.Ticket(await fixture.TicketAsync(2));
        Assert.Equal(Outcome.Ok, (await caller.GetAsync(presented, null)).Outcome);

        // 15 s + 10 s: 25 s after the last store check, never idle 20 s.
        fixture.Clock.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(Outcome.Ok, (await caller.GetAsync(presented, null)).Outcome);
        fixture.Clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(Outcome.Ok, (await caller.GetAsync(presented, null)).Outcome);

        // Idle 21 s, 46 s after the store check: the store is asked again and the last use the memory saw (t+25 s) counts.
        fixture.Clock.Advance(TimeSpan.FromSeconds(21));
        var expired = await caller.GetAsync(presented, null);
        Assert.Equal(Outcome.NotAuthenticated, expired.Outcome);
        Assert.Equal("The ticket has expired. Log in again.", expired.Message);
    }

    [Theory]
    [MemberData(nameof(Facades))]
    public async Task A_ticket_idle_past_the_timeout_inside_the_memory_window_is_expired(string facade)
    {
        var caller = fixture.Caller(facade);
        var presented = Presented.Ticket(await fixture.TicketAsync(2));
        Assert.Equal(Outcome.Ok, (await caller.GetAsync(presented, null)).Outcome);

        // 21 s after the store check: the memory answers, and must say expired.
        fixture.Clock.Advance(TimeSpan.FromSeconds(21));

        Assert.Equal(Outcome.NotAuthenticated, (await caller.GetAsync(presented, null)).Outcome);
    }
}
