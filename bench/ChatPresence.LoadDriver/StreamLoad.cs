using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;

namespace ChatPresence.LoadDriver;

/// <summary>
/// The presence stream scenario (bench/run.sh, issue 15): N open <c>GET /api/v1/Presence/Stream</c> connections shared
/// by a few callers, one save over SOAP, and when each stream sees its <c>presence</c> event. The host's memory and
/// CPU are read from <c>/proc/PID</c> at each phase, so the script need not coordinate with the driver.
/// </summary>
public static class StreamLoad
{
    private const int Callers = 64; // admin + agent2…agent64: the agents with passwords (bench/make-directory.py)

    /// <summary>
    /// streams URL PID STREAMS SAVE_USER CPU_SECONDS SAVE_EVERY_SECONDS: prints <c>RESULT stream-…</c> lines.
    /// </summary>
    public static async Task<int> RunAsync(Uri baseUrl, int hostPid, int streams, int saveUser, TimeSpan cpuWindow, TimeSpan saveEvery)
    {
        using var http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = int.MaxValue,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            ConnectTimeout = TimeSpan.FromSeconds(30),
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        var soap = new SoapClient(http, baseUrl);
        var admin = await soap.LoginAsync("admin", "admin", CancellationToken.None);
        var tickets = new List<string> { admin.Ticket };
        for (var id = 2; id <= Callers; id++)
        {
            tickets.Add((await soap.LoginAsync($"agent{id}", $"agent{id}", CancellationToken.None)).Ticket);
        }

        var present = (await soap.GetPresenceAsync(admin.Ticket, CancellationToken.None)).GetValueOrDefault(saveUser);
        var host = new HostProcess(hostPid);
        using var stop = new CancellationTokenSource();
        var failures = 0;

        // Warm-up: one stream per caller, a snapshot each, one save seen by all, closed again. JIT and reply caches
        // are then warm, so the memory measured after is the streams' own.
        {
            using var warmStop = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
            var warm = tickets.Select((t, i) => new StreamClient(i, t, saveUser)).ToArray();
            var warmTasks = await OpenAllAsync(http, baseUrl, warm, warmStop.Token);
            present = !present;
            await SaveAndWaitAsync(soap, admin.Ticket, saveUser, present, warm, TimeSpan.FromSeconds(30));
            await warmStop.CancelAsync();
            await Task.WhenAll(warmTasks);
        }

        await Task.Delay(TimeSpan.FromSeconds(2));
        var rssBefore = host.ResidentBytes();

        var clients = Enumerable.Range(0, streams).Select(i => new StreamClient(i, tickets[i % tickets.Count], saveUser)).ToArray();
        var opening = Stopwatch.StartNew();
        var tasks = await OpenAllAsync(http, baseUrl, clients, stop.Token);
        var openSeconds = opening.Elapsed.TotalSeconds;
        var unopened = clients.Count(c => !c.SnapshotSeen.Task.IsCompletedSuccessfully);
        failures += unopened;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT stream-open streams={streams} callers={tickets.Count} without_snapshot={unopened} seconds={openSeconds:F1} snapshot_bytes={clients.Max(c => c.SnapshotBytes)}"));

        await Task.Delay(TimeSpan.FromSeconds(2));
        var rssWith = host.ResidentBytes();

        // The measured save: from just before the SOAP request is sent to each stream reading the event.
        present = !present;
        var (latencies, missed) = await SaveAndWaitAsync(soap, admin.Ticket, saveUser, present, clients, TimeSpan.FromSeconds(60));
        failures += missed;
        Array.Sort(latencies);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT stream-fanout streams={streams} received={latencies.Length} missed={missed} p50_ms={SaveLoad.Percentile(latencies, 0.50):F1} p99_ms={SaveLoad.Percentile(latencies, 0.99):F1} max_ms={(latencies.Length == 0 ? 0 : latencies[^1]):F1}"));

        // The host's CPU with every stream open and a save every few seconds (heartbeats and rechecks included).
        var saves = 0;
        var cpuBefore = host.CpuSeconds();
        var window = Stopwatch.StartNew();
        while (TimeSpan.FromTicks(saveEvery.Ticks * saves) < cpuWindow)
        {
            await PauseAsync(TimeSpan.FromTicks(saveEvery.Ticks * saves) - window.Elapsed);

            present = !present;
            var (_, lost) = await SaveAndWaitAsync(soap, admin.Ticket, saveUser, present, clients, saveEvery);
            saves++;
            failures += lost;
        }

        await PauseAsync(cpuWindow - window.Elapsed);

        var cpu = host.CpuSeconds() - cpuBefore;
        var elapsed = window.Elapsed.TotalSeconds;
        var peak = host.PeakResidentBytes();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT stream-memory streams={streams} rss_before_mb={rssBefore / 1048576.0:F1} rss_with_mb={rssWith / 1048576.0:F1} per_stream_kb={(rssWith - rssBefore) / 1024.0 / streams:F1} peak_rss_mb={peak / 1048576.0:F1}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT stream-cpu streams={streams} saves={saves} seconds={elapsed:F1} cpu_seconds={cpu:F2} cpu_seconds_per_minute={cpu / elapsed * 60:F2}"));

        await stop.CancelAsync();
        await Task.WhenAll(tasks);
        return failures == 0 ? 0 : 1;
    }

