using ChatPresence.Host;

// `import <file>`, `set-password <login>` and `revoke-tickets <login>` run against the database and exit.
var command = HostCommand.Parse(args, out var hostArgs);
var app = await ChatPresenceApplication.CreateAsync(hostArgs, loadInitialDirectory: command is null);
if (command is not null)
{
    return await command.RunAsync(app.Services, Console.In, Console.Out, Console.Error, app.Lifetime.ApplicationStopping);
}

await app.RunAsync();
return 0;

/// <summary>Entry point; public so test hosts can find this assembly.</summary>
public partial class Program;
