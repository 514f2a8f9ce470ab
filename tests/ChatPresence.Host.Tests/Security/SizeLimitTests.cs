using System.Net;
using System.Text;

namespace ChatPresence.Host.Tests.Security;

/// <summary>Oversized credentials and bodies are refused cleanly: 431/413/401, never a 500 or a stack trace.</summary>
public sealed class SizeLimitTests(SecurityHostFixture fixture) : IClassFixture<SecurityHostFixture>
{
    public static TheoryData<string> Paths() => new()
    {
        "api/v1/Agents/Chat/GetChatPresence",
        "api/v1/Login",
        "Remote/Services86/Chat.svc",
        "Remote/Services86/SoPrincipal.svc",
    };

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task An_Authorization_header_over_the_server_limit_gets_431(string path)
    {
        using var client = fixture.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + new string('a', 64 * 1024));

        using var reply = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, reply.StatusCode);
        FacadeCallers.AssertNoStackTrace(await reply.Content.ReadAsStringAsync());
    }

    /// <summary>Under the server's header limit but far over any real credential: an ordinary 401.</summary>
    [Theory]
    [InlineData("Bearer ")]
    [InlineData("SoTicket 7T:")]
    [InlineData("Basic ")]
    public async Task A_16_KB_credential_is_an_ordinary_401(string prefix)
    {
        var value = prefix == "Basic "
            ? prefix + Convert.ToBase64String(Encoding.UTF8.GetBytes("agent2:" + new string('p', 12 * 1024)))
            : prefix + new string('a', 16 * 1024);
        var result = await fixture.Caller(FacadeCallers.Rest).GetAsync(Presented.Authorization(value), null);

        Assert.Equal(Outcome.NotAuthenticated, result.Outcome);
        Assert.Equal(401, result.HttpStatus);
    }

    [Theory]
    [InlineData(FacadeCallers.Soap11)]
    [InlineData(FacadeCallers.Soap12)]
    public async Task A_60_KB_SOAP_ticket_is_an_ordinary_refusal(string facade)
    {
        var result = await fixture.Caller(facade).GetAsync(Presented.Ticket("7T:" + new string('a', 60 * 1024)), null);

        Assert.Equal(Outcome.NotAuthenticated, result.Outcome);
    }

    [Theory]
    [InlineData("api/v1/Agents/Chat/SaveChatPresence", "application/json")]
    [InlineData("api/v1/Login", "application/json")]
    [InlineData("Remote/Services86/Chat.svc", "text/xml; charset=utf-8")]
    [InlineData("Remote/Services86/SoPrincipal.svc", "text/xml; charset=utf-8")]
    public async Task A_body_over_the_limit_gets_413(string path, string contentType)
    {
        using var client = fixture.CreateClient();
        var body = new byte[(1024 * 1024) + 4096];
        Array.Fill(body, (byte)' ');
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        request.Headers.TryAddWithoutValidation("Authorization", "Basic " + Convert.ToBase64String("agent2:agent2"u8));

        using var reply = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, reply.StatusCode);
        var text = await reply.Content.ReadAsStringAsync();
        FacadeCallers.AssertNoStackTrace(text);
        if (path.StartsWith("api/", StringComparison.Ordinal))
        {
            Assert.Contains("\"ErrorType\":\"PayloadTooLarge\"", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_body_over_the_limit_without_a_length_gets_413_too()
    {
        using var client = fixture.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/Agents/Chat/SaveChatPresence")
        {
            Content = new StreamContent(new MemoryStream(new byte[(1024 * 1024) + 4096])),
        };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.TransferEncodingChunked = true;
        request.Headers.TryAddWithoutValidation("Authorization", "Basic " + Convert.ToBase64String("agent2:agent2"u8));

        using var reply = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, reply.StatusCode);
        FacadeCallers.AssertNoStackTrace(await reply.Content.ReadAsStringAsync());
    }
}
