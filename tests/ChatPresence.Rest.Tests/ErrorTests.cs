using System.Net;
using System.Text;
using System.Text.Json;

namespace ChatPresence.Rest.Tests;

/// <summary>Each error status with the SuperOffice error body.</summary>
public sealed class ErrorTests(SmallBodyHostFixture fixture) : IClassFixture<SmallBodyHostFixture>
{
    private const string Save = "api/v1/Agents/Chat/SaveChatPresence";

    public static TheoryData<string, string, string, HttpStatusCode, string, string> BadBodies => new()
    {
        { Save, "application/json", "{\"ChatPresence\":[{\"UserId\":7,", HttpStatusCode.BadRequest, "InvalidRequest", "not well-formed" },
        { Save, "application/xml", "<SaveChatPresence><ChatPresence></SaveChatPresence>", HttpStatusCode.BadRequest, "InvalidRequest", "not well-formed" },
        { Save, "application/json", "{\"ChatPresence\":[{\"UserId\":\"seven\",\"Present\":true}]}", HttpStatusCode.BadRequest, "InvalidRequest", "ChatPresence[0].UserId must be an integer" },
        { Save, "application/x-www-form-urlencoded", "ChatPresence[0][UserId]=seven&ChatPresence[0][Present]=true", HttpStatusCode.BadRequest, "InvalidRequest", "ChatPresence[0].UserId must be an integer" },
        { Save, "application/json", "{\"ChatPresence\":[{\"UserId\":4242,\"Present\":true}]}", HttpStatusCode.BadRequest, "UnknownUser", "4242" },
        { Save, "text/plain", "UserId=7", HttpStatusCode.UnsupportedMediaType, "UnsupportedMediaType", "text/plain" },
        { "api/v1/Agents/Chat/IsWithinOpeningHours", "application/json", "{\"ChatTopicId\":99}", HttpStatusCode.NotFound, "UnknownTopic", "99" },
        { "api/v1/Agents/Chat/IsWithinOpeningHours", "application/json", "{}", HttpStatusCode.BadRequest, "InvalidRequest", "ChatTopicId is required" },
        { "api/v1/Presence/SaveAll", "application/json", "{\"ChatPresence\":[]}", HttpStatusCode.BadRequest, "InvalidRequest", "the body must be an array" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_bodies_are_refused_with_the_error_body(string route, string contentType, string body, HttpStatusCode status, string errorType, string message)
    {
        using var client = fixture.Client();
        using var response = await client.PostAsync(route, RestCatalogue.Text(contentType, body));
        await AssertErrorAsync(response, status, errorType, message);
    }

    [Fact]
    public async Task An_unknown_user_changes_nothing_in_the_batch()
    {
        using var client = fixture.Client();
        using var before = await client.GetAsync("api/v1/Presence/GetAll");
        var was = (await RestReplies.ReadRowsAsync(before)).Single(r => r.UserId == 2).Present;
        using var response = await client.PostAsync(Save, RestCatalogue.Text("application/json", $"{{\"ChatPresence\":[{{\"UserId\":2,\"Present\":{(!was ? "true" : "false")}}},{{\"UserId\":4242,\"Present\":true}}]}}"));
        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "UnknownUser", "4242");
        using var after = await client.GetAsync("api/v1/Presence/GetAll");
        Assert.Equal(was, (await RestReplies.ReadRowsAsync(after)).Single(r => r.UserId == 2).Present);
    }

    [Fact]
    public async Task An_unmeetable_Accept_is_406()
    {
        using var client = fixture.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/Presence/GetAll");
        request.Headers.Accept.ParseAdd("image/png");
        using var response = await client.SendAsync(request);
        await AssertErrorAsync(response, HttpStatusCode.NotAcceptable, "NotAcceptable", "image/png");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_body_over_the_limit_is_413_whether_announced_or_chunked(bool announced)
    {
        using var client = fixture.Client();
        var entries = string.Join(",", Enumerable.Repeat("{\"UserId\":2,\"Present\":false}", 200));
        var bytes = Encoding.UTF8.GetBytes("{\"ChatPresence\":[" + entries + "]}");
        Assert.True(bytes.Length > SmallBodyHostFixture.Limit);
        HttpContent content = announced ? new ByteArrayContent(bytes) : new StreamContent(new NoLengthStream(bytes));
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, Save) { Content = content };
        if (!announced)
        {
            request.Headers.TransferEncodingChunked = true;
        }

        using var response = await client.SendAsync(request);
        await AssertErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, "PayloadTooLarge", SmallBodyHostFixture.Limit.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task No_credentials_is_401_with_a_challenge()
    {
        using var client = fixture.Host.CreateClient();
        using var response = await client.GetAsync("api/v1/Presence/GetAll");
        await AssertErrorAsync(response, HttpStatusCode.Unauthorized, "NotAuthenticated", "credentials");
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "SoTicket");
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Basic");
    }

    [Theory]
    [InlineData("Basic", "YWRtaW46d3Jvbmc=")]
    [InlineData("SoTicket", "7T:bm90LWEtdGlja2V0")]
    [InlineData("Bearer", "abc")]
    [InlineData("Basic", "%%%")]
    public async Task Invalid_credentials_are_401(string scheme, string parameter)
    {
        using var client = fixture.Host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new(scheme, parameter);
        using var response = await client.PostAsync("api/v1/Agents/Chat/GetChatPresence", null);
        await AssertErrorAsync(response, HttpStatusCode.Unauthorized, "NotAuthenticated", string.Empty);
    }

    [Fact]
    public async Task Saving_someone_else_without_the_right_is_403_in_the_callers_language()
    {
        using var client = fixture.Client("agent2");
        using var request = new HttpRequestMessage(HttpMethod.Post, Save) { Content = RestCatalogue.Text("application/json", "{\"ChatPresence\":[{\"UserId\":3,\"Present\":true}]}") };
        request.Headers.Add("SO-Language", "de");
        request.Headers.AcceptLanguage.ParseAdd("sv");
        using var response = await client.SendAsync(request);
        await AssertErrorAsync(response, HttpStatusCode.Forbidden, "Forbidden", "Sie dürfen nur Ihren eigenen Chat-Status ändern.");
    }

    [Fact]
    public async Task Unknown_routes_are_404_and_wrong_methods_405_with_the_error_body()
    {
        using var client = fixture.Client();
        using var missing = await client.GetAsync("api/v1/Agents/Chat/NoSuchCall");
        await AssertErrorAsync(missing, HttpStatusCode.NotFound, "NotFound", "NoSuchCall");
        using var tenantMissing = await client.GetAsync("Cust1/api/v1/Nothing");
        await AssertErrorAsync(tenantMissing, HttpStatusCode.NotFound, "NotFound", "Nothing");
        using var wrongMethod = await client.PostAsync("api/v1/Presence/GetAll", null);
        await AssertErrorAsync(wrongMethod, HttpStatusCode.MethodNotAllowed, "MethodNotAllowed", "POST");
        Assert.Contains("GET", wrongMethod.Content.Headers.Allow);
    }

    [Fact]
    public async Task Errors_come_as_XML_when_XML_was_asked_for()
    {
        using var client = fixture.Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/Agents/Chat/IsWithinOpeningHours") { Content = RestCatalogue.Text("application/json", "{\"ChatTopicId\":99}") };
        request.Headers.Accept.ParseAdd("text/xml");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("<ErrorInformation xmlns=\"http://www.superoffice.net/ws/crm/NetServer/Services86\"><Error>true</Error><ErrorType>UnknownTopic</ErrorType>", text, StringComparison.Ordinal);
    }

    private static async Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string errorType, string messagePart)
    {
        Assert.Equal(status, response.StatusCode);
        JsonElement body = await RestReplies.ErrorBodyAsync(response);
        Assert.Equal(errorType, body.GetProperty("ErrorType").GetString());
        Assert.Contains(messagePart, body.GetProperty("ErrorMessage").GetString(), StringComparison.Ordinal);
    }

    /// <summary>A stream whose length is unknown, so the client sends the body chunked.</summary>
    private sealed class NoLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
