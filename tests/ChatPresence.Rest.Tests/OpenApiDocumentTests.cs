using System.Diagnostics;
using System.Net;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChatPresence.Tests;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ChatPresence.Rest.Tests;

/// <summary>A host (Development, real clock) that also accepts Bearer tokens, for the OpenAPI document's schemes.</summary>
public sealed class OpenApiHostFixture : HostFixture
{
    public const string SigningKey = "openapi-test-signing-key-of-at-least-32-bytes";
    public const string Issuer = "https://issuer.example.com";
    public const string Audience = "chatpresence";

    protected override string Environment => "Development";

    protected override string? DirectoryJson => null;

    protected override void Configure(IDictionary<string, string?> s)
    {
        s["ChatPresence:Security:Jwt:SigningKey"] = SigningKey;
        s["ChatPresence:Security:Jwt:Issuer"] = Issuer;
        s["ChatPresence:Security:Jwt:Audience"] = Audience;
        s["ChatPresence:Security:Jwt:UserClaimType"] = "Login"; // the tokens below name the user by login
    }
}

/// <summary>
/// The served OpenAPI document is valid OpenAPI 3.1 (checked by an independent validator, run with node from
/// <c>tests/ChatPresence.Rest.Tests/openapi-validator</c>: <c>npm ci</c> there, as ./test.sh does), names its
/// schemas as the contract does, and its security schemes are enough for an API console to call the API.
/// </summary>
public sealed class OpenApiDocumentTests(OpenApiHostFixture fixture) : IClassFixture<OpenApiHostFixture>
{
    private static readonly string ValidatorFolder = Path.Combine(RepoPaths.Root, "tests", "ChatPresence.Rest.Tests", "openapi-validator");

    [Fact]
    public async Task The_document_is_valid_OpenAPI_3_1()
    {
        var document = await DocumentAsync();
        Assert.Equal("3.1", document["openapi"]!.GetValue<string>()[..3]);
        var (valid, output) = await ValidateAsync(document.ToJsonString());
        Assert.True(valid, output);
        Assert.Contains("\"version\":\"3.1\"", output, StringComparison.Ordinal);

        // The validator is not a rubber stamp: a broken security scheme is refused.
        document["components"]!["securitySchemes"]!["Basic"]!["type"] = "password";
        var (brokenValid, brokenOutput) = await ValidateAsync(document.ToJsonString());
        Assert.False(brokenValid, brokenOutput);
    }

    [Fact]
    public async Task Schemas_are_named_as_the_contract_names_them_and_descriptions_are_true()
    {
        var document = await DocumentAsync();
        var schemas = document["components"]!["schemas"]!.AsObject().Select(p => p.Key).ToArray();
        Assert.Superset(new HashSet<string> { "ChatPresence", "TableRight", "FieldProperty", "FieldRight", "ErrorBody" }, schemas.ToHashSet());
        Assert.DoesNotContain(schemas, name => name.EndsWith("Document", StringComparison.Ordinal));

        var text = document.ToJsonString();
        Assert.DoesNotContain("not supported", text, StringComparison.OrdinalIgnoreCase);

        // Credentials are security schemes, not header parameters (OpenAPI ignores an "Authorization" parameter).
        var parameters = document["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject())
            .SelectMany(o => o.Value!["parameters"]?.AsArray() ?? []).Select(p => p!["name"]!.GetValue<string>());
        Assert.DoesNotContain("Authorization", parameters);
        Assert.DoesNotContain("X-XSRF-TOKEN", parameters);

        var schemes = document["components"]!["securitySchemes"]!.AsObject();
        Assert.Equal(["Basic", "Bearer", "SoTicket", "Session", "XsrfToken"], schemes.Select(s => s.Key));
        Assert.Equal("bearer", schemes["Bearer"]!["scheme"]!.GetValue<string>());
        Assert.Equal("header", schemes["SoTicket"]!["in"]!.GetValue<string>());
        Assert.Equal("Authorization", schemes["SoTicket"]!["name"]!.GetValue<string>());
        Assert.Equal("cookie", schemes["Session"]!["in"]!.GetValue<string>());
        Assert.Equal("X-XSRF-TOKEN", schemes["XsrfToken"]!["name"]!.GetValue<string>());

        // Login needs no credential; Logout only the session.
        Assert.Empty(document["paths"]!["/api/v1/Login"]!["post"]!["security"]?.AsArray() ?? []);
        Assert.Equal(["Session", "XsrfToken"], document["paths"]!["/api/v1/Logout"]!["post"]!["security"]!.AsArray().Single()!.AsObject().Select(p => p.Key));
    }

    /// <summary>
    /// What an API console does: for each way the operation accepts (its security requirements), fill in each
    /// scheme from its description in the document — header, cookie, http basic/bearer — and call.
    /// </summary>
    [Theory]
    [InlineData("/api/v1/Presence/GetAll", "get")]
    [InlineData("/api/v1/Agents/Chat/GetChatPresence", "post")]
    public async Task A_console_call_succeeds_with_each_security_scheme_of_the_document(string path, string method)
    {
        var document = await DocumentAsync();
        var schemes = document["components"]!["securitySchemes"]!.AsObject();
        var requirements = document["paths"]![path]![method]!["security"]!.AsArray().Select(r => r!.AsObject().Select(p => p.Key).ToArray()).ToArray();
        Assert.Equal([["Basic"], ["Bearer"], ["SoTicket"], ["Session", "XsrfToken"]], requirements);

        var values = await CredentialValuesAsync();
        foreach (var requirement in requirements)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), path.TrimStart('/'));
            var cookies = new List<string>();
            foreach (var name in requirement)
            {
                var scheme = schemes[name]!;
                var value = values[name];
                switch (scheme["type"]!.GetValue<string>(), scheme["in"]?.GetValue<string>())
                {
                    case ("http", _):
                        var httpScheme = scheme["scheme"]!.GetValue<string>();
                        request.Headers.TryAddWithoutValidation("Authorization", char.ToUpperInvariant(httpScheme[0]) + httpScheme[1..] + " " + value);
                        break;
                    case ("apiKey", "header"):
                        request.Headers.TryAddWithoutValidation(scheme["name"]!.GetValue<string>(), value);
                        break;
                    case ("apiKey", "cookie"):
                        cookies.Add(scheme["name"]!.GetValue<string>() + "=" + Uri.EscapeDataString(value));
                        break;
                    default:
                        Assert.Fail($"{name}: a scheme a console could not fill in");
                        break;
                }
            }

