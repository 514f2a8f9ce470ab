using System.Net;
using System.Text;
using System.Xml;
using ChatPresence.Rest.Binding;
using ChatPresence.Rest.Errors;
using ChatPresence.Rest.Formatting;

namespace ChatPresence.Rest.Tests;

/// <summary>
/// Issue 10, points 1, 2 and 6 (REST side): the XML body reader's cost, and client input that used to turn into 500s.
/// The crash itself (30,000 nested elements) is proven against a child process in the host tests, never in this one.
/// </summary>
public sealed class HardeningRegressionTests(RestHostFixture fixture) : IClassFixture<RestHostFixture>
{
    private const int Generous = 64 * 1024 * 1024;

    [Fact]
    public void Issue10_2_nested_XML_costs_linear_not_depth_squared()
    {
        // Each node used to keep its full path: 10x the depth cost 100x the bytes.
        static byte[] Nested(int depth) => Encoding.UTF8.GetBytes(
            new StringBuilder().Insert(0, "<a>", depth).Insert(depth * 3, "</a>", depth).ToString());

        AssertLinear(Nested(1_000), Nested(10_000), WireFormat.Xml);
    }

    [Fact]
    public void Issue10_2_XML_text_in_many_fragments_costs_linear_not_quadratic()
    {
        // 'x<!---->' fragments used to be joined by string concatenation, one copy per fragment.
        static byte[] Fragments(int count) => Encoding.UTF8.GetBytes(
            "<a>" + new StringBuilder().Insert(0, "xxxxxxxxxx<!---->", count) + "</a>");

        AssertLinear(Fragments(2_000), Fragments(20_000), WireFormat.Xml);
    }

    [Fact]
    public async Task Issue10_6_a_control_character_in_an_unknown_route_is_a_well_formed_XML_404()
    {
        using var client = fixture.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/%01");
        request.Headers.Accept.ParseAdd("application/xml");
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal("NotFound", ReadXmlError(body)["ErrorType"]);
        HostLog.AssertNoErrors(fixture.Host);
    }

    [Fact]
    public async Task Issue10_6_a_control_character_echoed_into_a_JSON_error_is_a_well_formed_JSON_404()
    {
        using var client = fixture.Client();
        using var response = await client.GetAsync("api/v1/%01%ED%A0%80");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var body = await RestReplies.ErrorBodyAsync(response);
        Assert.Equal("NotFound", body.GetProperty("ErrorType").GetString());
        HostLog.AssertNoErrors(fixture.Host);
    }

    [Theory]
    [InlineData("api/v1/Presence/SaveAll", "<ArrayOfChatPresence xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\"><ChatPresence i:nil=\"maybe\"/></ArrayOfChatPresence>")]
    [InlineData("api/v1/Login", "<Login xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\"><UserName i:nil=\"maybe\">admin</UserName><Password>admin</Password></Login>")]
    public async Task Issue10_6_an_invalid_nil_attribute_is_a_400(string route, string xml)
    {
        using var client = fixture.Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, route) { Content = RestCatalogue.Text("application/xml", xml) };
        request.Headers.Accept.ParseAdd("application/xml");
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("InvalidRequest", ReadXmlError(await response.Content.ReadAsByteArrayAsync())["ErrorType"]);
        HostLog.AssertNoErrors(fixture.Host);
    }

    /// <summary>The same generator at n and 10n: allocations may grow ~10x (12x allowed), not 100x.</summary>
    internal static void AssertLinear(byte[] small, byte[] large, WireFormat format, BodyLimits? limits = null)
    {
        limits ??= BodyLimits.For(Generous);
        var (a, b) = (Allocated(small, format, limits), Allocated(large, format, limits));
        Assert.True(b <= 12 * Math.Max(a, 64 * 1024), $"{format}: {small.Length} bytes allocated {a}, {large.Length} bytes allocated {b} ({(double)b / a:F1}x)");
    }

    private static long Allocated(byte[] body, WireFormat format, BodyLimits limits)
    {
        Measure(body, format, limits); // warm up: first-call costs are not the reader's
        var before = GC.GetAllocatedBytesForCurrentThread();
        Measure(body, format, limits);
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static void Measure(byte[] body, WireFormat format, BodyLimits limits)
    {
        try
        {
            BodyReader.Parse(body, format, limits, "en");
        }
        catch (ChatPresence.Contract.Refusals.RefusalException)
        {
            // A quota refusal is a fine answer; its cost is what is measured.
        }
    }

    internal static Dictionary<string, string> ReadXmlError(byte[] body)
    {
        var values = new Dictionary<string, string>();
        using var reader = XmlReader.Create(new MemoryStream(body), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit });
        reader.MoveToContent();
        Assert.Equal("ErrorInformation", reader.LocalName);
        reader.Read();
        while (!reader.EOF)
        {
            if (reader.NodeType == XmlNodeType.Element)
            {
                values[reader.LocalName] = reader.ReadElementContentAsString();
            }
            else
            {
                reader.Read();
            }
        }

        return values;
    }
}

/// <summary>What a host logged, checked: a client's mistake is never an Error.</summary>
internal static class HostLog
{
    public static void AssertNoErrors(ChatPresence.Tests.ChatPresenceHost host, int from = 0, string? after = null)
    {
        var errors = host.Log.ErrorsSince(from);
        Assert.True(errors.Count == 0, $"{(after is null ? string.Empty : "after " + after + ": ")}Error-level log entries:\n{string.Join('\n', errors.Take(3))}");
    }
}
