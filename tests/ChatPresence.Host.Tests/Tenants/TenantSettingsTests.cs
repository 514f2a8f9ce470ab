using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ChatPresence.Tests;
using Microsoft.Extensions.Options;

namespace ChatPresence.Host.Tests.Tenants;

/// <summary>
/// Issue 17: per-tenant settings on real hosts. Application tokens (online mode) belong to their tenant; tenant ids
/// must be safe path segments and file names; a tenant declared by its InitialDirectory alone gets that data in its
/// own SQLite file.
/// </summary>
public sealed class TenantSettingsTests
{
    private static readonly string Demo = Path.Combine(RepoPaths.Root, "samples", "demo-directory.json");

    /// <summary>Online mode, tenants CustA and CustB with the demo directory, each with an application token of its own.</summary>
    private static void OnlineTenants(IDictionary<string, string?> settings)
    {
        settings["ChatPresence:Mode"] = "Online";
        settings["ChatPresence:Tenants:CustA:InitialDirectory"] = Demo;
        settings["ChatPresence:Tenants:CustA:ApplicationTokens:0"] = "token-of-a";
        settings["ChatPresence:Tenants:CustB:InitialDirectory"] = Demo;
        settings["ChatPresence:Tenants:CustB:ApplicationTokens:0"] = "token-of-b";
    }

