using System.Net.Sockets;
using ChatPresence.Domain;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ChatPresence.Storage.Postgres;

/// <summary>
/// Tells "the database cannot be reached" from every other failure, turns it into a
/// <see cref="StoreUnavailableException"/>, and logs one Warning when an outage starts and one Information when it
/// ends, instead of an Error with a stack trace per request.
/// </summary>
internal sealed class PostgresOutage(string database, ILogger? logger)
{
    private readonly ILogger logger = logger ?? NullLogger.Instance;
    private readonly Lock gate = new();
    private DateTimeOffset? since;
    private long sinceTimestamp;

    /// <summary>"PostgreSQL database chatpresence on db1:5432", for every message about it.</summary>
    public string Database { get; } = database;

    public bool IsDown
    {
        get
        {
            lock (gate)
            {
                return since is not null;
            }
        }
    }

    public static string Describe(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return $"PostgreSQL database '{builder.Database ?? builder.Username}' on {builder.Host}:{builder.Port}";
    }

    /// <summary>True for a failure a retry may cure: no server, a dropped or refused connection, timeouts, a restart.</summary>
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        StoreUnavailableException => false, // already translated
        PostgresException postgres => postgres.IsTransient
            || postgres.SqlState is PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.QueryCanceled
                or PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
                or PostgresErrorCodes.TooManyConnections or "25P03" // idle_in_transaction_session_timeout
            || postgres.SqlState.StartsWith("08", StringComparison.Ordinal),
        NpgsqlException => true, // not from the server: the connection itself failed
        SocketException or TimeoutException or IOException => true,
        _ => false,
    };

    /// <summary>Records the failure and returns what the caller should throw.</summary>
    public StoreUnavailableException Unavailable(Exception exception)
    {
        Report(exception);
        return new StoreUnavailableException($"{Database} is unavailable: {FirstLine(exception)}", exception);
    }

    public void Report(Exception exception)
    {
        lock (gate)
        {
            if (since is not null)
            {
                return;
            }

            since = DateTimeOffset.UtcNow;
            sinceTimestamp = System.Diagnostics.Stopwatch.GetTimestamp();
        }

        // The message only: the stack trace says nothing an operator can act on.
        logger.LogWarning(
            "{Database} is unreachable ({Reason}). Reads keep serving the last known directory; saves and logins fail with 503 until it answers again.",
            Database,
            FirstLine(exception));
    }

    /// <param name="startedTimestamp">When the call that succeeded began (<see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>):
    /// a call already under way when the outage began proves nothing, and would make one outage log twice.</param>
    public void Recovered(long startedTimestamp)
    {
        DateTimeOffset started;
        lock (gate)
        {
            if (since is not { } value || startedTimestamp < sinceTimestamp)
            {
                return;
            }

            started = value;
            since = null;
        }

        logger.LogInformation("{Database} answers again after {Duration:0.0} s.", Database, (DateTimeOffset.UtcNow - started).TotalSeconds);
    }

    public static string FirstLine(Exception exception)
    {
        var message = exception.Message;
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }
}
