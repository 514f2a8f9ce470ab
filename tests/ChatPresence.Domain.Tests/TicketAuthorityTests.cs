using ChatPresence.Domain.Identity;
using static ChatPresence.Domain.Tests.AgentWorld;

namespace ChatPresence.Domain.Tests;

public sealed class TicketAuthorityTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static async Task<AgentWorld> WithPasswordAsync()
    {
        var world = await CreateAsync();
        await world.Passwords.SetAsync(AgentA, "secret", None);
        return world;
    }

    [Fact]
    public async Task The_right_password_gives_a_7T_ticket_that_authenticates()
    {
        await using var world = await WithPasswordAsync();
        var login = await world.Authenticator.LoginAsync("A", "secret", null, null, "en", None); // login names are case-insensitive
        Assert.True(login.Succeeded);
        Assert.StartsWith("7T:", login.Ticket, StringComparison.Ordinal);
        Assert.Equal(32, Convert.FromBase64String(login.Ticket![3..]).Length); // 256 random bits
        Assert.Equal(AgentA, (await world.Tickets.AuthenticateTicketAsync(login.Ticket, "en", None)).UserId);
    }

    [Theory]
    [InlineData("a", "wrong")]
    [InlineData("a", "")]
    [InlineData("nobody", "secret")]
    [InlineData("b", "secret")] // b has no password
    public async Task A_wrong_login_fails_without_a_ticket(string user, string password)
    {
        await using var world = await WithPasswordAsync();
        var login = await world.Authenticator.LoginAsync(user, password, null, null, "en", None);
        Assert.False(login.Succeeded);
        Assert.Null(login.Ticket);
        Assert.Equal("Wrong user name or password.", login.Message);
    }

    [Fact]
    public async Task Only_a_hash_of_the_ticket_is_stored()
    {
        await using var world = await WithPasswordAsync();
        var login = await world.Authenticator.LoginAsync("a", "secret", null, null, "en", None);
        var stored = await world.Store.FindTicketAsync(TicketAuthority.HashTicket(login.Ticket!), None);
        Assert.NotNull(stored);
        Assert.Null(await world.Store.FindTicketAsync(System.Text.Encoding.UTF8.GetBytes(login.Ticket!), None));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("7T:unknown")]
    [InlineData("not-a-ticket")]
    public async Task A_bad_ticket_is_refused(string? ticket)
    {
        await using var world = await WithPasswordAsync();
        var error = await Assert.ThrowsAsync<ChatPresenceException>(async () => await world.Tickets.AuthenticateTicketAsync(ticket, "en", None));
        Assert.Equal(FailureReason.NotAuthenticated, error.Reason);
    }

    [Fact]
    public async Task A_remembered_ticket_vouches_for_itself_only()
    {
        // Remembered tickets are kept by the ticket itself (no hash per request): a ticket of the same length that
        // differs in one character (the first after 7T:, or the last before the base64 padding) is asked of the store
        // and refused.
        await using var world = await WithPasswordAsync();
        var ticket = (await world.Authenticator.LoginAsync("a", "secret", null, null, "en", None)).Ticket!;
        await world.Tickets.AuthenticateTicketAsync(ticket, "en", None);
        Assert.Equal(1, world.Tickets.RememberedTickets);

        foreach (var at in new[] { 3, ticket.Length - 2 })
        {
            var other = string.Concat(ticket.AsSpan(0, at), ticket[at] == 'A' ? "B" : "A", ticket.AsSpan(at + 1));
            var error = await Assert.ThrowsAsync<ChatPresenceException>(async () => await world.Tickets.AuthenticateTicketAsync(other, "en", None));
            Assert.Equal(FailureReason.NotAuthenticated, error.Reason);
        }

        Assert.Equal(AgentA, (await world.Tickets.AuthenticateTicketAsync(ticket, "en", None)).UserId);
    }

    [Fact]
    public async Task Use_inside_the_window_renews_and_idle_past_it_expires()
    {
        await using var world = await WithPasswordAsync();
        var ticket = (await world.Authenticator.LoginAsync("a", "secret", null, null, "en", None)).Ticket!;

        // Used every 7 hours for a day: each use slides the 8-hour window.
        for (var i = 0; i < 4; i++)
        {
            world.Clock.Advance(TimeSpan.FromHours(7));
            await world.Tickets.AuthenticateTicketAsync(ticket, "en", None);
        }

        world.Clock.Advance(TimeSpan.FromHours(8) + TimeSpan.FromMinutes(1));
        var error = await Assert.ThrowsAsync<ChatPresenceException>(async () => await world.Tickets.AuthenticateTicketAsync(ticket, "en", None));
        Assert.Equal(Text.TextId.TicketExpired, error.TextId);
    }

    [Fact]
    public async Task Revoked_tickets_stop_working()
    {
        await using var world = await WithPasswordAsync();
        var ticket = (await world.Authenticator.LoginAsync("a", "secret", null, null, "en", None)).Ticket!;
        await world.Tickets.AuthenticateTicketAsync(ticket, "en", None);

        Assert.Equal(1, await world.Tickets.RevokeTicketsAsync(AgentA, None));
        await Assert.ThrowsAsync<ChatPresenceException>(async () => await world.Tickets.AuthenticateTicketAsync(ticket, "en", None));
    }

    [Fact]
    public async Task Expired_tickets_are_forgotten_even_if_never_presented_again()
    {
        await using var world = await WithPasswordAsync();
        var abandoned = (await world.Authenticator.LoginAsync("a", "secret", null, null, "en", None)).Ticket!;
        await world.Tickets.AuthenticateTicketAsync(abandoned, "en", None);
        Assert.Equal(1, world.Tickets.RememberedTickets);

        world.Clock.Advance(TimeSpan.FromHours(9));
        var fresh = (await world.Authenticator.LoginAsync("a", "secret", null, null, "en", None)).Ticket!;
        await world.Tickets.AuthenticateTicketAsync(fresh, "en", None);

        Assert.Equal(1, world.Tickets.RememberedTickets);
        await Assert.ThrowsAsync<ChatPresenceException>(async () => await world.Tickets.AuthenticateTicketAsync(abandoned, "en", None));
    }
}