    [Fact]
    public async Task An_application_token_of_tenant_A_is_no_token_under_tenant_B()
    {
        await using var host = await ChatPresenceHost.StartAsync(OnlineTenants);
        using var client = host.CreateClient();
        foreach (var (tenant, token, accepted) in new[] { ("CustB", "token-of-a", false), ("CustA", "token-of-a", true), ("CustB", "token-of-b", true), ("CustA", "token-of-b", false) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"{tenant}/api/v1/Login")
            {
                Content = new StringContent("{\"UserName\":\"agent2\",\"Password\":\"agent2\"}", Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("SO-AppToken", token);
            using var reply = await client.SendAsync(request);
            var body = await reply.Content.ReadAsStringAsync();
            if (accepted)
            {
                Assert.True(reply.StatusCode == HttpStatusCode.OK, $"{tenant} with {token}: {(int)reply.StatusCode} {body}");
            }
            else
            {
                Assert.Equal(HttpStatusCode.Unauthorized, reply.StatusCode);
                Assert.Equal("ApplicationTokenRequired", (string?)JsonNode.Parse(body)!["ErrorType"]);
            }
        }
    }

    [Fact]
    public async Task A_jwt_is_valid_only_under_the_tenant_its_claim_names()
    {
        const string key = "a-signing-key-of-at-least-32-bytes!!";
        await using var host = await ChatPresenceHost.StartAsync(settings =>
        {
            settings["ChatPresence:Tenants:CustA:InitialDirectory"] = Demo;
            settings["ChatPresence:Tenants:CustB:InitialDirectory"] = Demo;
            settings["ChatPresence:Security:Jwt:SigningKey"] = key;
            settings["ChatPresence:Security:Jwt:Issuer"] = "issuer";
            settings["ChatPresence:Security:Jwt:Audience"] = "chat";
            settings["ChatPresence:Security:Jwt:TenantClaim"] = "org";
        });
        using var client = host.CreateClient();
        string Mint(string? tenant)
        {
            var claims = new Dictionary<string, object> { ["sub"] = "2" };
            if (tenant is not null)
            {
                claims["org"] = tenant;
            }

            return new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().CreateToken(new Microsoft.IdentityModel.Tokens.SecurityTokenDescriptor
            {
                Issuer = "issuer",
                Audience = "chat",
                Claims = claims,
                Expires = DateTime.UtcNow.AddMinutes(5),
                SigningCredentials = new Microsoft.IdentityModel.Tokens.SigningCredentials(
                    new Microsoft.IdentityModel.Tokens.SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), Microsoft.IdentityModel.Tokens.SecurityAlgorithms.HmacSha256),
            });
        }

        foreach (var (tenant, claim, accepted) in new[] { ("CustB", "CustA", false), ("CustA", "CustA", true), ("CustA", null, false), ("CustB", "custb", true) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{tenant}/api/v1/Presence/GetAll");
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Mint(claim));
            using var reply = await client.SendAsync(request);
            Assert.True(reply.StatusCode == (accepted ? HttpStatusCode.OK : HttpStatusCode.Unauthorized), $"{tenant} with a token for {claim ?? "no tenant"}: {(int)reply.StatusCode}");
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Online_a_soap_bearer_for_tenant_A_is_refused_under_tenant_B(bool soap12)
    {
        await using var host = await ChatPresenceHost.StartAsync(settings =>
        {
            OnlineTenants(settings);
            settings["ChatPresence:Security:Jwt:SigningKey"] = TenantHostFixture.JwtKey;
            settings["ChatPresence:Security:Jwt:Issuer"] = "issuer";
            settings["ChatPresence:Security:Jwt:Audience"] = "chat";
        });
        using var client = host.CreateClient();
        var bearer = TenantHostFixture.Jwt("2", "CustA");
        foreach (var operation in new[] { "GetChatPresence", "SaveChatPresence", "IsWithinOpeningHours" })
        {
            var body = operation switch
            {
                "SaveChatPresence" => "<t:SaveChatPresence><t:ChatPresence><t:ChatPresence><t:UserId>2</t:UserId><t:Present>true</t:Present></t:ChatPresence></t:ChatPresence></t:SaveChatPresence>",
                "IsWithinOpeningHours" => "<t:IsWithinOpeningHours><t:ChatTopicId>1</t:ChatTopicId></t:IsWithinOpeningHours>",
                _ => $"<t:{operation}/>",
            };
            foreach (var (tenant, token, accepted) in new[] { ("CustB", "token-of-b", false), ("CustA", "token-of-a", true) })
            {
                var reply = await SoapMessages.SendAsync(client, SoapMessages.Request(soap12, $"{tenant}/{SoapMessages.ChatPath}", operation,
                    SoapMessages.Envelope(soap12, body, bearer, $"<t:ApplicationToken>{token}</t:ApplicationToken>")));
                Assert.Equal(200, reply.Status);
                Assert.True((reply.Header("Succeeded")!.Value == "true") == accepted, $"{operation} under {tenant}: {reply.Text}");
            }
        }
    }

    [Fact]
    public async Task A_configuration_reload_adds_a_tenant_and_the_others_keep_their_sessions()
    {
        await using var host = await ChatPresenceHost.StartAsync(settings => settings["ChatPresence:Tenants:CustA:InitialDirectory"] = Demo, environment: "Production");
        using var client = host.CreateClient();
        using var a = new HttpClient { BaseAddress = new Uri(host.BaseAddress, "CustA/") };
        using var c = new HttpClient { BaseAddress = new Uri(host.BaseAddress, "CustC/") };
        var ticketA = await SoapMessages.LoginAsync(a, "agent2", "agent2");
        using (var before = await client.PostAsync("CustC/api/v1/Agents/Chat/GetChatPresence", null))
        {
            Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);
        }

        var configuration = (Microsoft.Extensions.Configuration.IConfigurationRoot)host.Services.GetService(typeof(Microsoft.Extensions.Configuration.IConfiguration))!;
        configuration["ChatPresence:Tenants:CustC:InitialDirectory"] = Demo;
        configuration.Reload();

        var ticketC = await SoapMessages.LoginAsync(c, "agent3", "agent3");
        Assert.NotEmpty(await SoapMessages.GetPresenceAsync(c, ticketC));
        Assert.NotEmpty(await SoapMessages.GetPresenceAsync(a, ticketA)); // A's store, tickets and routes are the same ones
        var refused = await SoapMessages.CallAsync(c, false, "GetChatPresence", "<t:GetChatPresence/>", ticketA);
        Assert.Equal("false", refused.Header("Succeeded")!.Value);
        Assert.True(File.Exists(Path.Combine(host.DataFolder, "tenants", "CustC.db")));
        Assert.Contains(host.Log.Entries, e => e.Contains("Tenants added by a configuration reload: CustC", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Online_mode_needs_tokens_for_every_tenant()
    {
        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => ChatPresenceHost.StartAsync(settings =>
        {
            settings["ChatPresence:Mode"] = "Online";
            settings["ChatPresence:Tenants:CustA:ApplicationTokens:0"] = "token-of-a";
            settings["ChatPresence:Tenants:CustB:InitialDirectory"] = Demo;
        }));
        Assert.Contains("ChatPresence:Tenants:CustB:ApplicationTokens", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("..")]
    [InlineData("a.b")]
    [InlineData("-lead")]
    [InlineData("has space")]
    public async Task A_tenant_id_that_is_no_safe_path_segment_stops_the_host(string id)
    {
        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => ChatPresenceHost.StartAsync(settings =>
            settings[$"ChatPresence:Tenants:{id}:InitialDirectory"] = Demo));
        Assert.Contains($"ChatPresence:Tenants:{id}", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InitialDirectory_alone_declares_a_tenant_with_its_own_database_file()
    {
        await using var host = await ChatPresenceHost.StartAsync(settings => settings["ChatPresence:Tenants:Cust1:InitialDirectory"] = Demo, environment: "Production");
        using var client = host.CreateClient();
        var ticket = await SoapMessages.LoginAsync(new HttpClient { BaseAddress = new Uri(host.BaseAddress, "Cust1/") }, "agent2", "agent2");
        Assert.NotEmpty(ticket);
        Assert.True(File.Exists(Path.Combine(host.DataFolder, "tenants", "Cust1.db")));
        Assert.False(File.Exists(Path.Combine(host.DataFolder, "chatpresence.db")), "the host-wide database was created though tenants are configured");

        // Without the segment there is nothing to serve: the REST 404 body, and a plain 404 for SOAP.
        using var rest = await client.PostAsync("api/v1/Agents/Chat/GetChatPresence", null);
        Assert.Equal(HttpStatusCode.NotFound, rest.StatusCode);
        Assert.Equal("NotFound", (string?)JsonNode.Parse(await rest.Content.ReadAsStringAsync())!["ErrorType"]);
        using var soap = await client.GetAsync(SoapMessages.ChatPath + "?wsdl");
        Assert.Equal(HttpStatusCode.NotFound, soap.StatusCode);
    }
}
