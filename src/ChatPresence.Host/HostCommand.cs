using ChatPresence.Domain;
using ChatPresence.Domain.Directory;
using ChatPresence.Domain.Identity;
using ChatPresence.Host.Tenants;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatPresence.Host;

/// <summary>
/// The host's administrative commands: <c>import FILE</c>, <c>set-password LOGIN</c>, <c>revoke-tickets LOGIN</c>, each
/// with <c>--tenant ID</c> on a host serving tenants (and only there).
/// </summary>
public sealed class HostCommand
{
    private static readonly string[] Names = ["import", "set-password", "revoke-tickets"];

    private const string TenantFlag = "--tenant";

    private HostCommand(string name, string argument, string? tenant)
    {
        Name = name;
        Argument = argument;
        Tenant = tenant;
    }

    /// <summary>The tenant the command acts on (<c>--tenant ID</c>), or null for the host's one store.</summary>
    public string? Tenant { get; }

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
        string? tenant = null;
        var flag = Array.FindIndex(hostArgs, a => string.Equals(a, TenantFlag, StringComparison.OrdinalIgnoreCase));
        if (flag >= 0)
        {
            tenant = flag + 1 < hostArgs.Length ? hostArgs[flag + 1] : string.Empty;
            hostArgs = [.. hostArgs[..flag], .. hostArgs[Math.Min(flag + 2, hostArgs.Length)..]];
        }

        return new HostCommand(args[index].ToLowerInvariant(), argument, tenant);
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
            if (await TenantServicesAsync(services, error, cancellationToken) is not { } target)
            {
                return 2;
            }

            services = target;
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

    /// <summary>
    /// The services the command runs against: the host's, or the named tenant's (its store created and migrated). Null
    /// (after saying why) when a tenant is named on a host without tenants, or not named, or unknown, on one with them.
    /// </summary>
    private async Task<IServiceProvider?> TenantServicesAsync(IServiceProvider services, TextWriter error, CancellationToken cancellationToken)
    {
        var registry = services.GetService<TenantRegistry>();
        if (registry is null)
        {
            if (Tenant is null)
            {
                return services;
            }

            await error.WriteLineAsync($"{TenantFlag} {Tenant}: this host serves no tenants (ChatPresence:Tenants is empty).");
            return null;
        }

        if (string.IsNullOrEmpty(Tenant))
        {
            await error.WriteLineAsync($"This host serves tenants ({string.Join(", ", registry.All.Select(t => t.Id))}): name one with {TenantFlag} <id>.");
            return null;
        }

        if (registry.Find(Tenant) is not { } tenant)
        {
            await error.WriteLineAsync($"No tenant '{Tenant}' is configured (ChatPresence:Tenants:{Tenant}).");
            return null;
        }

        await tenant.OpenAsync(serving: false, NullLogger.Instance, cancellationToken);
        return tenant;
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
