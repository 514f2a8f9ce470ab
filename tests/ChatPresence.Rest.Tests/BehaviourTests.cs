using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ChatPresence.Domain.Security;
using Microsoft.Extensions.DependencyInjection;

namespace ChatPresence.Rest.Tests;

/// <summary>A directory holding the seed's user 883, for the seed's SaveChatPresence body.</summary>
public sealed class SeedDirectoryFixture : RestHostFixture
{
    protected override string DirectoryJson => """
        {
          "users": [
            { "id": 1, "login": "admin", "displayName": "Ada Admin", "role": "Administrator", "chatAccess": true, "password": "admin" },
            { "id": 883, "login": "kuhn", "displayName": "Kuhn, Kiehn and Satterfield", "role": "Agent", "chatAccess": true, "password": "kuhn" }
          ],
          "topics": [ { "id": 128, "name": "One" }, { "id": 574, "name": "Two" } ],
          "memberships": [ { "topicId": 128, "userId": 883, "canRespond": true } ],
          "ongoingChats": []
        }
        """;
}

public sealed class SeedTests(SeedDirectoryFixture fixture) : IClassFixture<SeedDirectoryFixture>
{
    // Seed 003, verbatim.
    private const string SeedBody = """
        {
          "ChatPresence": [
            {
              "UserId": 883,
              "DisplayName": "Kuhn, Kiehn and Satterfield",
              "OngoingChats": 640,
              "Present": false,
              "ChatTopics": [
                128,
                574
              ]
            },
            {
              "UserId": 883,
              "DisplayName": "Kuhn, Kiehn and Satterfield",
              "OngoingChats": 640,
              "Present": false,
              "ChatTopics": [
                128,
                574
              ]
            }
          ]
        }
        """;

    [Fact]
    public async Task The_seed_SaveChatPresence_body_is_accepted_verbatim_with_an_empty_204()
    {
        using var client = fixture.Client();
        using var on = await client.PostAsync("api/v1/Agents/Chat/SaveChatPresence", RestCatalogue.Text("application/json", "{\"ChatPresence\":[{\"UserId\":883,\"Present\":true}]}"));
        Assert.Equal(HttpStatusCode.NoContent, on.StatusCode);
        Assert.True(await PresentAsync(client, 883));

        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/Agents/Chat/SaveChatPresence") { Content = RestCatalogue.Text("application/json", SeedBody) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json") { CharSet = "utf-8" });
        request.Headers.AcceptLanguage.ParseAdd("fr,de,ru,zh");
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.False(await PresentAsync(client, 883));
    }

    private static async Task<bool> PresentAsync(HttpClient client, int userId)
    {
        using var reply = await client.GetAsync("api/v1/Presence/GetAll");
        return (await RestReplies.ReadRowsAsync(reply)).Single(r => r.UserId == userId).Present;
    }
}

public sealed class SelectAndETagTests(RestHostFixture fixture) : IClassFixture<RestHostFixture>
{
    [Fact]
    public async Task Select_nulls_reference_members_defaults_value_members_and_ignores_unknown_names()
    {
        using var client = fixture.Client();
        using var response = await client.PostAsync("api/v1/Agents/Chat/GetChatPresence?$select=userID,PRESENT,noSuchThing,TableRight/mask", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var row = RestReplies.JsonRowOf(await response.Content.ReadAsStringAsync(), 7);

        // Not removed: every member is still there.
        Assert.Equal(["UserId", "DisplayName", "OngoingChats", "Present", "ChatTopics", "TableRight", "FieldProperties"], row.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Null, row.GetProperty("DisplayName").ValueKind);
        Assert.Equal(0, row.GetProperty("OngoingChats").GetInt32());
        Assert.Equal(JsonValueKind.Null, row.GetProperty("ChatTopics").ValueKind);
        Assert.Equal(JsonValueKind.Null, row.GetProperty("FieldProperties").ValueKind);
        Assert.Equal("Select, Update", row.GetProperty("TableRight").GetProperty("Mask").GetString());
        Assert.Equal(JsonValueKind.Null, row.GetProperty("TableRight").GetProperty("Reason").ValueKind);
    }

    [Fact]
    public async Task Select_applies_to_XML_too()
    {
        using var client = fixture.Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/Agents/Chat/GetChatPresence?$select=DisplayName");
        request.Headers.Accept.ParseAdd("application/xml");
        using var response = await client.SendAsync(request);
        var row = (await RestReplies.ReadRowsAsync(response)).Single(r => r.DisplayName == "Gustav Manager");
        Assert.Equal(0, row.UserId);
        Assert.Null(row.ChatTopics);
        Assert.Null(row.TableRightMask);
        Assert.False(row.HasFieldProperties);
    }

    [Fact]
    public async Task Unchanged_data_gives_304_and_any_save_a_new_ETag()
    {
        using var admin = fixture.Client();
        using var agent = fixture.Client("agent5");
        using var first = await admin.GetAsync("api/v1/Presence/GetAll");
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);
        Assert.False(etag.IsWeak);

        using var again = await Conditional(admin, etag);
        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        Assert.Empty(await again.Content.ReadAsByteArrayAsync());
        Assert.Equal(etag, again.Headers.ETag);

        // Someone else saves (their own presence): the admin's copy is stale.
        var present = !(await RestReplies.ReadRowsAsync(first)).Single(r => r.UserId == 5).Present;
        using var save = await agent.PostAsync("api/v1/Presence/SaveAll", RestCatalogue.SaveBody("api/v1/Presence/SaveAll", "application/json", 5, present));
        Assert.Equal(HttpStatusCode.NoContent, save.StatusCode);

        using var after = await Conditional(admin, etag);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.NotEqual(etag, after.Headers.ETag);
        Assert.Equal(present, (await RestReplies.ReadRowsAsync(after)).Single(r => r.UserId == 5).Present);
    }

