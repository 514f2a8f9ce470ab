using System.Net;
using System.Text;

namespace ChatPresence.Rest.Tests;

/// <summary>Logout ends the session in the cookie, and checks that session itself, whatever Authorization says.</summary>
public sealed class LogoutTests(RestHostFixture fixture) : IClassFixture<RestHostFixture>
{
    [Fact]
    public async Task A_dead_session_cookie_is_refused_even_beside_a_valid_Authorization_header()
    {
        using var anonymous = fixture.Host.CreateClient();
        using var login = await anonymous.PostAsync(
            new Uri("api/v1/Login", UriKind.Relative),
            new StringContent("{\"UserName\":\"agent5\",\"Password\":\"agent5\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var cookies = login.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).ToArray();
        var xsrf = cookies.Single(c => c.StartsWith("XSRF-TOKEN=", StringComparison.Ordinal))["XSRF-TOKEN=".Length..];

        using (var first = Logout(cookies, xsrf, basicAdmin: false))
        {
            Assert.Equal(HttpStatusCode.NoContent, (await anonymous.SendAsync(first)).StatusCode);
        }

        using var replay = Logout(cookies, xsrf, basicAdmin: true);
        using var replayed = await anonymous.SendAsync(replay);
        Assert.Equal(HttpStatusCode.Unauthorized, replayed.StatusCode);
    }

    private static HttpRequestMessage Logout(string[] cookies, string xsrf, bool basicAdmin)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri("api/v1/Logout", UriKind.Relative));
        request.Headers.Add("Cookie", string.Join("; ", cookies));
        request.Headers.Add("X-XSRF-TOKEN", xsrf);
        if (basicAdmin)
        {
            request.Headers.Authorization = RestHostFixture.Basic("admin", "admin");
        }

        return request;
    }
}
