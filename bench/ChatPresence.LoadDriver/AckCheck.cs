namespace ChatPresence.LoadDriver;

/// <summary>After a restart: is every acknowledged save what the host now reports?</summary>
public static class AckCheck
{
    public static async Task<int> RunAsync(Uri baseUrl, string acksPath)
    {
        using var http = new HttpClient();
        var soap = new SoapClient(http, baseUrl);
        var (ticket, _) = await soap.LoginAsync("admin", "admin", CancellationToken.None);
        var presence = await soap.GetPresenceAsync(ticket, CancellationToken.None);

        var acks = (await File.ReadAllLinesAsync(acksPath)).Where(l => l.Length > 0).Select(l => l.Split('\t')).ToArray();
        var lost = acks.Where(a => !presence.TryGetValue(int.Parse(a[0]), out var present) || present != (a[1] == "true")).ToArray();
        foreach (var a in lost)
        {
            Console.WriteLine($"LOST user {a[0]}: acknowledged Present={a[1]}");
        }

        Console.WriteLine($"RESULT durable-check acknowledged={acks.Length} lost={lost.Length}");
        return lost.Length == 0 && acks.Length > 0 ? 0 : 1;
    }
}
