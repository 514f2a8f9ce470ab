using System.Diagnostics;
using System.Globalization;

namespace ChatPresence.LoadDriver;

/// <summary>Concurrent durable saves: each client owns one agent and toggles that agent's Present.</summary>
public static class SaveLoad
{
    public static async Task<int> RunAsync(Uri baseUrl, int clients, TimeSpan duration, string acksPath)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            Timeout = TimeSpan.FromSeconds(30),
        };
        var soap = new SoapClient(http, baseUrl);

        // Users 2..clients+1 are agents whose password is their login (bench/make-directory.py).
        var logins = await Task.WhenAll(Enumerable.Range(2, clients).Select(id => soap.LoginAsync($"agent{id}", $"agent{id}", CancellationToken.None)));

        using var stop = new CancellationTokenSource(duration);
        var stopwatch = Stopwatch.StartNew();
        var results = await Task.WhenAll(logins.Select(login => RunClientAsync(soap, login.Ticket, login.UserId, stop.Token)));
        var elapsed = stopwatch.Elapsed;

        var latencies = results.SelectMany(r => r.LatenciesMs).Order().ToArray();
        var saves = latencies.Length;
        var errors = results.Sum(r => r.Errors);
        await File.WriteAllLinesAsync(acksPath, results.Where(r => r.LastAcknowledged is not null)
            .Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.UserId}\t{(r.LastAcknowledged!.Value ? "true" : "false")}")));

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT durable-saves clients={clients} saves={saves} errors={errors} seconds={elapsed.TotalSeconds:F2} per_second={saves / elapsed.TotalSeconds:F0} p50_ms={Percentile(latencies, 0.50):F2} p99_ms={Percentile(latencies, 0.99):F2}"));
        return errors == 0 && saves > 0 ? 0 : 1;
    }

    internal static async Task<ClientResult> RunClientAsync(SoapClient soap, string ticket, int userId, CancellationToken stop)
    {
        var latencies = new List<double>();
        bool? lastAcknowledged = null;
        var errors = 0;
        var present = false;
        while (!stop.IsCancellationRequested)
        {
            present = !present;
            var started = Stopwatch.GetTimestamp();
            try
            {
                // Not cancelled by `stop`: a save in flight is finished, so its outcome is known.
                if (await soap.SaveAsync(ticket, userId, present, CancellationToken.None))
                {
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    lastAcknowledged = present;
                }
                else
                {
                    errors++;
                }
            }
            catch (HttpRequestException)
            {
                errors++;
            }
        }

        return new ClientResult(userId, lastAcknowledged, latencies, errors);
    }

    internal static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    internal sealed record ClientResult(int UserId, bool? LastAcknowledged, List<double> LatenciesMs, int Errors);
}
