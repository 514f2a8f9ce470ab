using Xunit;

namespace ChatPresence.Tests;

/// <summary>
/// A test class on the PostgreSQL test server (<see cref="PostgresTestServer"/>): every test gets an empty schema of
/// its own (named <c>{prefix}{guid}</c>), dropped after it, and a connection string whose search path is that schema.
/// </summary>
public abstract class PostgresSchemaTest(string prefix, int maxPoolSize = 16) : IAsyncLifetime
{
    private string schema = "";

    /// <summary>The test's schema, for hosts and stores (a pool of at most the given size each).</summary>
    protected string SchemaConnectionString { get; private set; } = "";

    /// <summary>Host settings (for <see cref="ChatPresenceHost.StartAsync"/>) that keep the store in this test's schema.</summary>
    protected void OnPostgres(IDictionary<string, string?> settings) => OnPostgres(settings, SchemaConnectionString);

    /// <summary>Host settings that keep the store in PostgreSQL at <paramref name="connectionString"/>.</summary>
    protected static void OnPostgres(IDictionary<string, string?> settings, string connectionString)
    {
        settings["ChatPresence:Storage"] = "Postgres";
        settings["ConnectionStrings:ChatPresence"] = connectionString;
    }

    public async Task InitializeAsync() => (schema, SchemaConnectionString) = await PostgresTestServer.CreateSchemaAsync(prefix, maxPoolSize);

    public async Task DisposeAsync()
    {
        if (schema.Length > 0)
        {
            await PostgresTestServer.DropSchemaAsync(schema);
        }
    }
}
