using BenchmarkDotNet.Attributes;
using ChatPresence.Domain.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace ChatPresence.Bench;

/// <summary>
/// The service's own instrument calls on the steady SOAP GetChatPresence path (a reply from the cache: the read
/// counter, the reply-size histogram and the request counter), with the meter listened to by an OpenTelemetry meter
/// provider as the host does, or by nothing (<c>MetricsEnabled=false</c>).
/// </summary>
[MemoryDiagnoser]
public class MetricsRecordingBenchmarks
{
    private MeterProvider? provider;

    [Params(false, true)]
    public bool Listened { get; set; }

    [GlobalSetup]
    public void Setup() => provider = Listened ? MetricsRecording.Listen() : null;

    [GlobalCleanup]
    public void Cleanup() => provider?.Dispose();

    [Benchmark]
    public void SteadyGetChatPresence() => MetricsRecording.SteadyGetChatPresence();
}

/// <summary>Allocated bytes per steady GetChatPresence's instrument calls, counted by the runtime for this thread.</summary>
public static class MetricsRecording
{
    public static void SteadyGetChatPresence()
    {
        ChatPresenceMetrics.PresenceRead("soap", fromCache: true, 84_000);
        ChatPresenceMetrics.Request("soap", "GetChatPresence", "ok");
    }

    /// <summary>A meter provider listening to the service's meter, cumulative like the Prometheus exporter's.</summary>
    public static MeterProvider Listen() =>
        Sdk.CreateMeterProviderBuilder()
            .AddMeter(ChatPresenceMetrics.MeterName)
            .AddInMemoryExporter(new List<Metric>(), reader => reader.TemporalityPreference = MetricReaderTemporalityPreference.Cumulative)
            .Build();

    public static long Measure(bool listened, int iterations)
    {
        using var provider = listened ? Listen() : null;
        for (var i = 0; i < 1000; i++)
        {
            SteadyGetChatPresence();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < iterations; i++)
        {
            SteadyGetChatPresence();
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / iterations;
    }
}
