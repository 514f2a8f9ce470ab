using System.Net;
using System.Net.Sockets;
using System.Text;
using ChatPresence.Tests;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace ChatPresence.Host.Tests;

/// <summary>
/// Issue 10 (REST side and the shared pipeline): slow bodies, HEAD and 405 routing, and the 30,000-level body that
/// used to kill the process.
/// </summary>
public sealed class RequestHardeningTests
{
    private const string Basic = "Basic YWRtaW46YWRtaW4="; // admin:admin (demo)

    [Fact]
    public async Task Issue10_1_a_30000_level_XML_Login_body_leaves_the_process_alive_and_answering()
    {
        var folder = Directory.CreateTempSubdirectory("chatpresence-crash-").FullName;
        try
        {
            await using var host = await HostProcess.StartServiceAsync(folder);
            using var client = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromMinutes(1) };
            using var body = new StringContent(string.Concat(Enumerable.Repeat("<a>", 30_000)), Encoding.UTF8, "application/xml");

            using var login = await client.PostAsync("api/v1/Login", body);

            Assert.Equal(HttpStatusCode.BadRequest, login.StatusCode);
            using var health = await client.GetAsync("health");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.DoesNotContain("fail:", host.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("api/v1/Presence/SaveAll", "application/json", "")]
    [InlineData("Remote/Services86/Chat.svc", "text/xml; charset=utf-8", "SOAPAction: \"http://www.superoffice.net/ws/crm/NetServer/Services86/Chat/GetChatPresence\"\r\n")]
    public async Task Issue10_6_a_body_slower_than_the_minimum_data_rate_is_408_and_no_error(string path, string contentType, string extraHeaders)
    {
        await using var host = await ChatPresenceHost.StartAsync(customize: builder => builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Limits.MinRequestBodyDataRate = new MinDataRate(bytesPerSecond: 1000, gracePeriod: TimeSpan.FromSeconds(2))));
        using var socket = new TcpClient();
        await socket.ConnectAsync(host.BaseAddress.Host, host.BaseAddress.Port);
        var stream = socket.GetStream();
        var head = $"POST /{path} HTTP/1.1\r\nHost: {host.BaseAddress.Authority}\r\nAuthorization: {Basic}\r\nContent-Type: {contentType}\r\n{extraHeaders}Content-Length: 10000\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));

        // One byte every 300 ms until the server answers (or gives up on the connection).
        var reply = new StringBuilder();
        var buffer = new byte[4096];
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var read = stream.ReadAsync(buffer, deadline.Token).AsTask();
        while (!read.IsCompleted)
        {
            try
            {
                await stream.WriteAsync("["u8.ToArray(), deadline.Token);
            }
            catch (IOException)
            {
                break;
            }

            await Task.WhenAny(read, Task.Delay(300, deadline.Token));
        }

        var count = await read;
        reply.Append(Encoding.ASCII.GetString(buffer, 0, count));
        Assert.StartsWith("HTTP/1.1 408", reply.ToString(), StringComparison.Ordinal);
        await Task.Delay(200); // let the request's log entries land
        AssertNoErrors(host);

        using var client = host.CreateClient();
        using var health = await client.GetAsync(new Uri("health", UriKind.Relative));
        Assert.True(health.IsSuccessStatusCode);
    }

    [Theory]
    [InlineData("health")]
    [InlineData("api/v1/Presence/GetAll")]
    [InlineData("api/v1/Agents/Chat/GetChatPresence")]
    [InlineData("Cust1/api/v1/Presence/GetAll")]
    [InlineData("Remote/Services86/Chat.svc?wsdl")]
    [InlineData("openapi/v1.json")]
    public async Task Issue10_7_HEAD_answers_wherever_GET_does(string path)
    {
        await using var host = await ChatPresenceHost.StartAsync();
        using var client = host.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", Basic);

        using var get = await client.GetAsync(path);
        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(get.Content.Headers.ContentType?.MediaType, head.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task HEAD_is_not_described_as_an_OpenAPI_operation_of_its_own()
    {
        await using var host = await ChatPresenceHost.StartAsync();
        using var client = host.CreateClient();

        var document = await client.GetStringAsync("openapi/v1.json");

        Assert.Contains("\"get\"", document, StringComparison.Ordinal);
        Assert.DoesNotContain("\"head\"", document, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    [InlineData("TRACE")]
    [InlineData("POST")]
    [InlineData("PATCH")]
    public async Task Issue10_7_health_answers_405_to_other_methods(string method)
    {
        await using var host = await ChatPresenceHost.StartAsync();
        using var client = host.CreateClient();

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), "health"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(["GET", "HEAD"], response.Content.Headers.Allow.Order());
    }

    internal static void AssertNoErrors(ChatPresenceHost host)
    {
        var errors = host.Log.ErrorsSince();
        Assert.True(errors.Count == 0, "Error-level log entries:\n" + string.Join('\n', errors.Take(3)));
    }
}
