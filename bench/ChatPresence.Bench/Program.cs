using System.Globalization;
using BenchmarkDotNet.Running;
using ChatPresence.Bench;

// `--smoke`: only the allocation figures (seconds). Otherwise the BenchmarkDotNet suite, then the figures.
// Other arguments go to BenchmarkDotNet (e.g. --filter '*Soap*'); without any, every benchmark runs.
var smoke = args.Contains("--smoke");
var rest = args.Where(a => a != "--smoke").ToArray();
if (!smoke)
{
    BenchmarkSwitcher.FromAssembly(typeof(EnvelopeReadBenchmarks).Assembly).Run(rest.Length == 0 ? ["--filter", "*"] : rest);
}

foreach (var users in new[] { 50, 5000 })
{
    var bytes = ColdReplyAllocation.Measure(users, iterations: smoke ? 200 : 2000);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT alloc-cold-get-{users} {bytes}"));
    var afresh = ColdReplyAllocation.Measure(users, iterations: smoke ? 200 : 2000, afresh: true);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT alloc-cold-get-afresh-{users} {afresh}"));
}

foreach (var listened in new[] { false, true })
{
    var bytes = MetricsRecording.Measure(listened, iterations: smoke ? 10_000 : 100_000);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT alloc-metrics-get-{(listened ? "on" : "off")} {bytes}"));
}

return 0;
