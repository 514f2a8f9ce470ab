using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ChatPresence.Tests;
using Microsoft.Extensions.DependencyInjection;
using static ChatPresence.Host.Tests.Tenants.TenantHostFixture;

namespace ChatPresence.Host.Tests.Tenants;

/// <summary>
/// Issue 17 on SQLite: one host, two tenants. Every route, with every credential kind issued under tenant A, called
/// under tenant B is refused (SOAP: Succeeded=false; REST: 401), and the same call under A goes through (so the
/// refusal is the tenant's doing); under an unknown tenant every route is 404. Saves, imports and the login throttle
/// stay inside their tenant; a tenant whose store cannot open answers 503 while the others serve.
/// </summary>
public abstract class TenantIsolationCatalogue(TenantHostFixture fixture)
{
    private const string Unknown = "CustZ";
    private const string SaveBody = "<t:SaveChatPresence><t:ChatPresence><t:ChatPresence><t:UserId>2</t:UserId><t:Present>true</t:Present></t:ChatPresence></t:ChatPresence></t:SaveChatPresence>";

    private static readonly string[] SoapOperations = ["GetChatPresence", "SaveChatPresence", "IsWithinOpeningHours"];

    /// <summary>REST routes a credential is checked on: method, path below /api/v1, body (JSON).</summary>
    private static readonly (string Method, string Path, string? Body)[] RestRoutes =
    [
        ("POST", "Agents/Chat/GetChatPresence", null),
        ("POST", "Agents/Chat/SaveChatPresence", "{\"ChatPresence\":[{\"UserId\":2,\"Present\":true}]}"),
        ("POST", "Agents/Chat/IsWithinOpeningHours", "{\"ChatTopicId\":1}"),
        ("GET", "Presence/GetAll", null),
        ("POST", "Presence/SaveAll", "[{\"UserId\":2,\"Present\":true}]"),
        ("GET", "Presence/Board", null),
        ("GET", "Presence/Stream", null),
        ("POST", "Logout", null),
    ];

    public enum Kind
    {
        SoapTicket,
        RestTicket,
        Session,
        Basic,
        RememberedBasic,
        Bearer,
    }

    public static TheoryData<Kind, bool> KindsAndVersions() => new()
    {
        { Kind.SoapTicket, false },
        { Kind.SoapTicket, true },
    };

    public static TheoryData<Kind> RestKinds() => new(Enum.GetValues<Kind>());

    private HttpClient Client() => fixture.Host.CreateClient();

    [Theory]
    [MemberData(nameof(KindsAndVersions))]
    public async Task A_soap_ticket_of_tenant_A_is_no_ticket_under_tenant_B(Kind kind, bool soap12)
    {
        Assert.Equal(Kind.SoapTicket, kind);
        using var client = Client();
        var ticket = await SoapLoginAsync(client, A, "agent2", "agent2", soap12);
        foreach (var operation in SoapOperations)
        {
            // Under B first, then under A: the ticket is still good, so B's refusal is B's doing.
            var there = await SoapCallAsync(client, B, soap12, operation, ticket);
            Assert.Equal(200, there.Status);
            Assert.False(there.Succeeded, $"{operation} under {B} with {A}'s ticket went through: {there.Text}");
            Assert.Contains("NotAuthenticated", there.Text, StringComparison.Ordinal);
            var here = await SoapCallAsync(client, A, soap12, operation, ticket);
            Assert.True(here.Succeeded, $"{operation} under {A} with {A}'s ticket: {here.Text}");
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_password_of_tenant_A_does_not_log_in_under_tenant_B(bool soap12)
    {
        using var client = Client();
        var there = await SoapPrincipalAsync(client, B, "agent3", "agent3", soap12);
        Assert.Equal(200, there.Status);
        Assert.False(there.Authenticated, there.Text);
        Assert.DoesNotContain(there.Xml.Descendants(SoapMessages.T + "Ticket"), t => t.Value.Length > 0);
        Assert.True((await SoapPrincipalAsync(client, B, "agent3", "b-agent3", soap12)).Authenticated);

        using var rest = await RestAsync(client, B, "POST", "Login", "{\"UserName\":\"agent3\",\"Password\":\"agent3\"}", null);
        Assert.Equal(HttpStatusCode.Unauthorized, rest.StatusCode);
    }

    [Theory]
    [MemberData(nameof(RestKinds))]
    public async Task Every_rest_route_refuses_a_credential_of_tenant_A_under_tenant_B(Kind kind)
    {
        using var client = Client();
        foreach (var (method, path, body) in RestRoutes)
        {
            if (path == "Logout" && kind != Kind.Session)
            {
                continue; // Logout ends a cookie session; other credentials have nothing to end
            }

            // A fresh credential per route: Logout and a stream's end must not spend another route's credential.
            var credential = await IssueAsync(client, kind);
            using (var there = await RestAsync(client, B, method, path, body, credential))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, there.StatusCode);
                var error = JsonNode.Parse(await there.Content.ReadAsStringAsync())!;
                Assert.Equal("NotAuthenticated", (string?)error["ErrorType"]);
            }

            // Then under A: the credential is still good there, so B's refusal is B's doing.
            using var here = await RestAsync(client, A, method, path, body, credential);
            Assert.True(here.IsSuccessStatusCode, $"{method} {path} under {A} with {kind} of {A}: {(int)here.StatusCode} {await here.Content.ReadAsStringAsync()}");
        }
    }

