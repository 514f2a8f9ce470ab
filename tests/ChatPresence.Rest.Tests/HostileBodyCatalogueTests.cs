using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Xml;
using ChatPresence.Rest.Binding;
using ChatPresence.Rest.Formatting;
using CsCheck;
using Microsoft.Data.Sqlite;

namespace ChatPresence.Rest.Tests;

/// <summary>
/// A host whose body size limit (4 MiB) lets the structural quotas, not the size, meet the hostile bodies; and whose
/// per-address login throttle never locks the test's own address.
/// </summary>
public sealed class HostileBodyHostFixture : RestHostFixture
{
    protected override void Configure(IDictionary<string, string?> settings)
    {
        settings["ChatPresence:Rest:MaxBodyBytes"] = (4 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["ChatPresence:Security:LoginThrottle:FailuresPerAddress"] = "1000000";
    }
}

/// <summary>
/// Issue 10's catalogue for the REST body readers: generated hostile bodies (theory rows for the named shapes and
/// characters, a CsCheck property for random syntax soups) in JSON, XML and form on every REST route. For every input:
/// a documented status (never 500), a well-formed reply in the format asked for, nothing written to the store, no
/// Error-level log entry, and the host still answers a valid call afterwards.
/// </summary>
public sealed class HostileBodyCatalogueTests(HostileBodyHostFixture fixture) : IClassFixture<HostileBodyHostFixture>
{
    /// <summary>What a REST route may answer to any client input (the error table in the README).</summary>
    private static readonly HashSet<HttpStatusCode> Documented =
    [
        HttpStatusCode.OK, HttpStatusCode.NoContent, HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden,
        HttpStatusCode.NotFound, HttpStatusCode.MethodNotAllowed, HttpStatusCode.NotAcceptable, HttpStatusCode.RequestTimeout,
        HttpStatusCode.RequestEntityTooLarge, HttpStatusCode.UnsupportedMediaType, HttpStatusCode.TooManyRequests,
    ];

    public static TheoryData<string, WireFormat> StructureRows()
    {
        var data = new TheoryData<string, WireFormat>();
        foreach (var shape in HostileBodies.Structures)
        {
            foreach (var format in HostileBodies.Formats)
            {
                data.Add(shape, format);
            }
        }

        return data;
    }

