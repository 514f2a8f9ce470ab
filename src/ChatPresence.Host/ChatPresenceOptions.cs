using System.ComponentModel.DataAnnotations;

namespace ChatPresence.Host;

/// <summary>The host's own settings: configuration section <c>ChatPresence</c>.</summary>
public sealed class ChatPresenceOptions
{
    public const string Section = "ChatPresence";

    /// <summary>Where state lives: embedded SQLite, or PostgreSQL at <c>ConnectionStrings:ChatPresence</c> (several hosts may share it).</summary>
    [EnumDataType(typeof(StorageEngine))]
    public StorageEngine Storage { get; set; } = StorageEngine.Sqlite;

    /// <summary>Folder for the SQLite database (relative to the working directory).</summary>
    [Required]
    public string DataFolder { get; set; } = "data";

    /// <summary>The SQLite database file; default <c>{DataFolder}/chatpresence.db</c>.</summary>
    public string? DatabasePath { get; set; }

    /// <summary>
    /// A directory file imported when the database has no users. Unset: the built-in demo directory in
    /// Development, nothing elsewhere.
    /// </summary>
    public string? InitialDirectory { get; set; }

    public string ResolveDatabasePath() => Path.GetFullPath(DatabasePath ?? Path.Combine(DataFolder, "chatpresence.db"));
}

public enum StorageEngine
{
    Sqlite,
    Postgres,
}
