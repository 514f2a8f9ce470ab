using System.Net;
using System.Text.Json;

namespace ChatPresence.Host.Tests.Security;

/// <summary>Online mode: no call and no login without a registered application token; Basic refused.</summary>
public sealed class OnlineApplicationTokenTests(OnlineHostFixture fixture) : IClassFixture<OnlineHostFixture>
{
    /// <summary>(facade, token sent) for tokens that must be refused; "(none)" sends no token at all.</summary>
    public static TheoryData<string, string> WrongTokens()
    {
        var rows = new TheoryData<string, string>();
        foreach (var facade in FacadeCallers.All)
        {
            foreach (var token in new[] { "(none)", string.Empty, "wrong", OnlineHostFixture.ApplicationToken.ToUpperInvariant(), OnlineHostFixture.ApplicationToken + "x", OnlineHostFixture.ApplicationToken[..^1], new string('t', 2000) })
            {
                rows.Add(facade, token);
            }
        }

        return rows;
    }

    public static TheoryData<string> Facades() => new(FacadeCallers.All);

    [Theory]
    [MemberData(nameof(WrongTokens))]
    public async Task A_valid_ticket_without_the_right_application_token_is_refused_and_saves_nothing(string facade, string token)
    {
        var sent = token == "(none)" ? null : token;
        var caller = fixture.Caller(facade);
        var ticket = Presented.Ticket(await fixture.TicketAsync(2));

        var get = await caller.GetAsync(ticket, sent);
        Assert.Equal(Outcome.ApplicationTokenRequired, get.Outcome);
        Assert.Equal("A valid application token is required.", get.Message);

        await fixture.SetPresentAsync(2, false);
        var save = await caller.SaveAsync(ticket, sent, [(2, true)]);
        Assert.Equal(Outcome.ApplicationTokenRequired, save.Outcome);
        Assert.False(await fixture.PresentAsync(2));

        // The same ticket with the token works: only the token was missing.
        Assert.Equal(Outcome.Ok, (await caller.GetAsync(ticket, OnlineHostFixture.ApplicationToken)).Outcome);
    }

    [Theory]
    [MemberData(nameof(WrongTokens))]
    public async Task A_login_with_the_right_password_but_without_the_right_application_token_is_refused(string facade, string token)
    {
        var login = await fixture.Caller(facade).LoginAsync("agent3", "agent3", token == "(none)" ? null : token);

        Assert.Equal(Outcome.ApplicationTokenRequired, login.Outcome);
        Assert.Null(login.Session);
        Assert.DoesNotContain("7T:", login.Body, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Facades))]
    public async Task A_login_with_the_application_token_gives_a_session_that_still_needs_the_token(string facade)
    {
        var caller = fixture.Caller(facade);
        var login = await caller.LoginAsync("agent3", "agent3", OnlineHostFixture.ApplicationToken);
        Assert.Equal(Outcome.Ok, login.Outcome);

        var rows = (await caller.GetAsync(login.Session!, OnlineHostFixture.ApplicationToken)).Rows;
        Assert.Equal(3, Assert.Single(rows, r => r.TableRight == "Select Update").UserId);
        Assert.Equal(Outcome.ApplicationTokenRequired, (await caller.GetAsync(login.Session!, null)).Outcome);
    }

    [Fact]
    public async Task Basic_with_the_right_password_is_refused_and_not_offered()
    {
        var result = await fixture.Caller(FacadeCallers.Rest).GetAsync(Presented.Basic("admin", "admin"), OnlineHostFixture.ApplicationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, result.Response.StatusCode);
        Assert.Equal("NotAuthenticated", result.ErrorType);
        Assert.Equal("Basic authentication is not accepted here. Use a ticket, a Bearer token or a session.", result.Message);
        Assert.Equal(["SoTicket", "Bearer"], result.Response.Headers.WwwAuthenticate.Select(c => c.Scheme));
    }

    [Fact]
    public async Task A_missing_application_token_is_reported_before_a_missing_credential()
    {
        var result = await fixture.Caller(FacadeCallers.Rest).GetAsync(Presented.None, null);

        Assert.Equal(Outcome.ApplicationTokenRequired, result.Outcome);
        Assert.Equal(401, result.HttpStatus);
        using var body = JsonDocument.Parse(result.Body);
        Assert.Equal("ApplicationTokenRequired", body.RootElement.GetProperty("ErrorType").GetString());
    }
}

/// <summary>On-site mode: application tokens are not checked at all.</summary>
public sealed class OnsiteApplicationTokenTests(SecurityHostFixture fixture) : IClassFixture<SecurityHostFixture>
{
    public static TheoryData<string> Facades() => new(FacadeCallers.All);

    [Theory]
    [MemberData(nameof(Facades))]
    public async Task A_garbage_application_token_is_ignored(string facade)
    {
        var caller = fixture.Caller(facade);
        var login = await caller.LoginAsync("agent5", "agent5", "garbage");
        Assert.Equal(Outcome.Ok, login.Outcome);

        Assert.Equal(Outcome.Ok, (await caller.GetAsync(login.Session!, "garbage")).Outcome);
        await fixture.SetPresentAsync(5, false);
        Assert.Equal(Outcome.Ok, (await caller.SaveAsync(login.Session!, "garbage", [(5, true)])).Outcome);
        Assert.True(await fixture.PresentAsync(5));
    }
}
