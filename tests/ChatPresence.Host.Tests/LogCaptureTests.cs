using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using ChatPresence.Tests;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ChatPresence.Host.Tests;

/// <summary>
/// A host logging at Trace sees logins and calls with every credential scheme, over SOAP and REST, and its log holds
/// none of the credentials. Passwords here are distinctive, so they are looked for as bare values too.
/// </summary>
public sealed partial class LogCaptureTests
{
    private const string Ns = SoapMessages.Tns;
    private const string SigningKey = "log-capture-test-signing-key-0123456789";
    private const string AppToken = "app-token-Vq81-logcap";
    private const string AppTokenHeader = "<t:ApplicationToken>" + AppToken + "</t:ApplicationToken>";
    private const string WrongPassword = "Wrong-Pass-3zZq";
    private const string GetChatPresence = "api/v1/Agents/Chat/GetChatPresence"; // POST calls; GET without a body describes the route

    // Distinctive passwords (not the demo ones, which equal login names) so a bare occurrence is a finding.
    private static readonly Dictionary<string, string> Passwords = new()
    {
        ["admin"] = "Adm1n-Pass-7Qx",
        ["agent2"] = "Ag2-Pass-K9wz",
        ["agent3"] = "Ag3-Pass-M4ty",
        ["agent4"] = "Ag4-Pass-R2hb",
    };

    private static string DirectoryJson => $$"""
        {
          "users": [
            { "id": 1, "login": "admin", "displayName": "Ada Admin", "role": "Administrator", "chatAccess": true, "password": "{{Passwords["admin"]}}" },
            { "id": 2, "login": "agent2", "displayName": "Bjørn Agent", "role": "Agent", "chatAccess": true, "password": "{{Passwords["agent2"]}}" },
            { "id": 3, "login": "agent3", "displayName": "Cecilia Agent", "role": "Agent", "chatAccess": true, "password": "{{Passwords["agent3"]}}" },
            { "id": 4, "login": "agent4", "displayName": "David Agent", "role": "Agent", "chatAccess": true, "password": "{{Passwords["agent4"]}}" }
          ],
          "topics": [ { "id": 1, "name": "Sales" } ],
          "memberships": [ { "topicId": 1, "userId": 2, "canRespond": true } ]
        }
        """;