    [Fact]
    public async Task Every_route_under_an_unknown_tenant_is_404()
    {
        using var client = Client();
        var ticket = await SoapLoginAsync(client, A, "agent2", "agent2", soap12: false);
        foreach (var soap12 in new[] { false, true })
        {
            foreach (var operation in SoapOperations)
            {
                var reply = await SoapCallAsync(client, Unknown, soap12, operation, ticket);
                Assert.Equal(404, reply.Status);
                Assert.Equal(string.Empty, reply.Text);
            }

            Assert.Equal(404, (await SoapPrincipalAsync(client, Unknown, "agent2", "agent2", soap12)).Status);
        }

        foreach (var path in new[] { SoapMessages.ChatPath, SoapMessages.PrincipalPath })
        {
            using var wsdl = await client.GetAsync($"{Unknown}/{path}?wsdl");
            Assert.Equal(HttpStatusCode.NotFound, wsdl.StatusCode);
        }

        foreach (var (method, path, body) in RestRoutes.Append(("POST", "Login", "{\"UserName\":\"agent2\",\"Password\":\"agent2\"}")))
        {
            using var reply = await RestAsync(client, Unknown, method, path, body, new Credential(Kind.RestTicket, ticket));
            Assert.Equal(HttpStatusCode.NotFound, reply.StatusCode);
            var error = JsonNode.Parse(await reply.Content.ReadAsStringAsync())!;
            Assert.Equal("NotFound", (string?)error["ErrorType"]);
        }
    }

    [Theory]
    [InlineData(Unknown + "/", HttpStatusCode.NotFound)]
    [InlineData(Unknown + "/board/board.js", HttpStatusCode.NotFound)]
    [InlineData("", HttpStatusCode.NotFound)] // no segment: with tenants configured there is no implicit tenant
    [InlineData("board/board.js", HttpStatusCode.NotFound)]
    [InlineData(TenantHostFixture.A + "/", HttpStatusCode.OK)]
    [InlineData(TenantHostFixture.B + "/board/board.js", HttpStatusCode.OK)]
    public async Task The_board_page_is_served_only_below_a_served_tenant(string path, HttpStatusCode expected)
    {
        using var client = Client();
        using var reply = await client.GetAsync(path);
        Assert.Equal(expected, reply.StatusCode);
    }

