using System.ComponentModel.DataAnnotations;

using ChatPresence.Domain.Security;
using ChatPresence.Host.Tenants;
using ChatPresence.Storage.Postgres;

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

    /// <summary>
    /// The tenants this host serves (<c>ChatPresence:Tenants:&lt;id&gt;:…</c>), each with its own store, tickets and read
    /// model, addressed as <c>/&lt;id&gt;/…</c>. None: one implicit tenant, any first path segment accepted (on-site).
    /// </summary>
    public Dictionary<string, TenantOptions> Tenants { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public string ResolveDatabasePath() => Path.GetFullPath(DatabasePath ?? Path.Combine(DataFolder, "chatpresence.db"));
}

public enum StorageEngine
{
    Sqlite,
    Postgres,
}

/// <summary>Where one tenant's state lives and what it starts with: the implicit tenant, or one of <see cref="ChatPresenceOptions.Tenants"/>.</summary>
internal sealed record TenantSite(
    string? Id, string DatabasePath, string? InitialDirectory, IReadOnlyList<string>? ApplicationTokens = null, string? PostgresSchema = null)
{
    public static TenantSite Implicit(ChatPresenceOptions options) => new(null, options.ResolveDatabasePath(), options.InitialDirectory);

    /// <summary>
    /// A configured tenant: its SQLite file is <c>{DataFolder}/tenants/{id}.db</c>; on PostgreSQL its schema is
    /// <c>{first schema of the connection string's search path, or chatpresence}_{id in lower case}</c>.
    /// </summary>
    public static TenantSite For(string id, TenantOptions? tenant, ChatPresenceOptions options, string? connectionString) =>
        new(id, Path.GetFullPath(Path.Combine(options.DataFolder, "tenants", id + ".db")), tenant?.InitialDirectory is { Length: > 0 } initial ? initial : null,
            tenant?.ApplicationTokens is { Count: > 0 } tokens ? [.. tokens] : null,
            options.Storage == StorageEngine.Postgres && connectionString is not null
                ? $"{PostgresChatStore.SearchSchema(connectionString) ?? "chatpresence"}_{id.ToLowerInvariant()}"
                : null);

    /// <summary>The host's security settings, with this tenant's own application tokens when it has them.</summary>
    public SecurityOptions Security(SecurityOptions host) => ApplicationTokens is null ? host : new SecurityOptions
    {
        Mode = host.Mode,
        ApplicationTokens = [.. ApplicationTokens],
        AllowBasic = host.AllowBasic,
        BasicCredentialLifetime = host.BasicCredentialLifetime,
        LoginThrottle = host.LoginThrottle,
    };
}
