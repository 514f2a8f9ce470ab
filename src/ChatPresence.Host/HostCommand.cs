using ChatPresence.Domain;
using ChatPresence.Domain.Directory;
using ChatPresence.Domain.Identity;

namespace ChatPresence.Host;

/// <summary>The host's administrative commands: <c>import FILE</c>, <c>set-password LOGIN</c>, <c>revoke-tickets LOGIN</c>.</summary>
public sealed class HostCommand
{
    private static readonly string[] Names = ["import", "set-password", "revoke-tickets"];

    private HostCommand(string name, string argument)
    {
        Name = name;
        Argument = argument;
    }

    public string Name { get; }

    public string Argument { get; }

    /// <summary>
    /// Splits off a command and its argument; everything else is for the host's configuration. Returns null when
    /// <paramref name="args"/> names no command.
    /// </summary>
    public static HostCommand? Parse(string[] args, out string[] hostArgs)
    {
        var index = Array.FindIndex(args, a => Names.Contains(a, StringComparer.OrdinalIgnoreCase));
        if (index < 0)
        {
            hostArgs = args;
            return null;
        }

        var argument = index + 1 < args.Length ? args[index + 1] : string.Empty;
        hostArgs = [.. args[..index], .. args[Math.Min(index + 2, args.Length)..]];
        return new HostCommand(args[index].ToLowerInvariant(), argument);
    }

    public async Task<int> RunAsync(IServiceProvider services, TextReader input, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (Argument.Length == 0)
        {
            await error.WriteLineAsync($"Usage: {Name} {(Name == "import" ? "<file>" : "<login>")}");
            return 2;
        }

        try
        {
            return Name switch
            {
                "import" => await ImportAsync(services, output, cancellationToken),
                "set-password" => await SetPasswordAsync(services, input, output, error, cancellationToken),
                _ => await RevokeTicketsAsync(services, output, error, cancellationToken),
            };
        }
        catch (Exception e) when (e is DirectoryFileException or IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync(e.Message);
            return 1;
        }
        catch (StoreUnavailableException e)
        {
            await error.WriteLineAsync(StartupRetry.Describe(e).Replace("cannot start", $"cannot run {Name}", StringComparison.Ordinal));
            return StartupRetry.ExitCode;
        }
    }

    private async Task<int> ImportAsync(IServiceProvider services, TextWriter output, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(Argument);
        var summary = await ActivatorUtilities.CreateInstance<DirectoryImporter>(services).ImportAsync(file, cancellationToken);
        await output.WriteLineAsync($"Imported {Argument}: {summary}.");
        return 0;
    }

    private async Task<int> SetPasswordAsync(IServiceProvider services, TextReader input, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var user = await FindUserAsync(services, error, cancellationToken);
        if (user is null)
        {
            return 1;
        }

        var password = await input.ReadLineAsync(cancellationToken);
        if (string.IsNullOrEmpty(password))
        {
            await error.WriteLineAsync("No password on standard input.");
            return 1;
        }

        await services.GetRequiredService<Passwords>().SetAsync(user.Id, password, cancellationToken);
        await output.WriteLineAsync($"Password set for {user.LoginName}.");
        return 0;
    }

    private async Task<int> RevokeTicketsAsync(IServiceProvider services, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var user = await FindUserAsync(services, error, cancellationToken);
        if (user is null)
        {
            return 1;
        }

        var count = await services.GetRequiredService<TicketAuthority>().RevokeTicketsAsync(user.Id, cancellationToken);
        await output.WriteLineAsync($"Revoked {count} ticket(s) of {user.LoginName}.");
        return 0;
    }

    private async Task<ChatUser?> FindUserAsync(IServiceProvider services, TextWriter error, CancellationToken cancellationToken)
    {
        var view = await services.GetRequiredService<DirectoryCache>().GetAsync(cancellationToken);
        var user = view.FindUserByLogin(Argument);
        if (user is null)
        {
            await error.WriteLineAsync($"No user with login '{Argument}'.");
        }

        return user;
    }
}
