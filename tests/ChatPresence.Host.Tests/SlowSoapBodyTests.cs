using System.Net.Sockets;
using System.Text;
using ChatPresence.Tests;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace ChatPresence.Host.Tests;

/// <summary>
/// Issue 10: a SOAP body slower than Kestrel's minimum data rate was logged as an unhandled exception (Error). It is
/// the client's doing: 408, at most a Warning, and the host keeps serving.
/// </summary>
public sealed class SlowSoapBodyTests
{
    [Fact]
    public async Task A_SOAP_body_below_the_minimum_data_rate_gets_408_and_no_error_log()
    {
        await using var host = await ChatPresenceHost.StartAsync(
            environment: "Production",
            customize: builder => builder.WebHost.ConfigureKestrel(k => k.Limits.MinRequestBodyDataRate = new MinDataRate(1000, TimeSpan.FromSeconds(2))));

        using var socket = new TcpClient();
        await socket.ConnectAsync(host.BaseAddress.Host, host.BaseAddress.Port);
        var stream = socket.GetStream();
        var head = "POST /Remote/Services86/Chat.svc HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml; charset=utf-8\r\n"
            + "SOAPAction: \"http://www.superoffice.net/ws/crm/NetServer/Services86/Chat/GetChatPresence\"\r\nContent-Length: 5000\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head + "<s:Envelope"));

        // A byte now and then: far below 1000 bytes/s, until the server answers.
        var reply = new StringBuilder();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var reading = stream.ReadAsync(buffer, timeout.Token).AsTask();
        while (!reading.IsCompleted)
        {
            try
            {
                await stream.WriteAsync(" "u8.ToArray(), timeout.Token);
            }
            catch (IOException)
            {
                break;
            }

            await Task.WhenAny(reading, Task.Delay(500, timeout.Token));
        }

        var read = await reading;
        reply.Append(Encoding.ASCII.GetString(buffer, 0, read));
        Assert.StartsWith("HTTP/1.1 408", reply.ToString(), StringComparison.Ordinal);

        await Task.Delay(200); // the server's own logging of the request's end
        Assert.Empty(host.Log.Errors);

        using var client = host.CreateClient();
        using var health = await client.GetAsync(new Uri("health", UriKind.Relative));
        Assert.True(health.IsSuccessStatusCode);
    }
}
