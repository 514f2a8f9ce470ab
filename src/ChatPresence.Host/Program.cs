using ChatPresence.Domain;
using ChatPresence.Host;

// `import <file>`, `set-password <login>` and `revoke-tickets <login>` run against the database and exit.
var command = HostCommand.Parse(args, out var hostArgs);
WebApplication app;
try
{
    app = await ChatPresenceApplication.CreateAsync(hostArgs, loadInitialDirectory: command is null);
}
catch (StoreUnavailableException exception)
{
    // One line, no stack trace: what is unreachable and what to check.
    await Console.Error.WriteLineAsync(StartupRetry.Describe(exception));
    return StartupRetry.ExitCode;
}

if (command is not null)
{
    return await command.RunAsync(app.Services, Console.In, Console.Out, Console.Error, app.Lifetime.ApplicationStopping);
}

await app.RunAsync();
return 0;

/// <summary>Entry point; public so test hosts can find this assembly.</summary>
public partial class Program;
