using ChatPresence.Tests;

namespace ChatPresence.Host.Tests.Tenants;

/// <summary>
/// One real host (Kestrel on loopback, SQLite files) serving three tenants: <c>CustA</c> with the demo directory,
/// <c>CustB</c> with the same users under other passwords (so a credential of A is no credential of B), and
/// <c>Broken</c>, whose database path is a folder, so its store can never open.
/// </summary>
public sealed class TenantHostFixture : IAsyncLifetime
{
    public const string A = "CustA";
    public const string B = "CustB";
    public const string Broken = "Broken";

    /// <summary>Above the wrong Basic credentials the catalogue sends to one login of B, below the per-address limit.</summary>
    public const int FailuresPerLogin = 20;

    private readonly string folder = Directory.CreateTempSubdirectory("chatpresence-tenants-").FullName;

    public ChatPresenceHost Host { get; private set; } = null!;

    public string DataFolder => folder;

    /// <summary>The demo directory with every password changed: tenant B's directory.</summary>
    public static string OtherPasswords(string demo) =>
        System.Text.RegularExpressions.Regex.Replace(demo, "\"password\": \"([a-z0-9]+)\"", "\"password\": \"b-$1\"");

    public async Task InitializeAsync()
    {
        var demo = Path.Combine(RepoPaths.Root, "samples", "demo-directory.json");
        var other = Path.Combine(folder, "other-passwords.json");
        await File.WriteAllTextAsync(other, OtherPasswords(await File.ReadAllTextAsync(demo)));
        Directory.CreateDirectory(Path.Combine(folder, "tenants", Broken + ".db"));
        Host = await ChatPresenceHost.StartAsync(
            settings =>
            {
                settings["ChatPresence:DataFolder"] = folder;
                settings[$"ChatPresence:Tenants:{A}:InitialDirectory"] = demo;
                settings[$"ChatPresence:Tenants:{B}:InitialDirectory"] = other;
                settings[$"ChatPresence:Tenants:{Broken}:InitialDirectory"] = demo;
                settings["ChatPresence:Security:LoginThrottle:FailuresPerLogin"] = FailuresPerLogin.ToString(System.Globalization.CultureInfo.InvariantCulture);
            },
            environment: "Production");
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may hold a file a moment longer; the OS cleans temp folders.
        }
    }
}