    /// <summary>
    /// poll URL PID RATE SECONDS: REST <c>GET /api/v1/Presence/GetAll</c> at a fixed rate (open loop: a request is sent
    /// when due, whether or not earlier ones have answered), tickets of the same callers in turn; the host's CPU.
    /// </summary>
    public static async Task<int> PollAsync(Uri baseUrl, int hostPid, double rate, TimeSpan duration)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            Timeout = TimeSpan.FromSeconds(30),
        };
        var soap = new SoapClient(http, baseUrl);
        var tickets = new List<string> { (await soap.LoginAsync("admin", "admin", CancellationToken.None)).Ticket };
        for (var id = 2; id <= Callers; id++)
        {
            tickets.Add((await soap.LoginAsync($"agent{id}", $"agent{id}", CancellationToken.None)).Ticket);
        }

        var getAll = new Uri(baseUrl, "api/v1/Presence/GetAll");
        var errors = 0;
        var answered = 0;
        async Task GetAsync(string ticket)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, getAll);
                request.Headers.Authorization = new AuthenticationHeaderValue("SoTicket", ticket);
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
                if (response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref answered);
                }
                else
                {
                    Interlocked.Increment(ref errors);
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                Interlocked.Increment(ref errors);
            }
        }

        // Warm-up (not measured): a second at the same rate.
        await PaceAsync(rate, TimeSpan.FromSeconds(1), i => GetAsync(tickets[i % tickets.Count]));
        var host = new HostProcess(hostPid);
        answered = 0;
        errors = 0;
        var cpuBefore = host.CpuSeconds();
        var clock = Stopwatch.StartNew();
        var sent = await PaceAsync(rate, duration, i => GetAsync(tickets[i % tickets.Count]));
        var cpu = host.CpuSeconds() - cpuBefore;
        var elapsed = clock.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT stream-poll rate={rate:F0} sent={sent} answered={answered} errors={errors} seconds={elapsed:F1} per_second={answered / elapsed:F0} cpu_seconds={cpu:F2} cpu_seconds_per_minute={cpu / elapsed * 60:F2}"));
        return errors == 0 && answered > 0 ? 0 : 1;
    }

    private static async Task<int> PaceAsync(double rate, TimeSpan duration, Func<int, Task> send)
    {
        var pending = new List<Task>();
        var clock = Stopwatch.StartNew();
        var sent = 0;
        while (clock.Elapsed < duration)
        {
            var wait = TimeSpan.FromSeconds(sent / rate) - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await PauseAsync(wait);
                continue;
            }

            pending.Add(send(sent++));
        }

        await Task.WhenAll(pending);
        return sent;
    }

    /// <summary>
    /// Waits when <paramref name="wait"/> is positive. The clock is read once: reading it again for the delay could give
    /// a negative span, which Task.Delay refuses (below -1 ms) or takes as "forever" (-1 ms), as seen on a loaded machine.
    /// </summary>
    private static Task PauseAsync(TimeSpan wait) => wait > TimeSpan.Zero ? Task.Delay(wait) : Task.CompletedTask;

    /// <summary>Opens every stream (at most 256 connecting at once) and waits until each has its snapshot.</summary>
    private static async Task<Task[]> OpenAllAsync(HttpClient http, Uri baseUrl, StreamClient[] clients, CancellationToken stop)
    {
        var connecting = new SemaphoreSlim(256); // not disposed: late continuations still release it
        var tasks = new Task[clients.Length];
        for (var i = 0; i < clients.Length; i++)
        {
            await connecting.WaitAsync(stop);
            var client = clients[i];
            tasks[i] = client.RunAsync(http, baseUrl, stop);
            _ = client.SnapshotSeen.Task.ContinueWith(_ => connecting.Release(), TaskScheduler.Default);
        }

        var all = Task.WhenAll(clients.Select(c => c.SnapshotSeen.Task));
        await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(120), stop));
        return tasks;
    }

    /// <summary>Saves <paramref name="userId"/>'s Present as admin and waits until every stream saw it.</summary>
    private static async Task<(double[] LatenciesMs, int Missed)> SaveAndWaitAsync(
        SoapClient soap, string adminTicket, int userId, bool present, StreamClient[] clients, TimeSpan timeout)
    {
        var open = clients.Where(c => c.SnapshotSeen.Task.IsCompletedSuccessfully).ToArray();
        foreach (var client in open)
        {
            client.Expect(present);
        }

        var started = Stopwatch.GetTimestamp();
        if (!await soap.SaveAsync(adminTicket, userId, present, CancellationToken.None))
        {
            throw new InvalidOperationException($"Save of user {userId} was not acknowledged");
        }

        var all = Task.WhenAll(open.Select(c => c.Received!.Task));
        await Task.WhenAny(all, Task.Delay(timeout));
        var latencies = open.Where(c => c.Received!.Task.IsCompletedSuccessfully)
            .Select(c => Stopwatch.GetElapsedTime(started, c.Received!.Task.Result).TotalMilliseconds).ToArray();
        return (latencies, open.Length - latencies.Length);
    }

    /// <summary>One stream: reads events line by line, notes the snapshot and the expected presence event.</summary>
    private sealed class StreamClient(int index, string ticket, int watchedUser)
    {
        private readonly string watched = string.Create(CultureInfo.InvariantCulture, $"{{\"UserId\":{watchedUser},");
        private string expected = string.Empty;
        private TaskCompletionSource<long>? received;

        public int Index { get; } = index;

        public int SnapshotBytes { get; private set; }

        public TaskCompletionSource SnapshotSeen { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completes with the timestamp (<see cref="Stopwatch.GetTimestamp"/>) the expected event was read.</summary>
        public TaskCompletionSource<long>? Received => Volatile.Read(ref received);

        public void Expect(bool present)
        {
            expected = present ? "\"Present\":true" : "\"Present\":false";
            Volatile.Write(ref received, new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));
        }

        public async Task RunAsync(HttpClient http, Uri baseUrl, CancellationToken stop)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUrl, "api/v1/Presence/Stream"));
                request.Headers.Authorization = new AuthenticationHeaderValue("SoTicket", ticket);
                request.Headers.Accept.ParseAdd("text/event-stream");
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop);
                response.EnsureSuccessStatusCode();
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop));
                var kind = string.Empty;
                while (await reader.ReadLineAsync(stop) is { } line)
                {
                    if (line.StartsWith("event: ", StringComparison.Ordinal))
                    {
                        kind = line[7..];
                    }
                    else if (line.StartsWith("data: ", StringComparison.Ordinal))
                    {
                        if (kind == "snapshot")
                        {
                            SnapshotBytes = line.Length - 6; // compact JSON of ASCII-only bench data: chars = bytes
                            SnapshotSeen.TrySetResult();
                        }
                        else if (kind == "presence" && line.AsSpan(6).StartsWith(watched, StringComparison.Ordinal)
                                 && line.Contains(Volatile.Read(ref expected), StringComparison.Ordinal))
                        {
                            Received?.TrySetResult(Stopwatch.GetTimestamp());
                        }
                    }
                    else if (line.Length == 0)
                    {
                        kind = string.Empty;
                    }
                }
            }
            catch (Exception e) when (e is OperationCanceledException && stop.IsCancellationRequested)
            {
            }
            catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
            {
                if (SnapshotSeen.TrySetException(e))
                {
                    await Console.Error.WriteLineAsync($"stream {Index}: {e.Message}");
                }
            }
        }
    }
}
