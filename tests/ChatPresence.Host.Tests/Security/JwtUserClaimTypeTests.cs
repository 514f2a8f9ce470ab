using System.Net;
using System.Text;
using ChatPresence.Tests;

namespace ChatPresence.Host.Tests.Security;

/// <summary>
/// Issue 10: a JWT <c>sub</c> that is a number was read as a user id even where the identity provider puts login
/// names there. <c>Jwt:UserClaimType</c> says which; the value is never guessed.
/// </summary>
public sealed class JwtUserClaimTypeTests
{
    private const string Key = "user-claim-type tests signing key, 32 bytes or more";

    // User 9's login is "7"; user 7 is a manager (may save anyone's presence), user 9 an agent.
    private const string DirectoryJson = """
        {
          "users": [
            { "id": 7, "login": "manager7", "displayName": "Manager Seven", "role": "Manager", "password": "manager7" },
            { "id": 9, "login": "7", "displayName": "Agent Nine", "role": "Agent", "password": "nine" }
          ],
          "topics": [ { "id": 1, "name": "Sales" } ],
          "memberships": [ { "topicId": 1, "userId": 7, "canRespond": true }, { "topicId": 1, "userId": 9, "canRespond": true } ]
        }
        """;

    [Theory]
    [InlineData("Login", 9)]
    [InlineData("Id", 7)]
    [InlineData(null, 7)] // the default is Id
    public async Task A_numeric_sub_names_the_user_the_configured_way(string? claimType, int expectedUser)
    {
        await using var host = await ChatPresenceHost.StartAsync(
            settings =>
            {
                settings["ChatPresence:Security:Jwt:SigningKey"] = Key;
                settings["ChatPresence:Security:Jwt:Issuer"] = "https://issuer.test";
                settings["ChatPresence:Security:Jwt:Audience"] = "chatpresence";
                if (claimType is not null)
                {
                    settings["ChatPresence:Security:Jwt:UserClaimType"] = claimType;
                }
            },
            DirectoryJson,
            environment: "Production");
        var mint = new JwtMint(Key, "https://issuer.test", "chatpresence");
        var token = mint.Create("7", DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5));
        using var client = host.CreateClient();

        // Saving user 7's presence: only the manager (user 7) may; the agent (user 9) gets 403.
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/Presence/SaveAll")
        {
            Content = new StringContent("[{\"UserId\":7,\"Present\":true}]", Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        using var response = await client.SendAsync(request);
        Assert.Equal(expectedUser == 9 ? HttpStatusCode.Forbidden : HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task An_unknown_UserClaimType_stops_the_host_at_start()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => ChatPresenceHost.StartAsync(settings =>
        {
            settings["ChatPresence:Security:Jwt:SigningKey"] = Key;
            settings["ChatPresence:Security:Jwt:Issuer"] = "https://issuer.test";
            settings["ChatPresence:Security:Jwt:Audience"] = "chatpresence";
            settings["ChatPresence:Security:Jwt:UserClaimType"] = "Guess";
        }));
        Assert.Contains("UserClaimType", error.ToString(), StringComparison.Ordinal);
    }
}
