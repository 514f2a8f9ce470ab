using System.Net;
using System.Net.Sockets;
using System.ServiceModel;
using System.ServiceModel.Channels;
using System.Text;

namespace ChatPresence.Interop.Tests;

/// <summary>
/// Real SOAP clients that accept compressed replies get GetChatPresence compressed and decode it: zeep (requests sends
/// <c>gzip, deflate</c> by default), PHP SoapClient with <c>compression =&gt; SOAP_COMPRESSION_ACCEPT |
/// SOAP_COMPRESSION_GZIP</c>, node-soap told to send <c>gzip, deflate, br</c>. SOAP 1.1 and 1.2.
/// </summary>
public sealed class CompressionInteropTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    public static TheoryData<string, string, string> Rows() => new()
    {
        { "zeep", "11", "gzip" },
        { "zeep", "12", "gzip" },
        { "php", "11", "gzip" },
        { "php", "12", "gzip" },
        { "node-soap", "11", "br" },
        { "node-soap", "12", "br" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Client_decodes_a_compressed_GetChatPresence_reply(string client, string version, string expectedCoding)
    {
        var chatWsdl = new Uri(fixture.Host.BaseAddress, "Remote/Services86/Chat.svc?wsdl").ToString();
        var principalWsdl = new Uri(fixture.Host.BaseAddress, "Remote/Services86/SoPrincipal.svc?wsdl").ToString();

        using var json = await Clients.RunAsync(client, [chatWsdl, principalWsdl, version, "compressed", "admin", "admin"]);
        var root = json.RootElement;
        Assert.True(root.GetProperty("succeeded").GetBoolean());
        Assert.Equal([1, 2, 3, 4, 5, 6, 7], root.GetProperty("userIds").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Contains("gzip", root.GetProperty("acceptEncoding").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(expectedCoding, root.GetProperty("contentEncoding").GetString());
    }
}

/// <summary>
/// The .NET WCF client: its HTTP transport (<c>HttpTransportBindingElement.DecompressionEnabled</c>, on by default)
/// asks for gzip and decodes the reply itself. The GetChatPresence call goes through a relay that records the bytes
/// the host sent, so the row proves the reply really was compressed on the wire (and that a client with decompression
/// off got identity), and that the rows WCF decoded equal the rows of the identity reply.
/// </summary>
public sealed class WcfCompressionInteropTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    [Theory]
    [InlineData(Wcf.WcfBindings.Basic)]
    [InlineData(Wcf.WcfBindings.Soap12)]
    public async Task Wcf_client_decodes_a_gzip_GetChatPresence_reply(string binding)
    {
        var ticket = await Wcf.WcfCalls.TicketAsync(fixture.Host, binding, "manager7");
        var hostUri = new Uri(fixture.Host.BaseAddress, "Remote/Services86/Chat.svc");

        await using var compressedRelay = await RecordingRelay.StartAsync(hostUri);
        var compressed = await GetAsync(Transport(binding, decompression: true), compressedRelay.Address(hostUri), ticket);
        var compressedHead = compressedRelay.ResponseHeads();

        await using var identityRelay = await RecordingRelay.StartAsync(hostUri);
        var identity = await GetAsync(Transport(binding, decompression: false), identityRelay.Address(hostUri), ticket);
        var identityHead = identityRelay.ResponseHeads();

        Assert.Contains("content-encoding: gzip\r\n", compressedHead, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("content-encoding:", identityHead, StringComparison.OrdinalIgnoreCase);

        Assert.True(compressed.Succeeded);
        Assert.Equal([1, 2, 3, 4, 5, 6, 7], compressed.Response!.Select(r => r.UserId));
        Assert.Equal(Describe(identity), Describe(compressed));
    }

    private static async Task<Wcf.GetChatPresenceResponse> GetAsync(Binding binding, Uri address, string ticket)
    {
        var factory = new ChannelFactory<Wcf.Chat>(binding, new EndpointAddress(address));
        var channel = factory.CreateChannel();
        try
        {
            return await channel.GetChatPresenceAsync(new() { Credentials = new() { Ticket = ticket } });
        }
        finally
        {
            ((IClientChannel)channel).Abort();
            factory.Abort();
        }
    }

    /// <summary>The row's binding with the HTTP transport's decompression on or off.</summary>
    private static CustomBinding Transport(string binding, bool decompression)
    {
        var custom = new CustomBinding(Wcf.WcfBindings.Create(binding).CreateBindingElements());
        custom.Elements.Find<HttpTransportBindingElement>().DecompressionEnabled = decompression;
        return custom;
    }

    private static string[] Describe(Wcf.GetChatPresenceResponse reply) =>
        [.. reply.Response!.Select(r => string.Join(
            '|', r.UserId, r.DisplayName, r.OngoingChats, r.Present, string.Join(',', r.ChatTopics ?? []),
            r.TableRight?.Mask, r.TableRight?.Reason, r.FieldProperties?.Count))];

    /// <summary>A loopback TCP relay to the host that keeps what the host sent back.</summary>
    private sealed class RecordingRelay : IAsyncDisposable
    {
        private readonly TcpListener listener = new(IPAddress.Loopback, 0);
        private readonly MemoryStream received = new();
        private readonly CancellationTokenSource stop = new();
        private readonly List<Task> pumps = [];
        private readonly Uri host;
        private Task accepting = Task.CompletedTask;

        private RecordingRelay(Uri host) => this.host = host;

        public static Task<RecordingRelay> StartAsync(Uri host)
        {
            var relay = new RecordingRelay(host);
            relay.listener.Start();
            relay.accepting = relay.AcceptAsync();
            return Task.FromResult(relay);
        }

        public Uri Address(Uri target) =>
            new UriBuilder(target) { Port = ((IPEndPoint)listener.LocalEndpoint).Port }.Uri;

        /// <summary>The header blocks of the HTTP responses relayed so far (bodies left out).</summary>
        public string ResponseHeads()
        {
            byte[] bytes;
            lock (received)
            {
                bytes = received.ToArray();
            }

            var text = Encoding.Latin1.GetString(bytes);
            var heads = new StringBuilder();
            for (var at = text.IndexOf("HTTP/1.1 ", StringComparison.Ordinal); at >= 0; at = text.IndexOf("HTTP/1.1 ", at + 1, StringComparison.Ordinal))
            {
                var end = text.IndexOf("\r\n\r\n", at, StringComparison.Ordinal);
                heads.Append(text, at, (end < 0 ? text.Length : end + 2) - at);
            }

            return heads.ToString();
        }

        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            listener.Stop();
            await Task.WhenAll([accepting, .. pumps]).ContinueWith(_ => { }, TaskScheduler.Default);
            stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await listener.AcceptTcpClientAsync(stop.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }

                var upstream = new TcpClient();
                await upstream.ConnectAsync(host.Host, host.Port, stop.Token);
                pumps.Add(PumpAsync(client.GetStream(), upstream.GetStream(), record: false, client, upstream));
                pumps.Add(PumpAsync(upstream.GetStream(), client.GetStream(), record: true, client, upstream));
            }
        }

        private async Task PumpAsync(Stream from, Stream to, bool record, TcpClient a, TcpClient b)
        {
            var buffer = new byte[16 * 1024];
            try
            {
                int read;
                while ((read = await from.ReadAsync(buffer, stop.Token)) > 0)
                {
                    if (record)
                    {
                        lock (received)
                        {
                            received.Write(buffer, 0, read);
                        }
                    }

                    await to.WriteAsync(buffer.AsMemory(0, read), stop.Token);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException or SocketException)
            {
            }
            finally
            {
                a.Dispose();
                b.Dispose();
            }
        }
    }
}
