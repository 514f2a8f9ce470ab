using ChatPresence.Contract.Security;
using System.Net;
using System.Text.Json;
using ChatPresence.Domain.Identity;

namespace ChatPresence.Host.Tests.Security;

/// <summary>REST cookie sessions: Login's cookies, the X-XSRF-TOKEN requirement, and logout ending the session for good.</summary>
public sealed class SessionTests(SecurityHostFixture fixture) : IClassFixture<SecurityHostFixture>
{
    private readonly RestCaller rest = (RestCaller)fixture.Caller(FacadeCallers.Rest);

    [Fact]
    public async Task Login_sets_an_HttpOnly_SameSite_Strict_session_cookie_and_a_readable_XSRF_cookie_bound_to_it()
    {
        var login = await rest.LoginAsync("agent2", "agent2", null);

        Assert.Equal(Outcome.Ok, login.Outcome);
        using (var body = JsonDocument.Parse(login.Body))
        {
            Assert.Equal(2, body.RootElement.GetProperty("UserId").GetInt32());
            Assert.Equal("agent2", body.RootElement.GetProperty("LoginName").GetString());
            Assert.DoesNotContain("7T:", login.Body, StringComparison.Ordinal);
        }

        var cookies = RestCaller.SetCookies(login.Response);
        var (ticket, session) = cookies[RestCaller.SessionCookie];
        var (xsrf, xsrfAttributes) = cookies[RestCaller.XsrfCookie];
        Assert.StartsWith("7T:", ticket, StringComparison.Ordinal);
        Assert.True(session.ContainsKey("httponly"));
        Assert.Equal("strict", session["samesite"], ignoreCase: true);
        Assert.Equal("/", session["path"]);
        Assert.False(xsrfAttributes.ContainsKey("httponly"), "the page must be able to read XSRF-TOKEN");
        Assert.Equal("strict", xsrfAttributes["samesite"], ignoreCase: true);
        Assert.Equal(XsrfToken.For(ticket), xsrf);
        Assert.NotEqual(ticket, xsrf);
    }