    public static TheoryData<int, WireFormat> CharacterRows()
    {
        var data = new TheoryData<int, WireFormat>();
        foreach (var c in HostileBodies.BadCharacters())
        {
            foreach (var format in HostileBodies.Formats)
            {
                data.Add(c, format);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(StructureRows))]
    public async Task A_huge_structure_is_refused_cleanly_on_every_route(string shape, WireFormat format)
    {
        var logged = fixture.Host.Log.Entries.Count;
        var body = HostileBodies.Structure(shape, format);
        for (var r = 0; r < HostileBodies.Routes.Length; r++)
        {
            var before = await StoreStateAsync();
            await AssertHandledAsync(r, format, acceptXml: r % 2 == 1, body, shape);
            await AssertStillServingAndUnchangedAsync(before, $"{shape} {format} to {HostileBodies.Routes[r].Path}");
        }

        AssertNoErrorLogged(logged, $"{shape} {format}");
    }

    [Theory]
    [MemberData(nameof(CharacterRows))]
    public async Task A_character_XML_cannot_carry_is_refused_cleanly_on_every_route(int character, WireFormat format)
    {
        var logged = fixture.Host.Log.Entries.Count;
        var bad = (char)character;
        for (var r = 0; r < HostileBodies.Routes.Length; r++)
        {
            var before = await StoreStateAsync();
            for (var place = 0; place < 3; place++)
            {
                var body = HostileBodies.Injected(HostileBodies.Routes[r].Template, format, bad, place);
                await AssertHandledAsync(r, format, acceptXml: (r + place) % 2 == 1, body, $"{HostileBodies.Describe(bad)} at place {place}");
            }

            await AssertStillServingAndUnchangedAsync(before, $"{HostileBodies.Describe(bad)} {format} to {HostileBodies.Routes[r].Path}");
        }

        AssertNoErrorLogged(logged, $"{HostileBodies.Describe(bad)} {format}");
    }

    [Fact]
    public async Task Random_syntax_soups_are_refused_cleanly_on_every_route()
    {
        var logged = fixture.Host.Log.Entries.Count;
        var gen = Gen.Select(Gen.Int[0, HostileBodies.Routes.Length - 1], Gen.Int[0, 2], Gen.Bool)
            .SelectMany((route, format, acceptXml) => HostileBodies.Soup(HostileBodies.Formats[format]).Select(body => (route, format, acceptXml, body)));
        await gen.SampleAsync(
            async sample =>
            {
                var before = await StoreStateAsync();
                await AssertHandledAsync(sample.route, HostileBodies.Formats[sample.format], sample.acceptXml, sample.body, "soup");
                await AssertStillServingAndUnchangedAsync(before, "soup to " + HostileBodies.Routes[sample.route].Path);
            },
            iter: 120,
            threads: 1,
            print: s => $"{HostileBodies.Routes[s.route].Path} {HostileBodies.Formats[s.format]} accept-xml={s.acceptXml} {s.body.Length} bytes: {Convert.ToHexString(s.body.AsSpan(0, Math.Min(120, s.body.Length)))}");
        AssertNoErrorLogged(logged, "the soups");
    }

    /// <summary>
    /// The other untrusted readers of a REST call: credentials (<c>Authorization</c> in every scheme, the session cookie,
    /// <c>X-XSRF-TOKEN</c>, <c>SO-AppToken</c>), language headers and query strings, generated at random on every route.
    /// Whatever arrives: a documented status, a well-formed JSON reply, nothing written, no Error log.
    /// </summary>
    [Fact]
    public async Task Random_credentials_headers_and_query_strings_are_refused_cleanly_on_every_route()
    {
        var logged = fixture.Host.Log.Entries.Count;
        var printable = Gen.Char['!', '~'];
        var text = Gen.OneOf(printable.Array[0, 300].Select(c => new string(c)), Gen.String[printable, 0, 40]);
        var base64 = Gen.Byte.Array[0, 200].Select(Convert.ToBase64String);
        var secret = Gen.OneOf(
            text,
            base64,
            text.Select(t => "7T:" + t),
            Gen.Select(base64, base64, base64).Select((a, b, c) => $"{a.TrimEnd('=')}.{b.TrimEnd('=')}.{c.TrimEnd('=')}"),
            Gen.Select(text, text).Select((user, password) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(user + ":" + password))));
        var scheme = Gen.OneOf(Gen.Const("Basic"), Gen.Const("SoTicket"), Gen.Const("Bearer"), Gen.Const("bearer"), Gen.Const(""), text);
        var query = Gen.Byte.Array[0, 120].Select(bytes => "?" + string.Concat(bytes.Select((b, i) => i % 17 == 0 ? "&$select=" : i % 11 == 0 ? "=" : "%" + b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture))));
        var headers = Gen.Select(text, text, text, text).Select((appToken, language, xsrf, cookie) => (appToken, language, xsrf, cookie));
        var gen = Gen.Select(Gen.Int[0, HostileBodies.Routes.Length - 1], scheme, secret, query, headers, Gen.Int[0, 15]);
        await gen.SampleAsync(
            async sample =>
            {
                var (route, authScheme, credential, queryString, extra, mask) = sample;
                var (method, path, _) = HostileBodies.Routes[route];
                var before = await StoreStateAsync();
                using var client = fixture.Host.CreateClient();
                using var request = new HttpRequestMessage(new HttpMethod(method), path + queryString);
                if (method == "POST")
                {
                    request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
                }

                request.Headers.TryAddWithoutValidation("Authorization", (authScheme + " " + credential).Trim());
                request.Headers.TryAddWithoutValidation("Accept", "application/json");
                if ((mask & 1) != 0) request.Headers.TryAddWithoutValidation("SO-AppToken", extra.appToken);
                if ((mask & 2) != 0) request.Headers.TryAddWithoutValidation("Accept-Language", extra.language);
                if ((mask & 4) != 0) request.Headers.TryAddWithoutValidation("X-XSRF-TOKEN", extra.xsrf);
                if ((mask & 8) != 0) request.Headers.TryAddWithoutValidation("Cookie", "ChatPresence-Session=" + extra.cookie + "; XSRF-TOKEN=" + extra.xsrf);
                var where = $"{method} {path}{queryString} Authorization '{authScheme} {credential}' headers {mask}";

                using var response = await client.SendAsync(request);
                Assert.True(Documented.Contains(response.StatusCode), $"{where}: status {(int)response.StatusCode}");
                Assert.False(response.IsSuccessStatusCode && path.Contains("Save", StringComparison.Ordinal), $"{where}: a save went through");
                var reply = await response.Content.ReadAsByteArrayAsync();
                if (response.StatusCode != HttpStatusCode.NoContent)
                {
                    AssertWellFormed(reply, acceptXml: false, response.Content.Headers.ContentType?.MediaType, where);
                }

                await AssertStillServingAndUnchangedAsync(before, where);
            },
            iter: 200,
            threads: 1);
        AssertNoErrorLogged(logged, "random credentials, headers and query strings");
    }

