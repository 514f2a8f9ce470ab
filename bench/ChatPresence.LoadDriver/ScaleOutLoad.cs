using System.Diagnostics;
using System.Globalization;

namespace ChatPresence.LoadDriver;

/// <summary>
/// Several hosts on one database: CLIENTS savers, each an agent toggling its own presence through host (i mod N);
/// POLLERS readers of GetChatPresence spread over the hosts; one probe that saves on the first host and measures how
/// long the next host takes to show it (the visibility delay; with one host, its own read-your-write).
/// </summary>
public static class ScaleOutLoad
{
    public static async Task<int> RunAsync(Uri[] hosts, int clients, int pollers, TimeSpan duration)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients + pollers + 2, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            Timeout = TimeSpan.FromSeconds(30),
        };
        var soap = hosts.Select(h => new SoapClient(http, h)).ToArray();

        // Users 2..clients+1 save; the next one is the probe's. Tickets live in the shared database: valid on every host.
        var logins = await Task.WhenAll(Enumerable.Range(2, clients + 1).Select(id => soap[0].LoginAsync($"agent{id}", $"agent{id}", CancellationToken.None)));
        // Warm-up, not measured: every host JITs, validates the tickets and fills its reply caches.
        await Task.WhenAll(logins.Take(clients).Select(async (login, i) =>
        {
            for (var n = 0; n < 5; n++)
            {
                await soap[i % soap.Length].SaveAsync(login.Ticket, login.UserId, n % 2 == 0, CancellationToken.None);
                await soap[(i + 1) % soap.Length].GetPresenceAsync(login.Ticket, CancellationToken.None);
            }
        }));

        using var stop = new CancellationTokenSource(duration);
        var stopwatch = Stopwatch.StartNew();
        var savers = logins.Take(clients).Select((login, i) => SaveLoad.RunClientAsync(soap[i % soap.Length], login.Ticket, login.UserId, stop.Token)).ToArray();
        var readers = Enumerable.Range(0, pollers).Select(i => PollAsync(soap[i % soap.Length], logins[0].Ticket, stop.Token)).ToArray();
        var probe = ProbeAsync(soap[0], soap[1 % soap.Length], logins[clients], stop.Token);
        var saveResults = await Task.WhenAll(savers);
        var reads = (await Task.WhenAll(readers)).Sum();
        var visibility = (await probe).Order().ToArray();
        var elapsed = stopwatch.Elapsed;

        var latencies = saveResults.SelectMany(r => r.LatenciesMs).Order().ToArray();
        var errors = saveResults.Sum(r => r.Errors);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT scale-out hosts={hosts.Length} clients={clients} pollers={pollers} saves={latencies.Length} errors={errors} seconds={elapsed.TotalSeconds:F2} "
            + $"per_second={latencies.Length / elapsed.TotalSeconds:F0} p50_ms={SaveLoad.Percentile(latencies, 0.50):F2} p99_ms={SaveLoad.Percentile(latencies, 0.99):F2} "
            + $"reads={reads} visibility_samples={visibility.Length} visibility_p50_ms={SaveLoad.Percentile(visibility, 0.50):F2} visibility_p99_ms={SaveLoad.Percentile(visibility, 0.99):F2}"));
        return errors == 0 && latencies.Length > 0 && visibility.Length > 0 ? 0 : 1;
    }

    /// <summary>Reads only, for counting the database's transactions per read from outside.</summary>
    public static async Task<int> ReadOnlyAsync(Uri[] hosts, int pollers, TimeSpan duration)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = pollers + 1 });
        var soap = hosts.Select(h => new SoapClient(http, h)).ToArray();
        var login = await soap[0].LoginAsync("agent2", "agent2", CancellationToken.None);

        // Every host validates the ticket once before the counted phase.
        foreach (var host in soap)
        {
            await host.GetPresenceAsync(login.Ticket, CancellationToken.None);
        }

        Console.WriteLine("READY");
        await Console.In.ReadLineAsync();
        using var stop = new CancellationTokenSource(duration);
        var reads = (await Task.WhenAll(Enumerable.Range(0, pollers).Select(i => PollAsync(soap[i % soap.Length], login.Ticket, stop.Token)))).Sum();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT scale-out-reads hosts={hosts.Length} reads={reads}"));
        return reads > 0 ? 0 : 1;
    }

    private static async Task<int> PollAsync(SoapClient soap, string ticket, CancellationToken stop)
    {
        var reads = 0;
        while (!stop.IsCancellationRequested)
        {
            await soap.GetPresenceAsync(ticket, CancellationToken.None);
            reads++;
        }

        return reads;
    }

    private static async Task<List<double>> ProbeAsync(SoapClient writer, SoapClient reader, (string Ticket, int UserId) login, CancellationToken stop)
    {
        var delays = new List<double>();
        var present = false;
        while (!stop.IsCancellationRequested)
        {
            present = !present;
            if (!await writer.SaveAsync(login.Ticket, login.UserId, present, CancellationToken.None))
            {
                continue;
            }

            var acknowledged = Stopwatch.GetTimestamp();
            while ((await reader.GetPresenceAsync(login.Ticket, CancellationToken.None)).GetValueOrDefault(login.UserId) != present)
            {
                if (Stopwatch.GetElapsedTime(acknowledged) > TimeSpan.FromSeconds(10))
                {
                    return delays; // never seen: the caller reports no (or fewer) samples
                }
            }

            delays.Add(Stopwatch.GetElapsedTime(acknowledged).TotalMilliseconds);
        }

        return delays;
    }
}
