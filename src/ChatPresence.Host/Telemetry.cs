using System.ComponentModel.DataAnnotations;

using ChatPresence.Domain.Telemetry;
using ChatPresence.Options;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ChatPresence.Host;

/// <summary>Metrics and traces settings (configuration section <c>ChatPresence:Telemetry</c>).</summary>
public sealed class TelemetryOptions
{
    public const string Section = "ChatPresence:Telemetry";

    /// <summary>
    /// False: no meter is listened to (no meter provider; with OTLP, one for no meter), so an instrument call of the
    /// service's, ASP.NET Core's or the runtime's meter is a flag check, and there is no <see cref="PrometheusPath"/>
    /// (the bench's metrics-off side).
    /// </summary>
    public bool MetricsEnabled { get; set; } = true;

    /// <summary>Serve Prometheus text at <see cref="PrometheusPath"/>.</summary>
    public bool PrometheusEnabled { get; set; } = true;

    [Required]

    public string PrometheusPath { get; set; } = "/metrics";

    /// <summary>
    /// Record ASP.NET Core and Npgsql spans. Unset: only when they go somewhere (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>
    /// set); a span nobody exports costs every request its tags and listener calls for nothing. <c>true</c> for an
    /// exporter added in code. Log lines and error replies carry the trace id either way (ASP.NET Core starts the
    /// request's activity for its log scope, continuing the caller's <c>traceparent</c>).
    /// </summary>
    public bool? TracingEnabled { get; set; }
}

/// <summary>
/// OpenTelemetry: the service's own meter (<see cref="ChatPresenceMetrics"/>), ASP.NET Core, runtime and Npgsql
/// metrics; ASP.NET Core and Npgsql traces. Prometheus scraping at <c>/metrics</c> unless switched off; OTLP for
/// metrics, traces and logs when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the standard OTEL_* variables apply); spans
/// only then, or when <see cref="TelemetryOptions.TracingEnabled"/> asks for them.
/// </summary>
internal static class Telemetry
{
    /// <summary>
    /// Kestrel's memory pool meter (added by the ASP.NET Core instrumentation on .NET 10) measures every 4 KB block
    /// rented and returned: a 50-user presence reply (84 KB) is tens of measurements, more than all the request's other
    /// instruments together, and the main cost of metrics on the steady GetChatPresence path. Dropped by a view, so nothing
    /// listens to it and each of its calls is a flag check.
    /// </summary>
    private const string MemoryPoolMeter = "Microsoft.AspNetCore.MemoryPool";

    public static void AddChatPresenceTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<TelemetryOptions>()
            .BindConfiguration(TelemetryOptions.Section)
            .ValidateKeys(TelemetryOptions.Section)
            .Validate(o => !o.PrometheusEnabled || !o.MetricsEnabled || o.PrometheusPath.StartsWith('/'), $"{TelemetryOptions.Section}:PrometheusPath must start with '/'")
            .ValidateOnStart();

        // Which meters and exporters exist is decided while the services are registered, before any options
        // instance can be built: read the same section here (the registered instance above is what is validated).
        var options = builder.Configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ChatPresenceMetrics.MeterName));
        if (options.MetricsEnabled)
        {
            telemetry.WithMetrics(metrics =>
            {
                metrics.AddMeter(ChatPresenceMetrics.MeterName)
                    .AddAspNetCoreInstrumentation()
                    .AddView(static instrument => instrument.Meter.Name == MemoryPoolMeter ? MetricStreamConfiguration.Drop : null)
                    .AddRuntimeInstrumentation()
                    .AddNpgsqlInstrumentation();
                if (options.PrometheusEnabled)
                {
                    metrics.AddPrometheusExporter();
                }
            });
        }

        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        if (options.TracingEnabled ?? otlp)
        {
            // The enricher runs after the instrumentation has named the span by route: a SOAP operation's name wins.
            telemetry.WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(aspNet => aspNet.EnrichWithHttpResponse = static (span, _) => SpanName.Reapply(span))
                .AddNpgsql());
        }

        if (otlp)
        {
            telemetry.UseOtlpExporter();
        }
    }

    public static void MapChatPresenceTelemetry(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<TelemetryOptions>>().Value;
        if (options.PrometheusEnabled && options.MetricsEnabled)
        {
            app.MapPrometheusScrapingEndpoint(options.PrometheusPath);
        }
        else
        {
            // A scraper still pointed here learns that metrics are off, instead of following /{tenant}/'s board redirect.
            app.MapMethods(options.PrometheusPath, [HttpMethods.Get, HttpMethods.Head], static () => Results.NotFound()).ExcludeFromDescription();
        }
    }
}
