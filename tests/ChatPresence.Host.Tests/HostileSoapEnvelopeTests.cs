using System.Net;
using System.Text;
using System.Xml.Linq;
using ChatPresence.Soap;
using ChatPresence.Tests;
using CsCheck;

namespace ChatPresence.Host.Tests;

/// <summary>
/// Issue 10: generated hostile SOAP envelopes (CsCheck) and the explicit monsters, for Chat.svc and SoPrincipal.svc in
/// both SOAP versions. For every input: a well-formed fault envelope of the request's version (500 by contract, 413
/// over the size limit), never a success, nothing written, no Error-level log entry, and the host still serves.
/// </summary>
public sealed class HostileSoapEnvelopeTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private const string Tns = SoapMessages.Tns;
    private const string Env11 = "http://schemas.xmlsoap.org/soap/envelope/";
    private const string Env12 = "http://www.w3.org/2003/05/soap-envelope";

    public static TheoryData<string> Monsters() => new(MonsterBodies.Keys);

    private static readonly Dictionary<string, Func<string, string>> MonsterBodies = new()
    {
        ["depth 10k"] = env => Wrap(env, string.Concat(Enumerable.Repeat("<a>", 10_000)) + string.Concat(Enumerable.Repeat("</a>", 10_000))),
        ["depth 100k (unclosed)"] = env => Wrap(env, string.Concat(Enumerable.Repeat("<a>", 100_000))),
        ["100k siblings"] = env => Wrap(env, string.Concat(Enumerable.Repeat("<a/>", 100_000))),
        ["1M chars of text in 100k fragments"] = env => Wrap(env, "<a>" + string.Concat(Enumerable.Repeat("xxxxxxx<!---->", 100_000)) + "</a>"),
        ["100k attributes"] = env => Wrap(env, "<a " + string.Concat(Enumerable.Range(0, 100_000).Select(i => $"a{i}=\"\" ")) + "/>"),
        ["a huge element name"] = env => Wrap(env, $"<{new string('n', 500_000)}/>"),
        ["a huge attribute name"] = env => Wrap(env, $"<a {new string('n', 500_000)}=\"x\"/>"),
        ["every C0 control as a character reference"] = env => Wrap(env, "<a>" + string.Concat(Enumerable.Range(0, 32).Where(c => c is not (9 or 10 or 13)).Select(c => $"&#x{c:X};")) + "</a>"),
        ["every C0 control raw"] = env => Wrap(env, "<a>" + new string([.. Enumerable.Range(0, 32).Select(c => (char)c)]) + "</a>"),
        ["U+FFFE and U+FFFF"] = env => Wrap(env, "<a>&#xFFFE;&#xFFFF;</a>"),
        ["U+FFFE raw"] = env => Wrap(env, "<a>\uFFFE</a>"),
        ["a lone surrogate reference"] = env => Wrap(env, "<a>&#xD800;</a>"),
        ["a lone surrogate in a ticket"] = env => Wrap(env, string.Empty, "<t:Credentials><t:Ticket>7T:\uD800</t:Ticket></t:Credentials>"),
    };

    [Theory]
    [MemberData(nameof(Monsters))]
    public async Task An_explicit_monster_gets_a_fault_on_every_service_and_version(string name)
    {
        foreach (var (service, soap12) in Targets)
        {
            var env = soap12 ? Env12 : Env11;
            await AssertRefusedAsync(service, soap12, Encoding.UTF8.GetBytes(MonsterBodies[name](env)), name);
        }
    }

    [Fact]
    public async Task Generated_hostile_envelopes_get_faults_and_change_nothing()
    {
        // Fragments an attacker would combine: markup, entities, controls, surrogates, repeated SOAP parts.
        string[] fragments =
        [
            "<a>", "</a>", "<s:Body>", "</s:Body>", "<s:Header/>", "<s:Envelope>", "<!--x-->", "<?pi x?>", "<![CDATA[x]]>",
            "&amp;", "&#x1;", "&#xFFFE;", "&#xD800;", "&lol;", "<!DOCTYPE x>", "\u0001", "\uFFFF", "\uD800", "x", " ", "=\"", "<t:Ticket>", "</t:Ticket>",
        ];
        var fragment = Gen.Int[0, fragments.Length - 1].Select(i => fragments[i]);
        var inner = fragment.Array[0, 200].Select(parts => string.Concat(parts));
        var input = Gen.Select(inner, Gen.Int[0, 3], Gen.Bool, (body, shape, trailing) => (body, shape, trailing));
        var count = 0;
        await input.SampleAsync(
            async t =>
            {
                var (service, soap12) = Targets[count++ % Targets.Length];
                var env = soap12 ? Env12 : Env11;
                var text = t.shape switch
                {
                    0 => t.body,
                    1 => Wrap(env, t.body),
                    2 => Wrap(env, string.Empty, t.body),
                    _ => Wrap(env, "<t:GetChatPresence/>") + t.body,
                } + (t.trailing ? "<x/>" : string.Empty);
                await AssertRefusedAsync(service, soap12, Encoding.UTF8.GetBytes(text), text.Length > 200 ? text[..200] : text, allowSuccess: true);
            },
            iter: 150,
            threads: 1);
    }

    /// <summary>Cost, not time: the reader's allocations at 10× the input grow about 10×, not 100×.</summary>
    [Theory]
    [InlineData("siblings")]
    [InlineData("text fragments")]
    [InlineData("header entries")]
    public void Reading_costs_allocations_linear_in_the_input(string shape)
    {
        var reader = new SoapEnvelopeReader(new SoapOptions { MaxBodyBytes = 64 * 1024 * 1024 });
        long Allocated(int n)
        {
            var body = shape switch
            {
                "siblings" => string.Concat(Enumerable.Repeat("<t:x/>", n)),
                "text fragments" => "<t:x>" + string.Concat(Enumerable.Repeat("ab<!---->", n)) + "</t:x>",
                _ => string.Empty,
            };
            var headers = shape == "header entries" ? string.Concat(Enumerable.Repeat("<h:x xmlns:h=\"urn:h\">v</h:x>", n)) : string.Empty;
            var bytes = Encoding.UTF8.GetBytes(Wrap(Env11, "<t:GetChatPresence>" + body + "</t:GetChatPresence>", headers));
            using var stream = new MemoryStream(bytes);
            var before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                reader.Read(stream, SoapVersion.Soap11, SoapService.Chat, SoapOperation.None);
            }
            catch (SoapFaultException)
            {
                // a refusal costs the same way
            }

            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Allocated(1_000); // warm-up
        var small = Allocated(10_000);
        var large = Allocated(100_000);
        Assert.True(large <= small * 12, $"{shape}: {small} bytes at n, {large} at 10n ({(double)large / small:F1}×)");
    }

    private static readonly (string Service, bool Soap12)[] Targets = [("Chat", false), ("Chat", true), ("SoPrincipal", false), ("SoPrincipal", true)];

    private static string Wrap(string env, string body, string header = "") =>
        $"<s:Envelope xmlns:s=\"{env}\" xmlns:t=\"{Tns}\"><s:Header>{header}</s:Header><s:Body>{body}</s:Body></s:Envelope>";

    private async Task AssertRefusedAsync(string service, bool soap12, byte[] body, string name, bool allowSuccess = false)
    {
        using var client = fixture.Host.CreateClient();
        var stampBefore = await PresenceAsync(client);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"Remote/Services86/{service}.svc") { Content = new ByteArrayContent(body) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", soap12 ? "application/soap+xml; charset=utf-8" : "text/xml; charset=utf-8");
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var env = soap12 ? Env12 : Env11;

        var status = (int)response.StatusCode;
        Assert.True(status is 500 or 413 || (allowSuccess && status == 200), $"{name} ({service}, SOAP {(soap12 ? "1.2" : "1.1")}): status {status}");
        var reply = XDocument.Parse(text); // well-formed, whatever the input
        Assert.Equal(XName.Get("Envelope", env), reply.Root!.Name);
        if (status != 200)
        {
            Assert.NotNull(reply.Root.Element(XName.Get("Body", env))!.Element(XName.Get("Fault", env)));
        }

        Assert.DoesNotContain("Exception:", text, StringComparison.Ordinal); // no stack trace (ExceptionInfo is a header name)
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        Assert.Equal(stampBefore, await PresenceAsync(client)); // nothing written
        Assert.Empty(fixture.Host.Log.Errors);
    }

    /// <summary>Everyone's presence as the administrator sees it (the host still serves a valid request).</summary>
    private static async Task<string> PresenceAsync(HttpClient client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/Presence/GetAll");
        request.Headers.TryAddWithoutValidation("Authorization", "Basic " + Convert.ToBase64String("admin:admin"u8.ToArray()));
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }
}