    [Fact]
    public async Task A_wrong_password_sets_no_cookie()
    {
        var login = await rest.LoginAsync("agent3", "wrong", null);

        Assert.Equal(Outcome.NotAuthenticated, login.Outcome);
        Assert.Equal("Wrong user name or password.", login.Message);
        Assert.False(login.Response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task A_form_login_works_like_a_JSON_login()
    {
        using var client = fixture.CreateClient();
        using var reply = await client.PostAsync("api/v1/Login", new FormUrlEncodedContent([new("UserName", "agent3"), new("Password", "agent3")]));

        Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
        var cookies = RestCaller.SetCookies(reply);
        var session = SecurityCatalogue.Session(cookies[RestCaller.SessionCookie].Value);
        Assert.Equal(Outcome.Ok, (await rest.GetAsync(session, null)).Outcome);
    }

    [Fact]
    public async Task The_session_cookie_needs_the_matching_X_XSRF_TOKEN_on_every_call()
    {
        var session = (await rest.LoginAsync("agent2", "agent2", null)).Session!;
        Assert.Equal(Outcome.Ok, (await rest.GetAsync(session, null)).Outcome);
        Assert.Equal(Outcome.Ok, (await rest.SaveAsync(session, null, [(2, true)])).Outcome);

        foreach (var forged in new[] { session with { XsrfHeader = null }, session with { XsrfHeader = "wrong" }, session with { XsrfHeader = string.Empty }, session with { XsrfHeader = session.XsrfHeader + "x" } })
        {
            var get = await rest.GetAsync(forged, null);
            Assert.Equal(Outcome.NotAuthenticated, get.Outcome);
            Assert.Equal(401, get.HttpStatus);

            await fixture.SetPresentAsync(2, false);
            var save = await rest.SaveAsync(forged, null, [(2, true)]);
            Assert.Equal(Outcome.NotAuthenticated, save.Outcome);
            Assert.False(await fixture.PresentAsync(2));
        }

        // The header is what counts: a matching XSRF-TOKEN cookie alone (as a cross-site request would send) is not enough.
        var cookieOnly = await rest.GetAsync(session with { XsrfHeader = null }, null);
        Assert.Equal("A session cookie needs a matching X-XSRF-TOKEN header.", cookieOnly.Message);
    }

    [Fact]
    public async Task An_Authorization_header_wins_over_the_session_cookie()
    {
        var session = (await rest.LoginAsync("agent2", "agent2", null)).Session!;
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/Agents/Chat/GetChatPresence") { Content = new StringContent(string.Empty) };
        RestCaller.Present(request, session);
        request.Headers.TryAddWithoutValidation("Authorization", "SoTicket 7T:unknown");
        using var client = fixture.CreateClient();

        using var reply = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, reply.StatusCode);
    }

    [Fact]
    public async Task After_logout_the_old_cookie_and_XSRF_value_no_longer_work_anywhere()
    {
        var login = await rest.LoginAsync("agent2", "agent2", null);
        var session = login.Session!;
        Assert.Equal(Outcome.Ok, (await rest.GetAsync(session, null)).Outcome);

        // Logout needs the X-XSRF-TOKEN too (else a foreign page could log the user out); the session survives.
        Assert.Equal(Outcome.NotAuthenticated, (await rest.CallAsync("Logout", session with { XsrfHeader = null }, null, null)).Outcome);
        Assert.Equal(Outcome.Ok, (await rest.GetAsync(session, null)).Outcome);

        var logout = await rest.CallAsync("Logout", session, null, null);
        Assert.Equal(Outcome.Ok, logout.Outcome);
        Assert.Equal(204, logout.HttpStatus);
        var cleared = RestCaller.SetCookies(logout.Response);
        foreach (var name in new[] { RestCaller.SessionCookie, RestCaller.XsrfCookie })
        {
            Assert.Equal(string.Empty, cleared[name].Value);
            Assert.True(DateTimeOffset.Parse(cleared[name].Attributes["expires"], System.Globalization.CultureInfo.InvariantCulture) < DateTimeOffset.UtcNow);
        }

        // Replaying the old cookie with the old XSRF value: refused for reads, saves and a second logout.
        Assert.Equal(Outcome.NotAuthenticated, (await rest.GetAsync(session, null)).Outcome);
        await fixture.SetPresentAsync(2, false);
        Assert.Equal(Outcome.NotAuthenticated, (await rest.SaveAsync(session, null, [(2, true)])).Outcome);
        Assert.False(await fixture.PresentAsync(2));
        Assert.Equal(Outcome.NotAuthenticated, (await rest.CallAsync("Logout", session, null, null)).Outcome);

        // The ticket behind the cookie is revoked, not just forgotten by the browser: no facade takes it.
        Assert.Equal(Outcome.NotAuthenticated, (await rest.GetAsync(Presented.Ticket(session.Value!), null)).Outcome);
        Assert.Equal(Outcome.NotAuthenticated, (await fixture.Caller(FacadeCallers.Soap11).GetAsync(Presented.Ticket(session.Value!), null)).Outcome);
    }

    [Fact]
    public async Task Logout_ends_only_its_own_session()
    {
        var first = (await rest.LoginAsync("agent2", "agent2", null)).Session!;
        var second = (await rest.LoginAsync("agent2", "agent2", null)).Session!;

        Assert.Equal(Outcome.Ok, (await rest.CallAsync("Logout", first, null, null)).Outcome);

        Assert.Equal(Outcome.NotAuthenticated, (await rest.GetAsync(first, null)).Outcome);
        Assert.Equal(Outcome.Ok, (await rest.GetAsync(second, null)).Outcome);
    }

    [Fact]
    public async Task A_ticket_from_SOAP_login_works_over_REST_and_a_REST_session_ticket_over_SOAP()
    {
        var soap = fixture.Caller(FacadeCallers.Soap12);
        var soapTicket = (await soap.LoginAsync("agent2", "agent2", null)).Session!;
        Assert.Equal(Outcome.Ok, (await rest.GetAsync(soapTicket, null)).Outcome);

        var restSession = (await rest.LoginAsync("agent2", "agent2", null)).Session!;
        Assert.Equal(Outcome.Ok, (await soap.GetAsync(Presented.Ticket(restSession.Value!), null)).Outcome);
    }
}
