using ChatPresence.Domain;
using ChatPresence.Host;
using Microsoft.Extensions.Options;

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
catch (OptionsValidationException exception)
{
    return await SettingsRefused(exception);
}

if (command is not null)
{
    return await command.RunAsync(app.Services, Console.In, Console.Out, Console.Error, app.Lifetime.ApplicationStopping);
}

try
{
    await app.RunAsync();
}
catch (OptionsValidationException exception)
{
    return await SettingsRefused(exception);
}

return 0;

// One line naming the key(s), no stack trace; 78 is EX_CONFIG (sysexits.h).
static async Task<int> SettingsRefused(OptionsValidationException exception)
{
    await Console.Error.WriteLineAsync($"The host did not start: {exception.Message}");
    return 78;
}

/// <summary>Entry point; public so test hosts can find this assembly.</summary>
public partial class Program;