    /// <summary>Cost, not time: each generator at n and 10n, through the real reader with its quotas and with none.</summary>
    [Theory]
    [MemberData(nameof(StructureRows))]
    public void Reading_costs_allocations_linear_in_the_input(string shape, WireFormat format)
    {
        Func<int, byte[]> generator = shape switch
        {
            "depth-10k" or "depth-100k" => n => HostileBodies.Nested(format, n, closed: true),
            "unclosed-30k" => n => HostileBodies.Nested(format, n, closed: false),
            "siblings-100k" => n => HostileBodies.Siblings(format, n),
            "text-1M-in-100k-fragments" => n => HostileBodies.Fragments(format, n),
            "attributes-100k" => n => HostileBodies.Attributes(format, n),
            _ => n => HostileBodies.Name(format, n),
        };
        var unbounded = new BodyLimits(int.MaxValue, int.MaxValue, int.MaxValue, int.MaxValue, int.MaxValue);
        HardeningRegressionTests.AssertLinear(generator(2_000), generator(20_000), format, unbounded);
        HardeningRegressionTests.AssertLinear(generator(2_000), generator(20_000), format, BodyLimits.For(64 * 1024 * 1024));
    }

    private async Task AssertHandledAsync(int routeIndex, WireFormat format, bool acceptXml, byte[] body, string what)
    {
        var (method, path, _) = HostileBodies.Routes[routeIndex];
        using var client = fixture.Client();
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(HostileBodies.ContentType(format));
        request.Headers.Accept.ParseAdd(acceptXml ? "application/xml" : "application/json");
        var where = $"{method} {path} {format} body ({what}, {body.Length} bytes), Accept {(acceptXml ? "XML" : "JSON")}";

        using var response = await client.SendAsync(request);
        Assert.True(Documented.Contains(response.StatusCode), $"{where}: status {(int)response.StatusCode}");
        var reply = await response.Content.ReadAsByteArrayAsync();
        if (response.StatusCode != HttpStatusCode.NoContent)
        {
            AssertWellFormed(reply, acceptXml, response.Content.Headers.ContentType?.MediaType, where);
        }
    }

    /// <summary>The host still answers a valid call, and nothing was written (presence, change stamp, tickets).</summary>
    private async Task AssertStillServingAndUnchangedAsync((long, long, string) before, string after)
    {
        using var client = fixture.Client();
        using var check = await client.GetAsync("api/v1/Presence/GetAll");
        Assert.True(check.StatusCode == HttpStatusCode.OK, $"after {after}: GetAll answered {(int)check.StatusCode}");
        Assert.True(before == await StoreStateAsync(), $"after {after}: the store changed");
    }

    /// <summary>No Error or Critical entry since entry <paramref name="from"/> (read once per row: the log is long).</summary>
    private void AssertNoErrorLogged(int from, string after) => HostLog.AssertNoErrors(fixture.Host, from, after);

    private static void AssertWellFormed(byte[] reply, bool acceptXml, string? mediaType, string where)
    {
        Assert.True(reply.Length > 0, $"{where}: empty reply");
        try
        {
            if (acceptXml)
            {
                Assert.Equal("application/xml", mediaType);
                using var reader = XmlReader.Create(new MemoryStream(reply), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit });
                while (reader.Read())
                {
                }
            }
            else
            {
                Assert.Equal("application/json", mediaType);
                using var document = JsonDocument.Parse(reply);
            }
        }
        catch (Exception e) when (e is XmlException or JsonException or Xunit.Sdk.XunitException)
        {
            Assert.Fail($"{where}: the reply is not a well-formed {(acceptXml ? "XML" : "JSON")} document: {e.Message}");
        }
    }

    /// <summary>Every write bumps the change stamp; a login adds a ticket row.</summary>
    private async Task<(long Stamp, long Tickets, string Presence)> StoreStateAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(fixture.Host.DataFolder, "chatpresence.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT (SELECT change_stamp FROM meta), (SELECT count(*) FROM tickets), (SELECT group_concat(user_id || ':' || present, ',') FROM presence)";
        await using var row = await command.ExecuteReaderAsync();
        await row.ReadAsync();
        return (row.GetInt64(0), row.GetInt64(1), row.IsDBNull(2) ? string.Empty : row.GetString(2));
    }
}