    [Fact]
    public async Task Each_tenant_has_a_store_of_its_own_and_the_host_wide_one_is_never_made()
    {
        using var client = Client();
        await SoapLoginAsync(client, A, "agent2", "agent2", soap12: false);
        await SoapLoginAsync(client, B, "agent2", "b-agent2", soap12: false);
        Assert.Equal(8, await fixture.UsersInStoreAsync(A));
        Assert.Equal(8, await fixture.UsersInStoreAsync(B));
        Assert.Equal(0, await fixture.UsersInStoreAsync(null));
    }

    [Fact]
    public async Task The_openapi_document_describes_the_routes_below_a_tenant_segment()
    {
        using var client = Client();
        var paths = JsonNode.Parse(await client.GetStringAsync("openapi/v1.json"))!["paths"]!.AsObject().Select(p => p.Key).ToArray();
        foreach (var (_, path, _) in RestRoutes)
        {
            Assert.Contains("/{tenant}/api/v1/" + path, paths);
        }

        Assert.DoesNotContain(paths, p => p.StartsWith($"/{A}/", StringComparison.OrdinalIgnoreCase) || p.StartsWith("/api/", StringComparison.Ordinal));
    }

    [Fact]
    public void Routes_are_mapped_once_for_every_tenant_not_once_per_tenant()
    {
        // Mapped per tenant, routing (its matcher, its memory, the route tag of every request metric) grew with the
        // number of tenants: 100 tenants made a request's routing several times dearer than one tenant's.
        var patterns = fixture.Host.Services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints
            .OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>().Select(e => e.RoutePattern.RawText ?? string.Empty).ToArray();
        Assert.Contains(patterns, p => p.Equals("/{tenant}/api/v1/Presence/GetAll", StringComparison.Ordinal));
        Assert.Contains(patterns, p => p.Equals("/{tenant}/" + SoapMessages.ChatPath, StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(patterns, p => new[] { A, B, Broken }.Any(id => p.Contains(id, StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public async Task The_wsdl_address_keeps_the_tenant_segment()
    {
        using var client = Client();
        var wsdl = await client.GetStringAsync($"{B}/{SoapMessages.ChatPath}?wsdl");
        Assert.Contains($"location=\"{fixture.Host.BaseAddress}{B}/{SoapMessages.ChatPath}\"", wsdl, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_save_under_A_is_never_visible_under_B()
    {
        using var client = Client();
        var adminA = await SoapLoginAsync(client, A, "admin", "admin", soap12: false);
        var adminB = await SoapLoginAsync(client, B, "admin", "b-admin", soap12: false);
        foreach (var present in new[] { true, false, true })
        {
            var before = Present(await SoapMessages.GetPresenceAsync(Tenanted(client, B), adminB), 4);
            var saved = await SoapCallAsync(client, A, false, "SaveChatPresence", adminA, $"<t:SaveChatPresence><t:ChatPresence><t:ChatPresence><t:UserId>4</t:UserId><t:Present>{(present ? "true" : "false")}</t:Present></t:ChatPresence></t:ChatPresence></t:SaveChatPresence>");
            Assert.True(saved.Succeeded, saved.Text);
            Assert.Equal(present, Present(await SoapMessages.GetPresenceAsync(Tenanted(client, A), adminA), 4));
            Assert.Equal(before, Present(await SoapMessages.GetPresenceAsync(Tenanted(client, B), adminB), 4));

            using var rest = await RestAsync(client, B, "GET", "Presence/GetAll", null, new Credential(Kind.RestTicket, adminB));
            var row = JsonNode.Parse(await rest.Content.ReadAsStringAsync())!.AsArray().Single(r => (int)r!["UserId"]! == 4)!;
            Assert.Equal(before, (bool)row["Present"]!);
        }
    }

    [Fact]
    public async Task A_save_under_A_never_reaches_a_presence_stream_under_B()
    {
        using var client = Client();
        var adminA = await SoapLoginAsync(client, A, "admin", "admin", soap12: false);
        var adminB = await SoapLoginAsync(client, B, "admin", "b-admin", soap12: false);
        await using var stream = await Live.EventStream.OpenAsync(
            client, $"{B}/api/v1/Presence/Stream", request => request.Headers.Authorization = new AuthenticationHeaderValue("SoTicket", adminB));
        var snapshot = await stream.NextAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("snapshot", snapshot.Event);
        var seven = JsonNode.Parse(snapshot.Data)!.AsArray().Single(r => (int)r!["UserId"]! == 7)!;

        // Two saves in A, then one in B: the first presence event on B's stream is B's own save.
        foreach (var present in new[] { true, false })
        {
            var saved = await SoapCallAsync(client, A, false, "SaveChatPresence", adminA, $"<t:SaveChatPresence><t:ChatPresence><t:ChatPresence><t:UserId>6</t:UserId><t:Present>{(present ? "true" : "false")}</t:Present></t:ChatPresence></t:ChatPresence></t:SaveChatPresence>");
            Assert.True(saved.Succeeded, saved.Text);
        }

        var presentB = !(bool)seven["Present"]!;
        var savedB = await SoapCallAsync(client, B, false, "SaveChatPresence", adminB, $"<t:SaveChatPresence><t:ChatPresence><t:ChatPresence><t:UserId>7</t:UserId><t:Present>{(presentB ? "true" : "false")}</t:Present></t:ChatPresence></t:ChatPresence></t:SaveChatPresence>");
        Assert.True(savedB.Succeeded, savedB.Text);
        Live.ServerEvent next;
        do
        {
            next = await stream.NextAsync(TimeSpan.FromSeconds(5));
        }
        while (next.Event == "topic");

        Assert.Equal("presence", next.Event);
        var row = JsonNode.Parse(next.Data)!;
        Assert.Equal(7, (int)row["UserId"]!);
        Assert.Equal(presentB, (bool)row["Present"]!);
    }

    [Fact]
    public async Task An_import_into_A_never_touches_B()
    {
        using var client = Client();
        var file = Path.Combine(fixture.DataFolder, "renamed.json");
        var demo = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "samples", "demo-directory.json"));
        await File.WriteAllTextAsync(file, demo.Replace("Eva Agent", "Eva Imported", StringComparison.Ordinal));
        var command = HostCommand.Parse(["import", file, "--tenant", A.ToLowerInvariant()], out var rest);
        Assert.Empty(rest);
        var output = new StringWriter();
        var error = new StringWriter();
        Assert.Equal(0, await command!.RunAsync(fixture.Host.Services, TextReader.Null, output, error, CancellationToken.None));
        Assert.Equal(string.Empty, error.ToString());

        var adminA = await SoapLoginAsync(client, A, "admin", "admin", soap12: false);
        var adminB = await SoapLoginAsync(client, B, "admin", "b-admin", soap12: false);
        using var a = await RestAsync(client, A, "GET", "Presence/GetAll", null, new Credential(Kind.RestTicket, adminA));
        using var b = await RestAsync(client, B, "GET", "Presence/GetAll", null, new Credential(Kind.RestTicket, adminB));
        Assert.Contains("Eva Imported", await a.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var bText = await b.Content.ReadAsStringAsync();
        Assert.DoesNotContain("Eva Imported", bText, StringComparison.Ordinal);
        Assert.Contains("Eva Agent", bText, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "name one with --tenant")]
    [InlineData(Unknown, "No tenant 'CustZ'")]
    public async Task An_import_names_a_configured_tenant(string? tenant, string said)
    {
        string[] args = tenant is null ? ["import", "x.json"] : ["import", "x.json", "--tenant", tenant];
        var error = new StringWriter();
        Assert.Equal(2, await HostCommand.Parse(args, out _)!.RunAsync(fixture.Host.Services, TextReader.Null, TextWriter.Null, error, CancellationToken.None));
        Assert.Contains(said, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_throttle_lock_in_A_does_not_lock_the_same_login_in_B()
    {
        using var client = Client();
        for (var i = 0; i <= FailuresPerLogin; i++)
        {
            Assert.False((await SoapPrincipalAsync(client, A, "agent5", "wrong", soap12: false)).Authenticated);
        }

        var locked = await SoapPrincipalAsync(client, A, "agent5", "agent5", soap12: false);
        Assert.False(locked.Authenticated, "the login is not locked in A: the test proves nothing");
        Assert.True((await SoapPrincipalAsync(client, B, "agent5", "b-agent5", soap12: false)).Authenticated);
    }

    [Fact]
    public async Task A_tenant_whose_store_cannot_open_answers_503_and_the_others_serve()
    {
        using var client = Client();
        var ticket = await SoapLoginAsync(client, A, "agent2", "agent2", soap12: false);
        for (var i = 0; i < 2; i++)
        {
            var soap = await SoapCallAsync(client, Broken, false, "GetChatPresence", ticket);
            Assert.Equal(503, soap.Status);
            using var rest = await RestAsync(client, Broken, "GET", "Presence/GetAll", null, new Credential(Kind.RestTicket, ticket));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, rest.StatusCode);
            Assert.NotNull(rest.Headers.RetryAfter);
            var error = JsonNode.Parse(await rest.Content.ReadAsStringAsync())!;
            Assert.Equal("Unavailable", (string?)error["ErrorType"]);
            Assert.Equal("Presence/GetAll", (string?)error["ErrorSource"]);
            Assert.True((await SoapCallAsync(client, A, false, "GetChatPresence", ticket)).Succeeded);
        }

        // One attempt, one Error line: the second request came within the retry pause and was answered 503 at once.
        Assert.Single(fixture.Host.Log.Errors, e => e.Contains($"tenant {Broken}", StringComparison.Ordinal));

        using var health = await client.GetAsync("health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Contains("Degraded", await health.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    // ---- calls ----

    public sealed record Credential(Kind Kind, string Value, string? Xsrf = null);

    public sealed record Soap(int Status, string Text)
    {
        public System.Xml.Linq.XDocument Xml { get; } = Text.StartsWith('<') ? System.Xml.Linq.XDocument.Parse(Text) : new();

        public bool Succeeded => Status == 200 && Xml.Descendants(SoapMessages.T + "Succeeded").FirstOrDefault()?.Value == "true";

        /// <summary>SoPrincipal: the call succeeded and so did the login.</summary>
        public bool Authenticated => Succeeded && Xml.Descendants(SoapMessages.T + "AuthenticationSucceeded").FirstOrDefault()?.Value == "true";
    }

    private static HttpClient Tenanted(HttpClient client, string tenant) => new() { BaseAddress = new Uri(client.BaseAddress!, tenant + "/") };

    private static bool Present(System.Xml.Linq.XElement[] rows, int user) =>
        rows.Single(r => r.Element(SoapMessages.T + "UserId")!.Value == user.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Element(SoapMessages.T + "Present")!.Value == "true";

    private static async Task<Soap> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await client.SendAsync(request);
            return new Soap((int)response.StatusCode, await response.Content.ReadAsStringAsync());
        }
    }

    private static Task<Soap> SoapCallAsync(HttpClient client, string tenant, bool soap12, string operation, string ticket, string? body = null)
    {
        body ??= operation switch
        {
            "SaveChatPresence" => SaveBody,
            "IsWithinOpeningHours" => "<t:IsWithinOpeningHours><t:ChatTopicId>1</t:ChatTopicId></t:IsWithinOpeningHours>",
            _ => $"<t:{operation}/>",
        };
        return SendAsync(client, SoapMessages.Request(soap12, $"{tenant}/{SoapMessages.ChatPath}", operation, SoapMessages.Envelope(soap12, body, ticket)));
    }

    private static Task<Soap> SoapPrincipalAsync(HttpClient client, string tenant, string user, string password, bool soap12) =>
        SendAsync(client, SoapMessages.Request(soap12, $"{tenant}/{SoapMessages.PrincipalPath}", "AuthenticateUsernamePassword", SoapMessages.Envelope(
            soap12, $"<t:AuthenticateUsernamePassword><t:UserName>{user}</t:UserName><t:Password>{password}</t:Password></t:AuthenticateUsernamePassword>")));

    private static async Task<string> SoapLoginAsync(HttpClient client, string tenant, string user, string password, bool soap12)
    {
        var reply = await SoapPrincipalAsync(client, tenant, user, password, soap12);
        Assert.True(reply.Authenticated, reply.Text);
        return reply.Xml.Descendants(SoapMessages.T + "Ticket").Single().Value;
    }

    /// <summary>A credential of <paramref name="kind"/> issued under tenant A to agent2 (the manager for sessions, so saves of user 2 are allowed either way).</summary>
    private static async Task<Credential> IssueAsync(HttpClient client, Kind kind)
    {
        switch (kind)
        {
            case Kind.SoapTicket:
            case Kind.RestTicket:
                return new Credential(kind, await SoapLoginAsync(client, A, "agent2", "agent2", soap12: false));
            case Kind.Session:
                using (var login = await RestAsync(client, A, "POST", "Login", "{\"UserName\":\"agent2\",\"Password\":\"agent2\"}", null))
                {
                    Assert.Equal(HttpStatusCode.OK, login.StatusCode);
                    var cookies = login.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0].Split('=', 2)).ToDictionary(c => c[0], c => Uri.UnescapeDataString(c[1]));
                    return new Credential(kind, cookies["ChatPresence-Session"], cookies["XSRF-TOKEN"]);
                }

            case Kind.RememberedBasic:
                var remembered = new Credential(kind, Convert.ToBase64String(Encoding.UTF8.GetBytes("agent2:agent2")));
                using (var first = await RestAsync(client, A, "GET", "Presence/Board", null, remembered))
                {
                    Assert.Equal(HttpStatusCode.OK, first.StatusCode); // A now remembers the verified credential
                }

                return remembered;
            case Kind.Bearer:
                return new Credential(kind, Jwt("2", A));
            default:
                return new Credential(kind, Convert.ToBase64String(Encoding.UTF8.GetBytes("agent2:agent2")));
        }
    }

    private static async Task<HttpResponseMessage> RestAsync(HttpClient client, string tenant, string method, string path, string? body, Credential? credential)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), $"{tenant}/api/v1/{path}");
        request.Headers.Accept.ParseAdd(path == "Presence/Stream" ? "text/event-stream" : "application/json");
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        switch (credential?.Kind)
        {
            case Kind.SoapTicket or Kind.RestTicket:
                request.Headers.Authorization = new AuthenticationHeaderValue("SoTicket", credential.Value);
                break;
            case Kind.Bearer:
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential.Value);
                break;
            case Kind.Basic or Kind.RememberedBasic:
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", credential.Value);
                break;
            case Kind.Session:
                request.Headers.TryAddWithoutValidation("Cookie", $"ChatPresence-Session={Uri.EscapeDataString(credential.Value)}; XSRF-TOKEN={Uri.EscapeDataString(credential.Xsrf!)}");
                request.Headers.TryAddWithoutValidation("X-XSRF-TOKEN", credential.Xsrf);
                break;
        }

        // The stream never ends by itself: its headers are the answer.
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (path == "Presence/Stream" && response.IsSuccessStatusCode)
        {
            response.Dispose();
            return new HttpResponseMessage(response.StatusCode) { Content = new StringContent(string.Empty) };
        }

        return response;
    }
}

/// <summary>The catalogue on SQLite: a database file per tenant.</summary>
public sealed class SqliteTenantIsolationTests(SqliteTenantHost fixture) : TenantIsolationCatalogue(fixture), IClassFixture<SqliteTenantHost>;

/// <summary>The catalogue on PostgreSQL: a schema per tenant in one database.</summary>
[Collection(PostgresHostCollection.Name)]
public sealed class PostgresTenantIsolationTests(PostgresTenantHost fixture) : TenantIsolationCatalogue(fixture), IClassFixture<PostgresTenantHost>;
