using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using ChatPresence.Tests;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace ChatPresence.Host.Tests;

/// <summary>The service's meter is static (one per process): these tests run alone, so each host's numbers are its own.</summary>
[CollectionDefinition(nameof(TelemetryCollection), DisableParallelization = true)]
public sealed class TelemetryCollection;

/// <summary>
/// /metrics (Prometheus text) after a SOAP call, REST calls, a save, refused logins and a throttle lock; the same
/// instruments through an in-process exporter; and a log line carrying its request's trace id.
/// </summary>
[Collection(nameof(TelemetryCollection))]
public sealed partial class TelemetryTests
{
    [Fact]
    public async Task Metrics_shows_each_instrument_with_the_right_values_after_calls()
    {
        await using var host = await ChatPresenceHost.StartAsync(s => s["ChatPresence:Security:LoginThrottle:FailuresPerLogin"] = "2");
        using var client = host.CreateClient();

        // REST: a presence read (built), the same again (cached), a save of two presences.
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, HttpMethod.Get, "api/v1/Presence/GetAll", Basic("admin", "admin"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, HttpMethod.Get, "api/v1/Presence/GetAll", Basic("admin", "admin"))).StatusCode);
        var save = await SendAsync(client, HttpMethod.Post, "api/v1/Agents/Chat/SaveChatPresence", Basic("admin", "admin"), "{\"ChatPresence\":[{\"UserId\":2,\"Present\":true},{\"UserId\":3,\"Present\":false}]}");
        Assert.True(save.StatusCode == HttpStatusCode.NoContent, await save.Content.ReadAsStringAsync());

        // A refused save (an agent saving someone else).
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(client, HttpMethod.Post, "api/v1/Agents/Chat/SaveChatPresence", Basic("agent2", "agent2"), "{\"ChatPresence\":[{\"UserId\":3,\"Present\":true}]}")).StatusCode);

        // SOAP: a login (a ticket issued), then GetChatPresence with it.
        var ticket = await SoapLoginAsync(client, "agent4", "agent4");
        host.Secrets.AddSecret(ticket);
        var soap = await SoapAsync(client, "GetChatPresence", ticket, "<t:GetChatPresence />");
        Assert.Contains("<t:Succeeded>true</t:Succeeded>", soap, StringComparison.Ordinal);

        // Two wrong passwords lock agent5 (FailuresPerLogin=2); the third attempt is throttled.
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(client, HttpMethod.Get, "api/v1/Presence/GetAll", Basic("agent5", "wrong1"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(client, HttpMethod.Get, "api/v1/Presence/GetAll", Basic("agent5", "wrong2"))).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await SendAsync(client, HttpMethod.Get, "api/v1/Presence/GetAll", Basic("agent5", "agent5"))).StatusCode);

        var text = await client.GetStringAsync(new Uri("metrics", UriKind.Relative));
        Assert.Equal(2, Value(text, "chatpresence_requests_total", "chatpresence_facade=\"rest\",chatpresence_operation=\"GetAll\",chatpresence_outcome=\"ok\""));
        Assert.Equal(1, Value(text, "chatpresence_requests_total", "chatpresence_facade=\"rest\",chatpresence_operation=\"SaveChatPresence\",chatpresence_outcome=\"ok\""));
        Assert.Equal(1, Value(text, "chatpresence_requests_total", "chatpresence_facade=\"rest\",chatpresence_operation=\"SaveChatPresence\",chatpresence_outcome=\"Forbidden\""));
        Assert.Equal(2, Value(text, "chatpresence_requests_total", "chatpresence_facade=\"rest\",chatpresence_operation=\"GetAll\",chatpresence_outcome=\"NotAuthenticated\""));
        Assert.Equal(1, Value(text, "chatpresence_requests_total", "chatpresence_facade=\"rest\",chatpresence_operation=\"GetAll\",chatpresence_outcome=\"Throttled\""));
        Assert.Equal(1, Value(text, "chatpresence_requests_total", "chatpresence_facade=\"soap\",chatpresence_operation=\"GetChatPresence\",chatpresence_outcome=\"ok\""));
        Assert.Equal(1, Value(text, "chatpresence_requests_total", "chatpresence_facade=\"soap\",chatpresence_operation=\"AuthenticateUsernamePassword\",chatpresence_outcome=\"ok\""));
        Assert.Equal(1, Value(text, "chatpresence_presence_reads_total", "chatpresence_facade=\"rest\",chatpresence_source=\"built\""));
        Assert.Equal(1, Value(text, "chatpresence_presence_reads_total", "chatpresence_facade=\"rest\",chatpresence_source=\"cache\""));
        Assert.Equal(1, Value(text, "chatpresence_presence_reads_total", "chatpresence_facade=\"soap\",chatpresence_source=\"built\""));
        Assert.Equal(2, Value(text, "chatpresence_reply_size_bytes_count", "chatpresence_facade=\"rest\""));
        Assert.True(Value(text, "chatpresence_reply_size_bytes_sum", "chatpresence_facade=\"rest\"") > 100);
        // Buckets up to 64 MB (a 5,000-user reply is 8.4 MB): with the default ones (up to 10,000) every reply landed in +Inf.
        Assert.Equal(2, Value(text, "chatpresence_reply_size_bytes_bucket", "chatpresence_facade=\"rest\",le=\"67108864\""));
        Assert.Equal(1, Value(text, "chatpresence_save_batch_size_bucket", "le=\"2\""));
        Assert.Equal(1, Value(text, "chatpresence_saves_total", "chatpresence_outcome=\"acknowledged\""));
        Assert.Equal(1, Value(text, "chatpresence_saves_total", "chatpresence_outcome=\"Forbidden\""));
        Assert.Equal(1, Value(text, "chatpresence_save_batch_size_count", null));
        Assert.Equal(2, Value(text, "chatpresence_save_batch_size_sum", null));
        Assert.Equal(1, Value(text, "chatpresence_save_duration_seconds_count", null));
        Assert.Equal(1, Value(text, "chatpresence_tickets_issued_total", null));
        Assert.Equal(2, Value(text, "chatpresence_credentials_refused_total", "chatpresence_reason=\"NotAuthenticated\""));
        Assert.Equal(1, Value(text, "chatpresence_credentials_refused_total", "chatpresence_reason=\"Throttled\""));
        Assert.Equal(1, Value(text, "chatpresence_login_throttle_locks_total", null));

        // ASP.NET Core and runtime instrumentation are there too.
        Assert.Contains("http_server_request_duration_seconds", text, StringComparison.Ordinal);
        Assert.Contains("dotnet_gc_collections", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_presence_reply_is_not_measured_per_memory_block()
    {
        // Kestrel's memory pool meter records each 4 KB block rented and returned: tens of measurements per presence
        // reply, more than every other instrument of the request together. ASP.NET Core's other meters stay.
        await using var host = await ChatPresenceHost.StartAsync();
        using var client = host.CreateClient();
        var ticket = await SoapLoginAsync(client, "admin", "admin");
        host.Secrets.AddSecret(ticket);
        for (var i = 0; i < 3; i++)
        {
            var soap = await SoapAsync(client, "GetChatPresence", ticket, "<t:GetChatPresence />");
            Assert.Contains("<t:Succeeded>true</t:Succeeded>", soap, StringComparison.Ordinal);
        }

        var text = await client.GetStringAsync(new Uri("metrics", UriKind.Relative));
        Assert.Contains("http_server_request_duration_seconds", text, StringComparison.Ordinal);
        Assert.Contains("kestrel_active_connections", text, StringComparison.Ordinal);
        Assert.DoesNotContain("aspnetcore_memory_pool", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PrometheusEnabled", true)] // no scraping; the meters still listened to (OTLP, in-process exporters)
    [InlineData("MetricsEnabled", false)] // no meter listened to at all
    public async Task Metrics_can_be_switched_off(string setting, bool meterProvider)
    {
        await using var host = await ChatPresenceHost.StartAsync(s => s[$"ChatPresence:Telemetry:{setting}"] = "false");
        using var client = host.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri("metrics", UriKind.Relative))).StatusCode);
        Assert.Equal(meterProvider, host.Services.GetService<MeterProvider>() is not null);
    }

    [Fact]
    public async Task An_in_process_exporter_receives_the_metrics_and_a_log_line_carries_its_request_trace_id()
    {
        var metrics = new List<Metric>();
        var spans = new List<Activity>();
        await using var host = await ChatPresenceHost.StartAsync(s => s["ChatPresence:Telemetry:TracingEnabled"] = "true", customize: builder =>
        {
            builder.Services.ConfigureOpenTelemetryMeterProvider(m => m.AddInMemoryExporter(metrics));
            builder.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans));
        });
        using var client = host.CreateClient();

        var traceId = await RefuseInCallersTraceAsync(client);

        // (False when a pull exporter such as Prometheus cannot flush; the in-memory one has by then.)
        host.Services.GetRequiredService<MeterProvider>().ForceFlush(10_000);
        Assert.True(host.Services.GetRequiredService<TracerProvider>().ForceFlush(10_000));
        var requests = Assert.Single(metrics, m => m.Name == "chatpresence.requests");
        Assert.Equal("{request}", requests.Unit);
        Assert.Equal(MetricType.LongSum, requests.MetricType);
        Assert.Contains(metrics, m => m.Name == "http.server.request.duration");

        // The server span continues the caller's trace, and the facade's log line names the same trace.
        Assert.Contains(spans, s => s.TraceId == traceId && s.Kind == ActivityKind.Server);
        AssertRefusalLoggedIn(host, traceId);
    }

    [Fact]
    public async Task Without_an_exporter_no_span_is_recorded_and_a_log_line_still_carries_the_callers_trace_id()
    {
        // A span nobody exports is pure cost on every request: no tracer provider unless OTLP (or the option) asks.
        await using var host = await ChatPresenceHost.StartAsync();
        Assert.Null(host.Services.GetService<TracerProvider>());
        using var client = host.CreateClient();

        AssertRefusalLoggedIn(host, await RefuseInCallersTraceAsync(client));
    }

    /// <summary>A refused call (logged at Debug by the REST facade) in a trace the caller started; its trace id.</summary>
    private static async Task<ActivityTraceId> RefuseInCallersTraceAsync(HttpClient client)
    {
        var traceId = ActivityTraceId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/Presence/GetAll");
        request.Headers.Authorization = new AuthenticationHeaderValue("SoTicket", "7T:not-a-ticket");
        request.Headers.Add("traceparent", $"00-{traceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        using var refused = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        return traceId;
    }

    private static void AssertRefusalLoggedIn(ChatPresenceHost host, ActivityTraceId traceId)
    {
        var line = Assert.Single(host.Log.Entries, e => e.Contains("refused with 401", StringComparison.Ordinal));
        Assert.Contains(traceId.ToHexString(), line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Outside_Development_an_unexpected_failure_replies_with_the_trace_id_its_log_line_has()
    {
        await using var host = await ChatPresenceHost.StartAsync(environment: "Production", directoryJson: HostFixture.DemoDirectoryJson);
        using var client = host.CreateClient();
        var ticket = await SoapLoginAsync(client, "admin", "admin");
        host.Secrets.AddSecret(ticket);

        // The database file becomes a directory: the next save fails in a way no caller caused.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(host.DataFolder, "chatpresence.db*"))
        {
            File.Delete(file);
        }

        Directory.CreateDirectory(Path.Combine(host.DataFolder, "chatpresence.db"));

        var rest = await SendAsync(client, HttpMethod.Post, "api/v1/Agents/Chat/SaveChatPresence", Basic("admin", "admin"), "{\"ChatPresence\":[{\"UserId\":2,\"Present\":true}]}");
        Assert.Equal(HttpStatusCode.InternalServerError, rest.StatusCode);
        var restId = CorrelationPattern().Match(await rest.Content.ReadAsStringAsync()).Groups[1].Value;
        Assert.Matches("^[0-9a-f]{32}$", restId);

        var soap = await SoapAsync(client, "SaveChatPresence", ticket,
            "<t:SaveChatPresence><t:ChatPresence><t:ChatPresence><t:UserId>2</t:UserId><t:Present>true</t:Present></t:ChatPresence></t:ChatPresence></t:SaveChatPresence>");
        Assert.Contains("UnexpectedError", soap, StringComparison.Ordinal);
        var soapId = CorrelationPattern().Match(soap).Groups[1].Value;
        Assert.Matches("^[0-9a-f]{32}$", soapId);
        Assert.NotEqual(restId, soapId);
        Assert.DoesNotContain("   at ", soap, StringComparison.Ordinal); // no stack trace

        // Each reply's id is in the Error-level log line of the same request.
        Assert.Contains(host.Log.Entries, e => e.Contains("failed unexpectedly", StringComparison.Ordinal) && e.Contains(restId, StringComparison.Ordinal));
        Assert.Contains(host.Log.Entries, e => e.Contains(soapId, StringComparison.Ordinal) && !e.Contains("Correlation id", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Spans_are_named_by_SOAP_operation_and_by_REST_route()
    {
        var spans = new List<Activity>();
        await using var host = await ChatPresenceHost.StartAsync(s => s["ChatPresence:Telemetry:TracingEnabled"] = "true", customize: builder =>
            builder.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans)));
        using var client = host.CreateClient();

        var ticket = await SoapLoginAsync(client, "agent4", "agent4");
        host.Secrets.AddSecret(ticket);
        await SoapAsync(client, "GetChatPresence", ticket, "<t:GetChatPresence />");
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, HttpMethod.Get, "acme/api/v1/Presence/GetAll", Basic("admin", "admin"))).StatusCode);

        // A server span ends after its response has been sent, so the last one may still be open: wait for it.
        List<string> names = [];
        for (var waited = 0; waited < 100; waited++)
        {
            Assert.True(host.Services.GetRequiredService<TracerProvider>().ForceFlush(10_000));
            lock (spans)
            {
                names = spans.Where(s => s.Kind == ActivityKind.Server).Select(s => s.DisplayName).ToList();
            }

            if (names.Count >= 3)
            {
                break;
            }

            await Task.Delay(50);
        }

        var all = string.Join(" | ", names);
        Assert.True(names.Contains("SoPrincipal.AuthenticateUsernamePassword"), all);
        Assert.True(names.Contains("Chat.GetChatPresence"), all);
        Assert.True(names.Contains("GET /{tenant}/api/v1/Presence/GetAll"), all); // the route, never the raw path
        Assert.DoesNotContain(names, n => n.Contains("acme", StringComparison.Ordinal) || n.Contains(".svc", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Metrics_show_open_presence_streams_and_directory_reloads_after_a_save()
    {
        // Each scrape fresh (the exporter caches a scrape's text for 300 ms by default).
        await using var host = await ChatPresenceHost.StartAsync(customize: builder =>
            builder.Services.Configure<OpenTelemetry.Exporter.PrometheusAspNetCoreOptions>(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
        using var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = Basic("admin", "admin");
        Assert.Equal(0, await MetricAsync(client, "chatpresence_presence_streams", null));

        await using (var stream = await Live.EventStream.OpenAsync(client))
        {
            Assert.Equal("snapshot", (await stream.NextAsync(TimeSpan.FromSeconds(5))).Event);
            Assert.Equal(1, await MetricAsync(client, "chatpresence_presence_streams", null));
        }

        // The server sees the client go when its request is aborted.
        await PostgresHostTests.EventuallyAsync(async () => await MetricAsync(client, "chatpresence_presence_streams", null) == 0, TimeSpan.FromSeconds(10));

        // SQLite: the first read after a save reloads the view.
        var reloads = await MetricAsync(client, "chatpresence_directory_changes_total", "chatpresence_change_kind=\"reload\"");
        var save = await SendAsync(client, HttpMethod.Post, "api/v1/Agents/Chat/SaveChatPresence", Basic("admin", "admin"), "{\"ChatPresence\":[{\"UserId\":2,\"Present\":true}]}");
        Assert.True(save.StatusCode == HttpStatusCode.NoContent, await save.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("api/v1/Presence/GetAll", UriKind.Relative))).StatusCode);
        Assert.Equal(reloads + 1, await MetricAsync(client, "chatpresence_directory_changes_total", "chatpresence_change_kind=\"reload\""));
    }

    [Fact]
    public async Task On_PostgreSQL_a_save_is_counted_as_a_delta_not_a_reload()
    {
        var (schema, connectionString) = await PostgresTestServer.CreateSchemaAsync("telemetry_test_");
        try
        {
            await using var host = await ChatPresenceHost.StartAsync(settings =>
            {
                settings["ChatPresence:Storage"] = "Postgres";
                settings["ConnectionStrings:ChatPresence"] = connectionString;
            });
            using var client = PostgresHostTests.AdminClient(host);
            var save = await SendAsync(client, HttpMethod.Post, "api/v1/Agents/Chat/SaveChatPresence", Basic("admin", "admin"), "{\"ChatPresence\":[{\"UserId\":2,\"Present\":true}]}");
            Assert.True(save.StatusCode == HttpStatusCode.NoContent, await save.Content.ReadAsStringAsync());

            // The save is applied before it is acknowledged.
            Assert.Equal(1, await MetricAsync(client, "chatpresence_directory_changes_total", "chatpresence_change_kind=\"delta\""));
            Assert.DoesNotContain("chatpresence_change_kind=\"reload\"", await client.GetStringAsync(new Uri("metrics", UriKind.Relative)), StringComparison.Ordinal);
        }
        finally
        {
            await PostgresTestServer.DropSchemaAsync(schema);
        }
    }

    private static async Task<double> MetricAsync(HttpClient client, string name, string? labels)
    {
        var text = await client.GetStringAsync(new Uri("metrics", UriKind.Relative));
        return text.Contains(name, StringComparison.Ordinal) ? Value(text, name, labels) : 0;
    }

    [GeneratedRegex("Correlation id: ([0-9a-f]{32})")]
    private static partial Regex CorrelationPattern();

    private static AuthenticationHeaderValue Basic(string user, string password) => ChatPresenceHost.Basic(user, password);

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, AuthenticationHeaderValue authorization, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = authorization;
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return await client.SendAsync(request);
    }

    /// <summary>A SOAP 1.1 call with the caller's ticket: the reply text (always 200: refusals are replies).</summary>
    private static async Task<string> SoapAsync(HttpClient client, string operation, string ticket, string body)
    {
        var reply = await SoapMessages.CallAsync(client, soap12: false, operation, body, ticket);
        Assert.Equal(200, reply.Status);
        return reply.Text;
    }

    private static Task<string> SoapLoginAsync(HttpClient client, string user, string password) => SoapMessages.LoginAsync(client, user, password);

    /// <summary>The value of one Prometheus sample: <paramref name="name"/> with exactly these labels (besides otel_scope_*).</summary>
    private static double Value(string text, string name, string? labels)
    {
        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith(name, StringComparison.Ordinal) || line.Length == name.Length || (line[name.Length] != '{' && line[name.Length] != ' '))
            {
                continue;
            }

            var brace = line.IndexOf('}', StringComparison.Ordinal);
            var own = brace < 0 ? string.Empty : string.Join(',', line[(name.Length + 1)..brace].Split(',').Where(l => !l.StartsWith("otel_scope_", StringComparison.Ordinal)));
            if (own == (labels ?? string.Empty))
            {
                return double.Parse(line[((brace < 0 ? name.Length : brace + 1) + 1)..].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        throw new Xunit.Sdk.XunitException($"no sample {name}{{{labels}}} in:\n{text}");
    }
}
