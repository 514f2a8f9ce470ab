using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace ChatPresence.Storage.Sqlite;

/// <summary>
/// A connection and its commands. Commands are created once per SQL text and reused, so SQLite keeps their
/// prepared statements: on the long-lived writer a hot save does no parsing. Disposing closes the connection.
/// </summary>
internal sealed class SqliteSession(SqliteConnection connection) : IAsyncDisposable
{
    private readonly Dictionary<string, SqliteCommand> commands = new(StringComparer.Ordinal);

    /// <summary>True while a transaction is open; SQLite may roll one back by itself after I/O or full-disk errors.</summary>
    public bool InTransaction => raw.sqlite3_get_autocommit(connection.Handle) == 0;

    public SqliteCommand Command(string sql)
    {
        if (!commands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            commands.Add(sql, command);
        }

        return command;
    }

    public Task<int> ExecuteAsync(string sql) => Command(sql).ExecuteNonQueryAsync(CancellationToken.None);

    /// <summary>Runs SQL that is not worth keeping prepared (schema steps).</summary>
    public async Task ExecuteOnceAsync(string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var command in commands.Values)
        {
            await command.DisposeAsync().ConfigureAwait(false);
        }

        commands.Clear();
        await connection.DisposeAsync().ConfigureAwait(false);
    }
}

internal static class SqliteCommandExtensions
{
    /// <summary>Sets a named parameter, adding it the first time; reused commands keep their parameter objects.</summary>
    public static SqliteCommand With(this SqliteCommand command, string name, object? value)
    {
        var index = command.Parameters.IndexOf(name);
        if (index < 0)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
        else
        {
            command.Parameters[index].Value = value ?? DBNull.Value;
        }

        return command;
    }
}
