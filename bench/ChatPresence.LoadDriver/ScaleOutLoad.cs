using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;

namespace ChatPresence.LoadDriver;

/// <summary>
/// Several hosts on one database: CLIENTS savers, each an agent toggling its own presence through host (i mod N);
/// POLLERS readers of GetChatPresence spread over the hosts; one probe that saves on the first host and measures how
/// long the next host takes to show it (the visibility delay; with one host, its own read-your-write), once to a
/// client polling that host and once on a presence stream open on it (the change feed's own delay, without a poll of
/// the whole directory in it).
/// </summary>
public static class ScaleOutLoad
{
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan JitWindow = TimeSpan.FromSeconds(2);

    /// <summary>JIT time per window below which a host counts as warm: 2.5 % of the window.</summary>
    private const double QuietJitSeconds = 0.05;

    public static async Task<int> RunAsync(Uri[] hosts, int clients, int pollers, TimeSpan duration, TimeSpan maxWarmUp)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients + pollers + 2, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            // A 10,000-user reply on a host pinned to one busy core can take seconds; 30 s proved too short on a loaded machine.
            Timeout = TimeSpan.FromSeconds(120),
        };
        var soap = hosts.Select(h => new SoapClient(http, h)).ToArray();

        // Users 2..clients+1 save; the next two are the probes' (polling, stream). Tickets live in the shared database: valid on every host.
        var logins = await Task.WhenAll(Enumerable.Range(2, clients + 2).Select(id => soap[0].LoginAsync($"agent{id}", $"agent{id}", CancellationToken.None)));
        // The stream probe opens its stream first and the load waits for its snapshot (the whole directory, which a
        // loaded host can take longer to send than the measured phase lasts); its first save waits for that phase.
        using var measuring = new ManualResetEventSlim();
        using var stop = new CancellationTokenSource();
        var subscribed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var streamProbe = StreamProbeAsync(hosts[1 % hosts.Length], hosts[0], logins[clients + 1], subscribed, measuring, stop.Token);
        await Task.WhenAny(subscribed.Task, streamProbe, Task.Delay(TimeSpan.FromSeconds(120)));

        // Warm-up, not measured: the same savers and pollers for a while, so every host has JITted its hot code to
        // tier 1, validated the tickets and filled its reply caches before anything counts (a few calls each left the
        // hosts in tier-0 code for the first seconds of the measured phase, and that showed in every p99).
        var warmUp = Stopwatch.StartNew();
        using (var warm = new CancellationTokenSource())
        {
            var load = Task.WhenAll(logins.Take(clients).Select((login, i) => SaveLoad.RunClientAsync(soap[i % soap.Length], login.Ticket, login.UserId, warm.Token))
                .Concat<Task>(Enumerable.Range(0, pollers).Select(i => PollAsync(soap[(i + 1) % soap.Length], logins[0].Ticket, warm.Token))));
            await JitSettledAsync(http, hosts, maxWarmUp);
            await warm.CancelAsync();
            await load;
        }

        var warmUpSeconds = warmUp.Elapsed.TotalSeconds;

        stop.CancelAfter(duration);
        measuring.Set();
        var stopwatch = Stopwatch.StartNew();
        var savers = logins.Take(clients).Select((login, i) => SaveLoad.RunClientAsync(soap[i % soap.Length], login.Ticket, login.UserId, stop.Token)).ToArray();
        var readers = Enumerable.Range(0, pollers).Select(i => PollAsync(soap[i % soap.Length], logins[0].Ticket, stop.Token)).ToArray();
        var probe = ProbeAsync(soap[0], soap[1 % soap.Length], logins[clients], stop.Token);
        var saveResults = await Task.WhenAll(savers);
        var reads = (await Task.WhenAll(readers)).Sum();
        var (delays, pollMs, firstPoll) = await probe;
        var streamed = (await streamProbe).Order().ToArray();
        var visibility = delays.Order().ToArray();
        var probePolls = pollMs.Order().ToArray();
        var elapsed = stopwatch.Elapsed;

        var latencies = saveResults.SelectMany(r => r.LatenciesMs).Order().ToArray();
        var errors = saveResults.Sum(r => r.Errors);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT scale-out hosts={hosts.Length} clients={clients} pollers={pollers} saves={latencies.Length} errors={errors} seconds={elapsed.TotalSeconds:F2} "
            + $"per_second={latencies.Length / elapsed.TotalSeconds:F0} p50_ms={SaveLoad.Percentile(latencies, 0.50):F2} p99_ms={SaveLoad.Percentile(latencies, 0.99):F2} "
            + $"reads={reads} visibility_samples={visibility.Length} visibility_p50_ms={SaveLoad.Percentile(visibility, 0.50):F2} visibility_p99_ms={SaveLoad.Percentile(visibility, 0.99):F2} "
            + $"probe_poll_p50_ms={SaveLoad.Percentile(probePolls, 0.50):F2} probe_poll_p99_ms={SaveLoad.Percentile(probePolls, 0.99):F2} "
            + $"visibility_first_poll={firstPoll} stream_visibility_samples={streamed.Length} "
            + $"stream_visibility_p50_ms={SaveLoad.Percentile(streamed, 0.50):F2} stream_visibility_p99_ms={SaveLoad.Percentile(streamed, 0.99):F2} "
            + $"warm_up_seconds={warmUpSeconds:F0}"));
        return errors == 0 && latencies.Length > 0 && visibility.Length > 0 ? 0 : 1;
    }

    /// <summary>
    /// The quiet phases on running hosts, each started by a line on stdin after a <c>READY …</c> line, so the script can
    /// read the database's counters around it: reads only (POLLERS back to back for SECONDS); SAVES saves one after
    /// another on the first host (each host other than the first then reads the change log); LOGOUTS REST logins on the
    /// first host, each used on the second, logged out on the first and polled on the second until refused.
    /// </summary>
    public static async Task<int> QuietAsync(Uri[] hosts, int pollers, TimeSpan duration, int saves, int logouts)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = pollers + 1, UseCookies = false }) { Timeout = TimeSpan.FromSeconds(120) };
        var soap = hosts.Select(h => new SoapClient(http, h)).ToArray();
        var login = await soap[0].LoginAsync("agent2", "agent2", CancellationToken.None);

        // Every host validates the ticket once before the counted phases.
        foreach (var host in soap)
        {
            await host.ReadPresenceAsync(login.Ticket, CancellationToken.None);
        }

        await StepAsync("reads");
        using (var stop = new CancellationTokenSource(duration))
        {
            var reads = (await Task.WhenAll(Enumerable.Range(0, pollers).Select(i => PollAsync(soap[i % soap.Length], login.Ticket, stop.Token)))).Sum();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT scale-out-reads hosts={hosts.Length} reads={reads}"));
        }

        await StepAsync("saves");
        // Each save is awaited on the second host too: the visibility delay without load, for comparison with the one
        // under load (reads cost the database nothing, so they do not disturb the rows counted).
        var acknowledged = 0;
        var seen = new List<double>();
        for (var n = 0; n < saves; n++)
        {
            var present = n % 2 == 0;
            if (await soap[0].SaveAsync(login.Ticket, login.UserId, present, CancellationToken.None))
            {
                acknowledged++;
                var ack = Stopwatch.GetTimestamp();
                while (await soap[1 % soap.Length].GetPresenceOfAsync(login.Ticket, login.UserId, CancellationToken.None) != present
                    && Stopwatch.GetElapsedTime(ack) < TimeSpan.FromSeconds(10))
                {
                }

                seen.Add(Stopwatch.GetElapsedTime(ack).TotalMilliseconds);
            }
        }

        var quiet = seen.Order().ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT scale-out-saves hosts={hosts.Length} saves={acknowledged} visibility_p50_ms={SaveLoad.Percentile(quiet, 0.50):F2} visibility_p99_ms={SaveLoad.Percentile(quiet, 0.99):F2}"));

        await StepAsync("logouts");
        var refusedAfter = new List<double>();
        for (var n = 0; n < logouts; n++)
        {
            if (await RefusedAfterLogoutAsync(http, hosts[0], hosts[1 % hosts.Length], $"agent{3 + n}") is { } ms)
            {
                refusedAfter.Add(ms);
            }
        }

        var sorted = refusedAfter.Order().ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT scale-out-revocation hosts={hosts.Length} logouts={logouts} refused={sorted.Length} p50_ms={SaveLoad.Percentile(sorted, 0.50):F2} max_ms={(sorted.Length > 0 ? sorted[^1] : 0):F2}"));
        return acknowledged == saves && sorted.Length == logouts ? 0 : 1;

        static async Task StepAsync(string name)
        {
            Console.WriteLine($"READY {name}");
            await Console.In.ReadLineAsync();
        }
    }

    /// <summary>
    /// REST Login on <paramref name="a"/>, the session used on <paramref name="b"/> (so b knows the ticket), Logout on a,
    /// then b polled back to back (a 304 while the session holds) until it answers 401: the milliseconds from the
    /// logout's reply to that refusal, or null when b still accepts it after 10 s.
    /// </summary>
    private static async Task<double?> RefusedAfterLogoutAsync(HttpClient http, Uri a, Uri b, string user)
    {
        using var login = await http.PostAsync(new Uri(a, "api/v1/Login"), JsonContent.Create(new { UserName = user, Password = user }));
        login.EnsureSuccessStatusCode();
        var cookies = login.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).ToArray();
        var xsrf = Uri.UnescapeDataString(cookies.First(c => c.StartsWith("XSRF-TOKEN=", StringComparison.Ordinal))["XSRF-TOKEN=".Length..]);
        var cookieHeader = string.Join("; ", cookies);

        HttpRequestMessage Request(HttpMethod method, Uri host, string path, string? etag)
        {
            var request = new HttpRequestMessage(method, new Uri(host, path));
            request.Headers.TryAddWithoutValidation("Cookie", cookieHeader);
            request.Headers.TryAddWithoutValidation("X-XSRF-TOKEN", xsrf);
            if (etag is not null)
            {
                request.Headers.TryAddWithoutValidation("If-None-Match", etag);
            }

            return request;
        }

        string? etag;
        using (var first = Request(HttpMethod.Get, b, "api/v1/Presence/GetAll", null))
        using (var read = await http.SendAsync(first))
        {
            read.EnsureSuccessStatusCode();
            etag = read.Headers.ETag?.ToString();
        }

        using (var request = Request(HttpMethod.Post, a, "api/v1/Logout", null))
        using (var logout = await http.SendAsync(request))
        {
            logout.EnsureSuccessStatusCode();
        }

        var loggedOut = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(loggedOut) < TimeSpan.FromSeconds(10))
        {
            using var request = Request(HttpMethod.Get, b, "api/v1/Presence/GetAll", etag);
            using var read = await http.SendAsync(request);
            if (read.StatusCode == System.Net.HttpStatusCode.Unauthorized)
            {
                return Stopwatch.GetElapsedTime(loggedOut).TotalMilliseconds;
            }
        }

        return null;
    }

    /// <summary>
    /// Saves on one host while a presence stream is open on <paramref name="reader"/>: the milliseconds from each save's
    /// acknowledgement to the stream's <c>presence</c> event for it (the change feed: NOTIFY, the change-log read, the
    /// delta applied, the event written), with no poll of the whole directory in the figure. The probe has a thread and
    /// connections of its own and blocks on them: this driver's thread pool is saturated by the savers and pollers, and a
    /// timestamp taken when a queued continuation finally runs would add the driver's own queueing to the host's delay.
    /// </summary>
    private static Task<List<double>> StreamProbeAsync(
        Uri reader, Uri writer, (string Ticket, int UserId) login, TaskCompletionSource subscribed, ManualResetEventSlim measuring, CancellationToken stop)
    {
        var done = new TaskCompletionSource<List<double>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                done.SetResult(StreamProbe(reader, writer, login, subscribed, measuring, stop));
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        })
        { IsBackground = true, Name = "stream probe" };
        thread.Start();
        return done.Task;
    }

    private static List<double> StreamProbe(
        Uri reader, Uri writer, (string Ticket, int UserId) login, TaskCompletionSource subscribed, ManualResetEventSlim measuring, CancellationToken stop)
    {
        var delays = new List<double>();
        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan }) { Timeout = Timeout.InfiniteTimeSpan };
        var soap = new SoapClient(http, writer);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(reader, "api/v1/Presence/Stream"));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("SoTicket", login.Ticket);
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var response = http.Send(request, HttpCompletionOption.ResponseHeadersRead, CancellationToken.None);
        response.EnsureSuccessStatusCode();
        using var lines = new StreamReader(response.Content.ReadAsStream(CancellationToken.None));
        var watched = string.Create(CultureInfo.InvariantCulture, $"{{\"UserId\":{login.UserId},");

        // Reads until the next event of the given kind (and, for presence, about the probe user with that value).
        bool Next(string kind, string? expected, TimeSpan within)
        {
            var current = string.Empty;

            // An event not seen in time ends the probe (fewer samples; the script says so): the blocked read fails.
            using var timeout = new CancellationTokenSource(within);
            using var expiry = timeout.Token.Register(response.Dispose);
            try
            {
                while (lines.ReadLine() is { } line)
                {
                    if (line.StartsWith("event: ", StringComparison.Ordinal))
                    {
                        current = line[7..];
                    }
                    else if (line.StartsWith("data: ", StringComparison.Ordinal) && current == kind
                             && (expected is null || (line.AsSpan(6).StartsWith(watched, StringComparison.Ordinal) && line.Contains(expected, StringComparison.Ordinal))))
                    {
                        return true;
                    }
                }
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or HttpRequestException)
            {
                // Timed out (or the stream ended).
            }

            return false;
        }

        // A 10,000-user snapshot on a host pinned to one busy core can take many seconds (as a poll of it can).
        if (!Next("snapshot", null, TimeSpan.FromSeconds(120)))
        {
            return delays;
        }

        subscribed.TrySetResult();

        // Read on through the warm-up (the savers' events), as a board would: a stream nobody reads is another test.
        while (!measuring.IsSet)
        {
            if (stop.IsCancellationRequested || !Next("presence", null, TimeSpan.FromSeconds(30)))
            {
                return delays;
            }
        }

        // A save that changes nothing sends no event: start from the stored value (rounds share the database).
        var present = soap.GetPresenceOf(login.Ticket, login.UserId) ?? false;
        while (!stop.IsCancellationRequested)
        {
            present = !present;
            if (!soap.Save(login.Ticket, login.UserId, present))
            {
                continue;
            }

            var acknowledged = Stopwatch.GetTimestamp();
            if (!Next("presence", present ? "\"Present\":true" : "\"Present\":false", TimeSpan.FromSeconds(10)))
            {
                return delays; // never seen: fewer samples, and the script says so
            }

            delays.Add(Stopwatch.GetElapsedTime(acknowledged).TotalMilliseconds);
        }

        return delays;
    }

    /// <summary>
    /// Returns once every host's JIT has gone quiet under the warm-up load: at least <see cref="WarmUp"/> (or
    /// <paramref name="max"/> if shorter), then until two windows in a row in which no host spent more than
    /// <see cref="QuietJitSeconds"/> compiling (its own <c>dotnet_jit_compilation_time_seconds_total</c> on /metrics),
    /// at most <paramref name="max"/>. Hosts sharing one core each JIT the same code with a share of it: measured
    /// here, 3 hosts under this load took about a minute, 40 s of compiling each, and a fixed 5-s warm-up measured their
    /// instrumented tier-0 code against one warm host.
    /// Without the metric (metrics off) the minimum is all there is.
    /// </summary>
    private static async Task JitSettledAsync(HttpClient http, Uri[] hosts, TimeSpan max)
    {
        var started = Stopwatch.GetTimestamp();
        await Task.Delay(WarmUp < max ? WarmUp : max);
        double[]? previous = null;
        var quiet = 0;
        while (Stopwatch.GetElapsedTime(started) < max)
        {
            var current = await Task.WhenAll(hosts.Select(h => JitSecondsAsync(http, h)));
            if (current.Any(double.IsNaN))
            {
                return;
            }

            quiet = previous is not null && current.Zip(previous).All(p => p.First - p.Second <= QuietJitSeconds) ? quiet + 1 : 0;
            if (quiet >= 2)
            {
                return;
            }

            previous = current;
            await Task.Delay(JitWindow);
        }
    }

    /// <summary>The host's JIT time so far, from its Prometheus page; NaN when it has none.</summary>
    private static async Task<double> JitSecondsAsync(HttpClient http, Uri host)
    {
        const string Name = "dotnet_jit_compilation_time_seconds_total";
        try
        {
            var page = await http.GetStringAsync(new Uri(host, "metrics"));
            foreach (var line in page.Split('\n'))
            {
                if (line.StartsWith(Name, StringComparison.Ordinal)
                    && double.TryParse(line[(line.LastIndexOf(' ') + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
                {
                    return seconds;
                }
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            // Unreachable or too slow to answer (the client's timeout): no figure, so the warm-up ends at its minimum.
        }

        return double.NaN;
    }

    private static async Task<int> PollAsync(SoapClient soap, string ticket, CancellationToken stop)
    {
        var reads = 0;
        while (!stop.IsCancellationRequested)
        {
            await soap.ReadPresenceAsync(ticket, CancellationToken.None);
            reads++;
        }

        return reads;
    }

    /// <summary>
    /// Saves on one host, then polls the other back to back (no sleep) until it shows the value: the delay is from the
    /// save's acknowledgement to the end of the first poll that shows it, as a client polling continuously sees it. So
    /// it includes up to two polls' own time (the one in flight when the change lands, and the next): their duration
    /// is returned too. Only the probe user's row is looked at, so the driver does not parse the whole reply.
    /// </summary>
    private static async Task<(List<double> Delays, List<double> PollMs, int FirstPoll)> ProbeAsync(SoapClient writer, SoapClient reader, (string Ticket, int UserId) login, CancellationToken stop)
    {
        var delays = new List<double>();
        var polls = new List<double>();
        var firstPoll = 0; // probes whose first poll already showed the value: the delay is then that poll's own time
        var present = false;
        while (!stop.IsCancellationRequested)
        {
            present = !present;
            if (!await writer.SaveAsync(login.Ticket, login.UserId, present, CancellationToken.None))
            {
                continue;
            }

            var acknowledged = Stopwatch.GetTimestamp();
            for (var poll = 1; ; poll++)
            {
                var started = Stopwatch.GetTimestamp();
                var shown = await reader.GetPresenceOfAsync(login.Ticket, login.UserId, CancellationToken.None);
                polls.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (shown == present)
                {
                    firstPoll += poll == 1 ? 1 : 0;
                    break;
                }

                if (Stopwatch.GetElapsedTime(acknowledged) > TimeSpan.FromSeconds(10))
                {
                    return (delays, polls, firstPoll); // never seen: the caller reports no (or fewer) samples
                }
            }

            delays.Add(Stopwatch.GetElapsedTime(acknowledged).TotalMilliseconds);
        }

        return (delays, polls, firstPoll);
    }
}
