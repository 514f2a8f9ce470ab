using System.Diagnostics;
using System.Text.Json;
using ChatPresence.Tests;

namespace ChatPresence.Interop.Tests;

/// <summary>
/// Real SOAP clients (python3-zeep, PHP SoapClient, node-soap), each generating its proxy at run time from the served
/// <c>?wsdl</c>, over SOAP 1.1 and SOAP 1.2: one row per client × version × operation. A client that is not
/// installed fails its rows with what to install.
/// </summary>
public sealed class SoapClientsTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    public static TheoryData<string, string, string> Rows()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var client in new[] { "zeep", "php", "node-soap" })
        {
            foreach (var version in new[] { "11", "12" })
            {
                foreach (var scenario in new[] { "login", "get", "save", "isopen", "badticket" })
                {
                    data.Add(client, version, scenario);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Client_calls_the_service(string client, string version, string scenario)
    {
        // One user per client and version, so rows never race on the same presence.
        var user = (client, version) switch
        {
            ("zeep", "11") => "agent2",
            ("zeep", "12") => "agent3",
            ("php", "11") => "agent4",
            ("php", "12") => "agent5",
            ("node-soap", "11") => "agent6",
            _ => "manager7",
        };
        var chatWsdl = new Uri(fixture.Host.BaseAddress, "Remote/Services86/Chat.svc?wsdl").ToString();
        var principalWsdl = new Uri(fixture.Host.BaseAddress, "Remote/Services86/SoPrincipal.svc?wsdl").ToString();

        using var json = await Clients.RunAsync(client, [chatWsdl, principalWsdl, version, scenario, user, user]);
        var root = json.RootElement;
        var expectedEnvelope = version == "12" ? "http://www.w3.org/2003/05/soap-envelope" : "http://schemas.xmlsoap.org/soap/envelope/";
        Assert.Equal(expectedEnvelope, root.GetProperty("responseEnvelope").GetString());

        if (scenario == "badticket")
        {
            Assert.False(root.GetProperty("succeeded").GetBoolean());
            Assert.Equal("No valid credentials were given: the ticket is missing or unknown.", root.GetProperty("message").GetString());
            Assert.Equal("NotAuthenticated", root.GetProperty("exceptionType").GetString());
            Assert.Equal(JsonValueKind.Null, root.GetProperty("stackTrace").ValueKind);
            return;
        }

        Assert.True(root.GetProperty("authenticated").GetBoolean());
        Assert.Equal("7T:", root.GetProperty("ticketPrefix").GetString());
        var userId = root.GetProperty("userId").GetInt32();
        Assert.Equal(int.Parse(user.AsSpan(user.Length - 1), System.Globalization.CultureInfo.InvariantCulture), userId);
        switch (scenario)
        {
            case "get":
                Assert.True(root.GetProperty("succeeded").GetBoolean());
                Assert.Equal([1, 2, 3, 4, 5, 6, 7], root.GetProperty("userIds").EnumerateArray().Select(e => e.GetInt32()));
                Assert.Equal("Select Update", root.GetProperty("ownMask").GetString());
                break;
            case "save":
                Assert.True(root.GetProperty("succeeded").GetBoolean());
                Assert.NotEqual(root.GetProperty("before").GetBoolean(), root.GetProperty("after").GetBoolean());
                break;
            case "isopen":
                Assert.True(root.GetProperty("succeeded").GetBoolean());
                Assert.True(root.GetProperty("open").GetBoolean()); // Sales has no opening hours: always open.
                break;
        }
    }
}

/// <summary>Runs the client scripts under clients/ and parses the JSON they print.</summary>
internal static class Clients
{
    public static string RepoRoot => RepoPaths.Root;

    public static string Folder => Path.Combine(RepoRoot, "tests", "ChatPresence.Interop.Tests", "clients");

    public static async Task<JsonDocument> RunAsync(string client, IReadOnlyList<string> arguments)
    {
        var (program, script) = client switch
        {
            "zeep" => ("/usr/bin/python3", "zeep_client.py"),
            "php" => ("php", "php_client.php"),
            _ => ("node", "node_client.js"),
        };
        await EnsureInstalledAsync(client, program);

        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Folder,
        };
        start.ArgumentList.Add(Path.Combine(Folder, script));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var (exitCode, stdout, stderr) = await RunProcessAsync(start);
        Assert.True(exitCode == 0, $"{client} {string.Join(' ', arguments)} exited {exitCode}.\nstdout: {stdout}\nstderr: {stderr}");
        var line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        Assert.True(line is not null && line.StartsWith('{'), $"{client} printed no JSON.\nstdout: {stdout}\nstderr: {stderr}");
        return JsonDocument.Parse(line);
    }

    private static async Task EnsureInstalledAsync(string client, string program)
    {
        switch (client)
        {
            case "zeep":
                Assert.True(File.Exists(program), "python3-zeep client: /usr/bin/python3 is missing. Install it: apt-get install python3-zeep");
                var zeep = await TryRunAsync(program, "-c", "import zeep");
                Assert.True(zeep == 0, "python3-zeep is not installed for /usr/bin/python3. Install it: apt-get install python3-zeep");
                break;
            case "php":
                var php = await TryRunAsync(program, "-r", "exit(class_exists('SoapClient') ? 0 : 3);");
                Assert.True(php == 0, "PHP SoapClient is not available. Install it: apt-get install php-cli php-soap");
                break;
            default:
                var node = await TryRunAsync(program, "--version");
                Assert.True(node == 0, "node is not installed. Install Node.js (with npm).");
                Assert.True(
                    Directory.Exists(Path.Combine(Folder, "node_modules", "soap")),
                    "node-soap is not installed. Run: npm ci --prefix tests/ChatPresence.Interop.Tests/clients");
                break;
        }
    }

    private static async Task<int> TryRunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            return (await RunProcessAsync(start)).ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunProcessAsync(ProcessStartInfo start)
    {
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start " + start.FileName);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{start.FileName} did not finish: {await stderr}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
