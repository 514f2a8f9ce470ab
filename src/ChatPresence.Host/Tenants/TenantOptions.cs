using System.Text.RegularExpressions;

namespace ChatPresence.Host.Tenants;

/// <summary>
/// One tenant's own settings: <c>ChatPresence:Tenants:&lt;id&gt;:…</c>. Declaring any key declares the tenant, so
/// <c>ChatPresence__Tenants__Cust1__InitialDirectory=samples/demo-directory.json</c> alone is a tenant with demo data.
/// </summary>
public sealed class TenantOptions
{
    /// <summary>A directory file imported when this tenant's database has no users (as the host-wide setting).</summary>
    public string? InitialDirectory { get; set; }

    /// <summary>
    /// This tenant's application tokens (online mode), in place of <c>ChatPresence:Security:ApplicationTokens</c>: a
    /// token registered for one tenant is no token under another.
    /// </summary>
    public IList<string>? ApplicationTokens { get; set; }
}

/// <summary>What a tenant id may be: the first path segment of its addresses and the name of its database file.</summary>
internal static partial class TenantId
{
    public const string Section = $"{ChatPresenceOptions.Section}:Tenants";

    /// <summary>A letter or digit, then letters, digits, '-' or '_': safe in a path segment and as a file name.</summary>
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    public static bool IsValid(string id) => Pattern().IsMatch(id);

    /// <summary>The ids that break the rule, for one validation line naming their keys.</summary>
    public static string? Refuse(IEnumerable<string> ids) =>
        ids.Where(id => !IsValid(id)).Select(id => $"{Section}:{id}").ToArray() is { Length: > 0 } bad
            ? $"Tenant ids must be 1-63 letters, digits, '-' or '_', starting with a letter or digit: {string.Join(", ", bad)}."
            : null;
}
