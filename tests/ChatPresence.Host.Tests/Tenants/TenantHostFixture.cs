using ChatPresence.Tests;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ChatPresence.Host.Tests.Tenants;

/// <summary>
/// One real host (Kestrel on loopback) serving three tenants: <c>CustA</c> with the demo directory, <c>CustB</c> with
/// the same users under other passwords (so a credential of A is no credential of B), and <c>Broken</c>, whose store
/// can never open. <see cref="SqliteTenantHost"/>: a SQLite file each; <see cref="PostgresTenantHost"/>: a schema each.
/// </summary>
public abstract class TenantHostFixture : IAsyncLifetime
{
    public const string A = "CustA";
    public const string B = "CustB";
    public const string Broken = "Broken";

    /// <summary>Above the wrong Basic credentials the catalogue sends to one login of B, below the per-address limit.</summary>
    public const int FailuresPerLogin = 20;

    public const string JwtKey = "a-signing-key-of-at-least-32-bytes!!";

    /// <summary>A JWT for user <paramref name="user"/> whose tenant claim names <paramref name="tenant"/>.</summary>
    public static string Jwt(string user, string tenant) =>
        new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().CreateToken(new Microsoft.IdentityModel.Tokens.SecurityTokenDescriptor
        {
            Issuer = "issuer",
            Audience = "chat",
            Claims = new Dictionary<string, object> { ["sub"] = user, ["tenant"] = tenant },
            Expires = DateTime.UtcNow.AddMinutes(30),
            SigningCredentials = new Microsoft.IdentityModel.Tokens.SigningCredentials(
                new Microsoft.IdentityModel.Tokens.SymmetricSecurityKey(System.Text.Encoding.UTF8.GetBytes(JwtKey)),
                Microsoft.IdentityModel.Tokens.SecurityAlgorithms.HmacSha256),
        });

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
        var store = await PrepareStoresAsync(folder);
        Host = await ChatPresenceHost.StartAsync(
            settings =>
            {
                foreach (var (key, value) in store)
                {
                    settings[key] = value;
                }

                settings["ChatPresence:DataFolder"] = folder;
                settings["ChatPresence:Security:Jwt:SigningKey"] = JwtKey;
                settings["ChatPresence:Security:Jwt:Issuer"] = "issuer";
                settings["ChatPresence:Security:Jwt:Audience"] = "chat";
                settings[$"ChatPresence:Tenants:{A}:InitialDirectory"] = demo;
                settings[$"ChatPresence:Tenants:{B}:InitialDirectory"] = other;
                settings[$"ChatPresence:Tenants:{Broken}:InitialDirectory"] = demo;
                settings["ChatPresence:Security:LoginThrottle:FailuresPerLogin"] = FailuresPerLogin.ToString(System.Globalization.CultureInfo.InvariantCulture);
            },
            environment: "Production");
    }

    /// <summary>Where the tenants' stores live (settings for the host), with tenant Broken's made unusable.</summary>
    protected abstract Task<IReadOnlyDictionary<string, string?>> PrepareStoresAsync(string dataFolder);

    protected virtual Task DropStoresAsync() => Task.CompletedTask;

    /// <summary>Users in tenant <paramref name="tenant"/>'s own store (its file or schema); null for the host-wide one.</summary>
    public abstract Task<long> UsersInStoreAsync(string? tenant);

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await DropStoresAsync();
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

/// <summary>SQLite: a file per tenant under the data folder; Broken's path is a folder.</summary>
public sealed class SqliteTenantHost : TenantHostFixture
{
    protected override Task<IReadOnlyDictionary<string, string?>> PrepareStoresAsync(string dataFolder)
    {
        Directory.CreateDirectory(Path.Combine(dataFolder, "tenants", Broken + ".db"));
        return Task.FromResult<IReadOnlyDictionary<string, string?>>(new Dictionary<string, string?>());
    }

    public override async Task<long> UsersInStoreAsync(string? tenant)
    {
        var path = tenant is null ? Path.Combine(DataFolder, "chatpresence.db") : Path.Combine(DataFolder, "tenants", tenant + ".db");
        if (!File.Exists(path))
        {
            return 0;
        }

        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM users;";
        return (long)(await command.ExecuteScalarAsync())!;
    }
}

/// <summary>
/// PostgreSQL: one test schema named in the connection string, and a schema per tenant beside it
/// (<c>{schema}_custa</c>, …); Broken's schema holds a schema version newer than this build knows.
/// </summary>
public sealed class PostgresTenantHost : TenantHostFixture
{
    private string schema = "";

    protected override async Task<IReadOnlyDictionary<string, string?>> PrepareStoresAsync(string dataFolder)
    {
        (schema, var connectionString) = await PostgresTestServer.CreateSchemaAsync("tenant_test_", maxPoolSize: 4);
        await PostgresTestServer.ScalarAsync(connectionString, $"""
            CREATE SCHEMA {schema}_broken;
            CREATE TABLE {schema}_broken.schema_version (version integer PRIMARY KEY, description text NOT NULL, applied_utc timestamptz NOT NULL);
            INSERT INTO {schema}_broken.schema_version VALUES (9999, 'from the future', now());
            """);
        return new Dictionary<string, string?>
        {
            ["ChatPresence:Storage"] = "Postgres",
            ["ConnectionStrings:ChatPresence"] = connectionString,
            ["ChatPresence:Postgres:StartupWait"] = "00:00:00",
        };
    }

    public override async Task<long> UsersInStoreAsync(string? tenant)
    {
        var where = tenant is null ? schema : $"{schema}_{tenant.ToLowerInvariant()}";
        var connectionString = Host.Services.GetRequiredService<IConfiguration>().GetConnectionString("ChatPresence")!;
        return await PostgresTestServer.ScalarAsync(connectionString, $"SELECT to_regclass('{where}.users') IS NOT NULL;") is true
            ? (long)(await PostgresTestServer.ScalarAsync(connectionString, $"SELECT count(*) FROM {where}.users;"))!
            : 0;
    }

    protected override async Task DropStoresAsync()
    {
        foreach (var tenant in new[] { A, B, Broken })
        {
            await PostgresTestServer.DropSchemaAsync($"{schema}_{tenant.ToLowerInvariant()}");
        }

        await PostgresTestServer.DropSchemaAsync(schema);
    }
}
