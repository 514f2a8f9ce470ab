using Npgsql;

namespace ChatPresence.Tests;

/// <summary>
/// The PostgreSQL server the tests use: <c>CHATPRESENCE_TEST_POSTGRES</c>, or the local one <c>.ci/run</c> starts.
/// Tests work in schemas of their own inside database <see cref="TestDatabase"/> on that server. Unreachable is a
/// failure with directions, never a silent skip.
/// </summary>
public static class PostgresTestServer
{
    public const string Variable = "CHATPRESENCE_TEST_POSTGRES";

    public static string ConnectionString { get; } =
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } configured
            ? configured
            : "Host=127.0.0.1;Username=chatpresence;Password=chatpresence;Database=postgres";

    /// <summary>The database the tests make their schemas in, created on first use; the role needs CREATEDB.</summary>
    public const string TestDatabase = "chatpresence_tests";

    private static readonly Lazy<Task<string>> TestDatabaseConnectionString = new(CreateTestDatabaseAsync);

    /// <summary>
    /// A new empty schema (<paramref name="prefix"/> and a GUID) and a connection string whose search path puts
    /// tables there. A small pool per store: test classes run in parallel and the server allows 100 connections.
    /// </summary>
    public static async Task<(string Schema, string ConnectionString)> CreateSchemaAsync(string prefix = "test_", int maxPoolSize = 16)
    {
        var database = await TestDatabaseConnectionString.Value;
        var schema = prefix + Guid.NewGuid().ToString("N");
        await ScalarAsync(database, $"CREATE SCHEMA {schema};");
        var builder = new NpgsqlConnectionStringBuilder(database) { SearchPath = schema, MaxPoolSize = maxPoolSize };
        return (schema, builder.ConnectionString);
    }

    public static async Task DropSchemaAsync(string schema) =>
        await ScalarAsync(await TestDatabaseConnectionString.Value, $"DROP SCHEMA IF EXISTS {schema} CASCADE;");

    private static async Task<string> CreateTestDatabaseAsync()
    {
        if (await ScalarAsync(ConnectionString, $"SELECT 1 FROM pg_database WHERE datname = '{TestDatabase}';") is null)
        {
            try
            {
                await ScalarAsync(ConnectionString, $"CREATE DATABASE {TestDatabase};");
            }
            catch (PostgresException exception) when (exception.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
            {
                // Another test process (the storage and the host tests run in parallel) created it at the same moment.
            }
        }

        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = TestDatabase }.ConnectionString;
    }

    public static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync();
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
        {
            throw new InvalidOperationException(
                $"""
                The PostgreSQL tests need a server: could not connect to {builder.Host}:{builder.Port} as '{builder.Username}' ({exception.Message}).
                Start one with `.ci/run` (installs and starts PostgreSQL 15, creates the role), or by hand as root:
                  pg_ctlcluster 15 main start
                  runuser -u postgres -- psql -c "CREATE ROLE chatpresence LOGIN CREATEDB PASSWORD 'chatpresence';"
                or point {Variable} at another server (an Npgsql connection string).
                """,
                exception);
        }

        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