    [Theory]
    [InlineData("Production", "Onsite")]
    [InlineData("Development", "Onsite")]
    [InlineData("Production", "Online")]
    public async Task Logins_and_calls_with_every_scheme_are_logged_without_a_credential(string environment, string mode)
    {
        var online = mode == "Online";
        await using var host = await ChatPresenceHost.StartAsync(
            settings =>
            {
                settings["ChatPresence:Mode"] = mode;
                settings["ChatPresence:Security:ApplicationTokens:0"] = AppToken;
                settings["ChatPresence:Security:Jwt:SigningKey"] = SigningKey;
                settings["ChatPresence:Security:Jwt:Issuer"] = "https://issuer.test";
                settings["ChatPresence:Security:Jwt:Audience"] = "chatpresence";
                settings["ChatPresence:Security:Jwt:UserClaimType"] = "Login"; // its tokens name logins
                settings["ChatPresence:Security:LoginThrottle:FailuresPerLogin"] = "3";
            },
            DirectoryJson,
            environment);
        foreach (var password in Passwords.Values.Append(WrongPassword).Append(AppToken).Append(SigningKey))
        {
            host.Secrets.AddSecret(password);
        }

        using var client = host.CreateClient();
        client.DefaultRequestHeaders.Add("SO-AppToken", AppToken);

        // SOAP: SoPrincipal login, a call with its ticket, a wrong password, a throttled login.
        var ticket = await SoapMessages.LoginAsync(client, "agent2", Passwords["agent2"], extraHeaders: AppTokenHeader);
        host.Secrets.AddSecret(ticket);
        Assert.Contains("<t:Succeeded>true</t:Succeeded>", await SoapAsync(client, "GetChatPresence", ticket, "<GetChatPresence xmlns=\"" + Ns + "\" />"), StringComparison.Ordinal);
        Assert.Contains("AuthenticationSucceeded>false<", await SoapAsync(client, "AuthenticateUsernamePassword", null, Login("agent2", WrongPassword)), StringComparison.Ordinal);

        // Bearer: REST in both modes; SOAP carries it in Credentials/Ticket in online mode.
        var jwt = Jwt("agent2");
        host.Secrets.AddSecret(jwt);
        Assert.Equal(HttpStatusCode.OK, (await GetPresenceAsync(client, new AuthenticationHeaderValue("Bearer", jwt))).StatusCode);
        if (online)
        {
            Assert.Contains("<t:Succeeded>true</t:Succeeded>", await SoapAsync(client, "GetChatPresence", jwt, "<GetChatPresence xmlns=\"" + Ns + "\" />"), StringComparison.Ordinal);
        }

        // REST: SoTicket and Basic headers.
        Assert.Equal(HttpStatusCode.OK, (await GetPresenceAsync(client, new AuthenticationHeaderValue("SoTicket", ticket))).StatusCode);
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes("agent2:" + Passwords["agent2"]));
        host.Secrets.AddSecret(basic);
        Assert.Equal(online ? HttpStatusCode.Unauthorized : HttpStatusCode.OK, (await GetPresenceAsync(client, new AuthenticationHeaderValue("Basic", basic))).StatusCode);
        var wrongBasic = Convert.ToBase64String(Encoding.UTF8.GetBytes("agent2:" + WrongPassword));
        host.Secrets.AddSecret(wrongBasic);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetPresenceAsync(client, new AuthenticationHeaderValue("Basic", wrongBasic))).StatusCode);

        // REST cookie session: Login, a call with X-XSRF-TOKEN, Logout.
        var cookies = new CookieContainer();
        using (var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = host.BaseAddress })
        {
            browser.DefaultRequestHeaders.Add("SO-AppToken", AppToken);
            Assert.Equal(HttpStatusCode.OK, (await RestLoginAsync(browser, "agent3", Passwords["agent3"])).StatusCode);
            var session = cookies.GetCookies(host.BaseAddress)["ChatPresence-Session"]!.Value;
            var xsrf = cookies.GetCookies(host.BaseAddress)["XSRF-TOKEN"]!.Value;
            host.Secrets.AddSecret(session).AddSecret(Uri.UnescapeDataString(session)).AddSecret(xsrf);
            browser.DefaultRequestHeaders.Add("X-XSRF-TOKEN", xsrf);
            Assert.Equal(HttpStatusCode.OK, (await browser.PostAsync(GetChatPresence, null)).StatusCode);
            Assert.Equal(HttpStatusCode.NoContent, (await browser.PostAsync("api/v1/Logout", null)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await browser.PostAsync(GetChatPresence, null)).StatusCode);
        }

        // Wrong passwords until the login is throttled (limit 3 here), over REST and then SOAP.
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await RestLoginAsync(client, "agent4", WrongPassword)).StatusCode);
        }

        var throttled = await RestLoginAsync(client, "agent4", Passwords["agent4"]);
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.NotNull(throttled.Headers.RetryAfter);
        Assert.Contains("<t:ExceptionType>Throttled</t:ExceptionType>", await SoapAsync(client, "AuthenticateUsernamePassword", null, Login("agent4", Passwords["agent4"])), StringComparison.Ordinal);

        // The capture saw the traffic, at Trace level, and no credential.
        var log = host.Log.Text;
        Assert.Contains("/api/v1/Login", log, StringComparison.Ordinal);
        Assert.Contains("/api/v1/Logout", log, StringComparison.Ordinal);
        Assert.Contains("SoPrincipal.svc", log, StringComparison.Ordinal);
        Assert.Contains("Chat.svc", log, StringComparison.Ordinal);
        Assert.Contains(host.Log.Entries, e => e.Contains(" Trace ", StringComparison.Ordinal));
        Assert.Empty(host.Secrets.Scan(log));
    }

    [Fact]
    public async Task A_logged_credential_fails_the_host_on_dispose()
    {
        var host = await ChatPresenceHost.StartAsync();
        host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("LogCaptureTests")
            .LogTrace("Deliberate fake leak (this test checks that it is caught): ticket {Ticket}", "7T:ZmFrZS10aWNrZXQtZm9yLXRoZS1zY2FubmVy");
        var error = await Assert.ThrowsAsync<SecretLeakedException>(async () => await host.DisposeAsync());
        Assert.Contains("ticket (7T:…)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_run_log_file_gets_every_captured_line()
    {
        await using var host = await ChatPresenceHost.StartAsync();
        using var client = host.CreateClient();
        var marker = "health-" + Guid.NewGuid().ToString("N");
        await client.GetAsync("health?" + marker);
        Assert.Contains(host.Log.Entries, e => e.Contains(marker, StringComparison.Ordinal));
        using var file = new FileStream(LogCapture.RunLogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        Assert.Contains(marker, await new StreamReader(file).ReadToEndAsync(), StringComparison.Ordinal);
    }

    private static string Login(string user, string password) =>
        $"<AuthenticateUsernamePassword xmlns=\"{Ns}\"><UserName>{user}</UserName><Password>{password}</Password></AuthenticateUsernamePassword>";

    /// <summary>A SOAP 1.1 call with the application token (the host runs online): the reply text.</summary>
    private static async Task<string> SoapAsync(HttpClient client, string operation, string? ticket, string body)
    {
        var reply = await SoapMessages.CallAsync(client, soap12: false, operation, body, ticket, AppTokenHeader);
        Assert.Equal(200, reply.Status);
        return reply.Text;
    }

    private static async Task<HttpResponseMessage> GetPresenceAsync(HttpClient client, AuthenticationHeaderValue authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, GetChatPresence);
        request.Headers.Authorization = authorization;
        return await client.SendAsync(request);
    }

    private static Task<HttpResponseMessage> RestLoginAsync(HttpClient client, string user, string password) =>
        client.PostAsync("api/v1/Login", new StringContent($"{{\"UserName\":\"{user}\",\"Password\":\"{password}\"}}", Encoding.UTF8, "application/json"));

    private static string Jwt(string subject) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = "https://issuer.test",
        Audience = "chatpresence",
        Subject = new ClaimsIdentity([new Claim("sub", subject)]),
        Expires = DateTime.UtcNow.AddMinutes(10),
        SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(SigningKey)), SecurityAlgorithms.HmacSha256),
    });

}
