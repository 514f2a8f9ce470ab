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
