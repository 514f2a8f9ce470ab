using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace ChatPresence.Rest.Tests;

/// <summary>Every route × every request body type × JSON and XML out, against the real host, values checked.</summary>
public sealed class CatalogueTests(RestHostFixture fixture) : IClassFixture<RestHostFixture>
{
    [Theory]
    [MemberData(nameof(RestCatalogue.ReadRows), MemberType = typeof(RestCatalogue))]
    public async Task Reads_answer_the_demo_directory_in_every_reply_type(string method, string path, string? accept, string mediaType)
    {
        using var client = fixture.Client();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (accept is not null)
        {
            request.Headers.Accept.ParseAdd(accept);
        }

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        var rows = await RestReplies.ReadRowsAsync(response);
        Assert.Equal([1, 2, 3, 4, 5, 6, 7], rows.Select(r => r.UserId));
        var bjorn = rows.Single(r => r.UserId == 2);
        Assert.Equal("Bjørn Agent", bjorn.DisplayName);
        Assert.Equal(2, bjorn.OngoingChats);
        Assert.Equal([1], bjorn.ChatTopics!);
        Assert.Equal([1, 2], rows.Single(r => r.UserId == 3).ChatTopics!);
        Assert.Equal([1, 2], rows.Single(r => r.UserId == 7).ChatTopics!);
        Assert.Equal(3, rows.Single(r => r.UserId == 7).OngoingChats);
        Assert.Empty(rows.Single(r => r.UserId == 6).ChatTopics!);

        // The administrator may save anyone: every row says so, in the format's mask notation.
        var xml = mediaType.EndsWith("xml", StringComparison.Ordinal);
        Assert.All(rows, r => Assert.Equal(xml ? "Select Update" : "Select, Update", r.TableRightMask));
        Assert.All(rows, r => Assert.Equal(xml ? "Read Write" : "Read, Write", r.PresentFieldMask));
    }

    [Theory]
    [MemberData(nameof(RestCatalogue.SaveRows), MemberType = typeof(RestCatalogue))]
    public async Task Saves_in_every_body_type_are_seen_in_JSON_and_XML(string route, string kind, string output)
    {
        using var client = fixture.Client();
        foreach (var present in new[] { true, false, true })
        {
            using var save = await client.PostAsync(route, RestCatalogue.SaveBody(route, kind, 4, present));
            Assert.Equal(HttpStatusCode.NoContent, save.StatusCode);
            Assert.Empty(await save.Content.ReadAsByteArrayAsync());

            using var read = new HttpRequestMessage(HttpMethod.Get, "api/v1/Presence/GetAll");
            read.Headers.Accept.ParseAdd(output);
            using var reply = await client.SendAsync(read);
            Assert.Equal(output, reply.Content.Headers.ContentType?.MediaType);
            var rows = await RestReplies.ReadRowsAsync(reply);
            Assert.Equal(present, rows.Single(r => r.UserId == 4).Present);
        }

        // Back to off, so rows of this theory do not depend on each other's order.
        using var reset = await client.PostAsync(route, RestCatalogue.SaveBody(route, kind, 4, false));
        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
    }

    [Theory]
    [MemberData(nameof(RestCatalogue.OpeningHoursRows), MemberType = typeof(RestCatalogue))]
    public async Task IsWithinOpeningHours_answers_a_bare_boolean_in_every_body_type(string kind, string output)
    {
        using var client = fixture.Client("agent2");
        foreach (var (topic, expected) in new[] { (1, true), (2, false) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/Agents/Chat/IsWithinOpeningHours") { Content = RestCatalogue.TopicBody(kind, topic) };
            request.Headers.Accept.ParseAdd(output);
            using var response = await client.SendAsync(request);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(output, response.Content.Headers.ContentType?.MediaType);
            var text = Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync());
            var value = expected ? "true" : "false";
            Assert.Equal(output == "application/json" ? value : $"<boolean xmlns=\"http://schemas.microsoft.com/2003/10/Serialization/\">{value}</boolean>", text);
        }
    }

    [Fact]
    public async Task The_seed_s_GetChatPresence_request_is_answered()
    {
        // Seed 000/002: Accept with a charset parameter, Accept-Language sv.
        using var client = fixture.Client("agent3");
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/Agents/Chat/GetChatPresence");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json") { CharSet = "utf-8" });
        request.Headers.AcceptLanguage.ParseAdd("sv");
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var rows = await RestReplies.ReadRowsAsync(response);

        // An agent may change only their own row; the others say why, in Swedish.
        Assert.Equal("Select, Update", rows.Single(r => r.UserId == 3).TableRightMask);
        var other = rows.Single(r => r.UserId == 2);
        Assert.Equal("Select", other.TableRightMask);
        Assert.Equal("Endast användaren, en chattansvarig eller en administratör får ändra denna närvaro.", other.TableRightReason);
    }
}