            if (cookies.Count > 0)
            {
                request.Headers.TryAddWithoutValidation("Cookie", string.Join("; ", cookies));
            }

            using var client = CookielessClient();
            using var response = await client.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{string.Join("+", requirement)}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        // And without any of them: 401, so the calls above were authenticated by what the schemes put in.
        using var anonymous = CookielessClient();
        using var refused = await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), path.TrimStart('/')));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task The_API_reference_page_is_at_scalar_in_Development()
    {
        using var client = fixture.Host.CreateClient();
        using var response = await client.GetAsync(new Uri("scalar", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("openapi/v1.json", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, HttpStatusCode.NotFound)]
    [InlineData("true", HttpStatusCode.OK)]
    public async Task Outside_Development_the_API_reference_page_is_there_only_when_enabled(string? enabled, HttpStatusCode expected)
    {
        await using var host = await ChatPresenceHost.StartAsync(s => s["ChatPresence:ApiReference:Enabled"] = enabled, environment: "Production");
        using var client = host.CreateClient();
        using var response = await client.GetAsync(new Uri("scalar", UriKind.Relative));
        Assert.Equal(expected, response.StatusCode);
    }

    /// <summary>What a user would type into each scheme's field: Basic user/password, a JWT, a ticket, the session cookies.</summary>
    private async Task<Dictionary<string, string>> CredentialValuesAsync()
    {
        using var client = CookielessClient();
        using var login = await client.PostAsync(new Uri("api/v1/Login", UriKind.Relative), new StringContent("""{"UserName":"admin","Password":"admin"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var cookies = login.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0].Split('=', 2)).ToDictionary(c => c[0], c => Uri.UnescapeDataString(c[1]));
        var ticket = cookies["ChatPresence-Session"];
        fixture.Host.Secrets.AddSecret(ticket);

        var jwt = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = OpenApiHostFixture.Issuer,
            Audience = OpenApiHostFixture.Audience,
            Expires = DateTime.UtcNow.AddMinutes(10),
            Subject = new ClaimsIdentity([new Claim("sub", "admin")]),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(OpenApiHostFixture.SigningKey)), SecurityAlgorithms.HmacSha256),
        });
        return new Dictionary<string, string>
        {
            ["Basic"] = Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:admin")),
            ["Bearer"] = jwt,
            ["SoTicket"] = "SoTicket " + ticket,
            ["Session"] = ticket,
            ["XsrfToken"] = cookies["XSRF-TOKEN"],
        };
    }

    private HttpClient CookielessClient() => fixture.Host.CreateClient(keepCookies: false);

    private async Task<JsonObject> DocumentAsync()
    {
        using var client = fixture.Host.CreateClient();
        return JsonNode.Parse(await client.GetStringAsync(new Uri("openapi/v1.json", UriKind.Relative)))!.AsObject();
    }

    private static async Task<(bool Valid, string Output)> ValidateAsync(string json)
    {
        Assert.True(
            Directory.Exists(Path.Combine(ValidatorFolder, "node_modules", "@seriousme", "openapi-schema-validator")),
            "The OpenAPI validator is not installed. Run ./test.sh, or: npm ci --prefix tests/ChatPresence.Rest.Tests/openapi-validator");
        var file = Path.Combine(Path.GetTempPath(), $"chatpresence-openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, json);
        try
        {
            var start = new ProcessStartInfo("node", [Path.Combine(ValidatorFolder, "validate.mjs"), file])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = ValidatorFolder,
            };
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
            var text = (await output).Trim();
            Assert.True(text.StartsWith('{'), "validator: " + text + await error);
            return (JsonDocument.Parse(text).RootElement.GetProperty("valid").GetBoolean(), text);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
