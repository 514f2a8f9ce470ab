using ChatPresence.LoadDriver;

// save:   N clients, each logged in as its own agent, toggle their own Present for a while; prints
//         `RESULT durable-saves …` and writes every client's last acknowledged value to ACKS.
// verify: logs in as admin and checks that GetChatPresence shows every value in ACKS.
// Usage: save URL CLIENTS SECONDS ACKS | verify URL ACKS
if (args.Length >= 5 && args[0] == "save")
{
    return await SaveLoad.RunAsync(new Uri(args[1]), int.Parse(args[2]), TimeSpan.FromSeconds(double.Parse(args[3])), args[4]);
}

if (args.Length >= 3 && args[0] == "verify")
{
    return await AckCheck.RunAsync(new Uri(args[1]), args[2]);
}

// scaleout: URL[,URL…] CLIENTS POLLERS SECONDS [MAX_WARM_UP_SECONDS] — several hosts on one PostgreSQL
//           (bench/scaleout.sh); the warm-up lasts until every host's JIT is quiet, at most MAX (default 180).
// scaleout-quiet: URL[,URL…] POLLERS SECONDS SAVES LOGOUTS — reads only, then saves one by one, then logouts, each
//                 started by a line on stdin (the script reads the database's counters around them).
if (args.Length >= 5 && args[0] == "scaleout")
{
    return await ScaleOutLoad.RunAsync(Urls(args[1]), int.Parse(args[2]), int.Parse(args[3]), TimeSpan.FromSeconds(double.Parse(args[4])),
        TimeSpan.FromSeconds(args.Length >= 6 ? double.Parse(args[5]) : 180));
}

if (args.Length >= 6 && args[0] == "scaleout-quiet")
{
    return await ScaleOutLoad.QuietAsync(Urls(args[1]), int.Parse(args[2]), TimeSpan.FromSeconds(double.Parse(args[3])), int.Parse(args[4]), int.Parse(args[5]));
}

// streams: URL HOST_PID STREAMS SAVE_USER CPU_SECONDS SAVE_EVERY_SECONDS — open presence streams, fan-out of a save,
//          the host's memory and CPU with them open (bench/run.sh, stream scenario).
// poll:    URL HOST_PID RATE SECONDS — REST GetAll at a fixed rate: the polling the streams replace, the host's CPU.
if (args.Length >= 7 && args[0] == "streams")
{
    return await StreamLoad.RunAsync(new Uri(args[1]), int.Parse(args[2]), int.Parse(args[3]), int.Parse(args[4]),
        TimeSpan.FromSeconds(double.Parse(args[5])), TimeSpan.FromSeconds(double.Parse(args[6])));
}

if (args.Length >= 5 && args[0] == "poll")
{
    return await StreamLoad.PollAsync(new Uri(args[1]), int.Parse(args[2]), double.Parse(args[3]), TimeSpan.FromSeconds(double.Parse(args[4])));
}

await Console.Error.WriteLineAsync("Usage: save URL CLIENTS SECONDS ACKS | verify URL ACKS | scaleout URLS CLIENTS POLLERS SECONDS [MAX_WARM_UP] | scaleout-quiet URLS POLLERS SECONDS SAVES LOGOUTS | streams URL PID STREAMS SAVE_USER CPU_SECONDS SAVE_EVERY | poll URL PID RATE SECONDS");
return 2;

static Uri[] Urls(string list) => list.Split(',').Select(u => new Uri(u)).ToArray();