    [Fact]
    public async Task Callers_with_different_rights_and_different_representations_get_different_ETags()
    {
        using var admin = fixture.Client();
        using var manager = fixture.Client("manager7");
        using var agent = fixture.Client("agent2");
        var adminTag = (await admin.GetAsync("api/v1/Presence/GetAll")).Headers.ETag;
        var managerTag = (await manager.GetAsync("api/v1/Presence/GetAll")).Headers.ETag;
        var agentTag = (await agent.GetAsync("api/v1/Presence/GetAll")).Headers.ETag;

        // Admin and manager may both save anyone: the same rows, the same tag. The agent sees other rights.
        Assert.Equal(adminTag, managerTag);
        Assert.NotEqual(adminTag, agentTag);
        using var agentsCopyForAdmin = await Conditional(admin, agentTag!);
        Assert.Equal(HttpStatusCode.OK, agentsCopyForAdmin.StatusCode);

        using var xml = new HttpRequestMessage(HttpMethod.Get, "api/v1/Presence/GetAll");
        xml.Headers.Accept.ParseAdd("application/xml");
        Assert.NotEqual(adminTag, (await admin.SendAsync(xml)).Headers.ETag);
        Assert.NotEqual(adminTag, (await admin.PostAsync("api/v1/Agents/Chat/GetChatPresence?$select=UserId", null)).Headers.ETag);
    }

    [Fact]
    public async Task A_ticket_works_as_SoTicket_in_any_case()
    {
        var login = await fixture.Host.Services.GetRequiredService<CallerAuthenticator>().LoginAsync("agent3", "agent3", null, null, "en", CancellationToken.None);
        Assert.True(login.Succeeded);
        using var client = fixture.Host.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "sOtIcKeT " + login.Ticket);
        using var response = await client.PostAsync("api/v1/Agents/Chat/GetChatPresence", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Select, Update", (await RestReplies.ReadRowsAsync(response)).Single(r => r.UserId == 3).TableRightMask);
    }

    [Fact]
    public async Task A_GET_on_an_agent_route_describes_the_call_without_invoking_it()
    {
        // No credentials, no body: a call would be a 401 or 400.
        using var client = fixture.Host.CreateClient();
        using var response = await client.GetAsync("api/v1/Agents/Chat/IsWithinOpeningHours");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("POST", document.RootElement.GetProperty("Method").GetString());
        Assert.Equal("/api/v1/Agents/Chat/IsWithinOpeningHours", document.RootElement.GetProperty("Route").GetString());
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_routes_bodies_headers_and_the_error_body()
    {
        using var client = fixture.Host.CreateClient();
        using var response = await client.GetAsync("openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        var root = document.RootElement;
        Assert.StartsWith("3.", root.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        var paths = root.GetProperty("paths");
        foreach (var path in new[] { "/api/v1/Agents/Chat/GetChatPresence", "/api/v1/Agents/Chat/SaveChatPresence", "/api/v1/Agents/Chat/IsWithinOpeningHours", "/api/v1/Presence/GetAll", "/api/v1/Presence/SaveAll", "/{tenant}/api/v1/Presence/SaveAll" })
        {
            Assert.True(paths.TryGetProperty(path, out _), path);
        }

        var save = paths.GetProperty("/api/v1/Agents/Chat/SaveChatPresence").GetProperty("post");
        var bodyTypes = save.GetProperty("requestBody").GetProperty("content").EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(["application/json", "text/json", "application/json-patch+json", "application/merge-patch+json", "application/xml", "text/xml", "application/x-www-form-urlencoded"], bodyTypes);
        var headers = save.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToArray();
        Assert.Superset(new HashSet<string?> { "SO-AppToken", "SO-Language", "Accept-Language", "SO-Culture", "SO-TimeZone" }, headers.ToHashSet());
        Assert.True(save.GetProperty("responses").TryGetProperty("415", out _));
        Assert.True(root.GetProperty("components").GetProperty("schemas").TryGetProperty("ErrorBody", out var error));
        Assert.Equal(["Error", "ErrorType", "ErrorMessage", "ErrorSource"], error.GetProperty("properties").EnumerateObject().Select(p => p.Name));

        // Integers are documented as JSON numbers only: a string where an int belongs is a 400.
        var userId = root.GetProperty("components").GetProperty("schemas").GetProperty("ChatPresence").GetProperty("properties").GetProperty("UserId");
        Assert.Equal("integer", userId.GetProperty("type").GetString());
        Assert.Contains(paths.GetProperty("/api/v1/Agents/Chat/GetChatPresence").GetProperty("post").GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "$select");
    }

    private static Task<HttpResponseMessage> Conditional(HttpClient client, EntityTagHeaderValue etag)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/Presence/GetAll");
        request.Headers.IfNoneMatch.Add(etag);
        return client.SendAsync(request);
    }
}
