using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using ChatPresence.Tests;

namespace ChatPresence.Host.Tests;

/// <summary>
/// The host as a separate OS process (`dotnet ChatPresence.Host.dll …`), for what only a real process shows:
/// command-line commands, and surviving SIGKILL. Its stdout/stderr are checked for credentials like the in-process
/// host's log (<see cref="SecretScanner"/>): a command when it ends, a service when it is disposed.
/// </summary>
public sealed partial class HostProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    private HostProcess(Process process) => this.process = process;

    public Uri? BaseAddress { get; private set; }

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    public static string HostDll => Path.Combine(AppContext.BaseDirectory, "ChatPresence.Host.dll");

    public static ProcessStartInfo StartInfo(string dataFolder, string environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = dataFolder,
        };
        info.ArgumentList.Add(HostDll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.ArgumentList.Add($"--ChatPresence:DataFolder={dataFolder}");
        info.ArgumentList.Add("--ChatPresence:Identity:PasswordIterations=1000");
        info.Environment["ASPNETCORE_ENVIRONMENT"] = environment;
        info.Environment.Remove("ASPNETCORE_URLS");
        return info;
    }

    /// <summary>Runs a command to completion. <paramref name="input"/> (stdin: a new password) must not be echoed.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunCommandAsync(string dataFolder, string? input, params string[] args)
    {
        using var process = Process.Start(StartInfo(dataFolder, "Production", args))!;
        if (input is not null)
        {
            await process.StandardInput.WriteLineAsync(input);
        }

        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        var (output, error) = (await stdout, await stderr);
        var secrets = new SecretScanner();
        if (input is { Length: >= 6 })
        {
            secrets.AddSecret(input);
        }

        secrets.ThrowIfAny(output + "\n" + error, $"the output of '{string.Join(' ', args)}'");
        return (process.ExitCode, output, error);
    }

    /// <summary>Starts the service on a free loopback port and waits until it listens.</summary>
    public static async Task<HostProcess> StartServiceAsync(string dataFolder, string environment = "Development")
    {
        var process = Process.Start(StartInfo(dataFolder, environment, "--urls", "http://127.0.0.1:0"))!;
        var host = new HostProcess(process);
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLine(object? sender, DataReceivedEventArgs e)
        {
            if (e.Data is null)
            {
                return;
            }

            lock (host.output)
            {
                host.output.AppendLine(e.Data);
            }

            if (ListeningOn().Match(e.Data) is { Success: true } match)
            {
                listening.TrySetResult(new Uri(match.Groups[1].Value.TrimEnd('/') + "/"));
            }
        }

        process.OutputDataReceived += OnLine;
        process.ErrorDataReceived += OnLine;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(listening.Task, exited, Task.Delay(TimeSpan.FromMinutes(1)));
        if (first != listening.Task)
        {
            await host.DisposeAsync();
            throw new InvalidOperationException("The host did not start listening:\n" + host.Output);
        }

        host.BaseAddress = await listening.Task;
        return host;
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public async Task KillAsync()
    {
        process.Kill();
        await process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            await KillAsync();
        }

        process.Dispose();
        new SecretScanner().ThrowIfAny(Output, "the host process's output");
    }

    [GeneratedRegex(@"Now listening on: (http://[^\s""]+)")]
    private static partial Regex ListeningOn();
}
