using System.ComponentModel.DataAnnotations;

namespace ChatPresence.Storage.Postgres;

/// <summary>
/// Bounds on waiting and on connections for the PostgreSQL store (configuration section <c>ChatPresence:Postgres</c>).
/// The timeouts are sent as the connection's startup <c>options</c>, unless the connection string sets its own
/// <c>Options</c>.
/// </summary>
public sealed class PostgresStoreOptions
{
    public const string Section = "ChatPresence:Postgres";

    /// <summary>
    /// Pooled connections per host (the change listener takes one more, outside the pool). Null: the connection
    /// string's <c>Maximum Pool Size</c> when it sets one other than Npgsql's 100, else 20.
    /// </summary>
    [Range(1, int.MaxValue)]
    public int? MaxPoolSize { get; set; }

    /// <summary>A statement waiting this long for a row lock gives up (the save fails with 503, nothing half-written).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "3650.00:00:00")]
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Any statement running this long is cancelled by the server.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "3650.00:00:00")]
    public TimeSpan StatementTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A session left idle inside a transaction this long (a frozen client) is ended by the server.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "3650.00:00:00")]
    public TimeSpan IdleInTransactionTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Change-log rows older than this are deleted; a host that saw nothing for half of it reloads instead.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "3650.00:00:00")]
    public TimeSpan ChangeLogRetention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The connection LISTEN runs on, when the pooled one goes through PgBouncer in transaction mode (where LISTEN does
    /// not work): a direct or session-mode connection string. Null: the store's own connection string.
    /// </summary>
    public string? ListenConnectionString { get; set; }

    internal const int DefaultPoolSize = 20;

    internal const int NpgsqlDefaultPoolSize = 100;
}
