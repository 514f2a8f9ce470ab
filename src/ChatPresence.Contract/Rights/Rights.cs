namespace ChatPresence.Contract.Rights;

[Flags]
public enum ETableRight
{
    None = 0,
    Select = 1,
    Update = 2,
    Insert = 4,
    Delete = 8,
    Filtering = 16,
    RestrictedUpdate = 32,
}

[Flags]
public enum EFieldRight
{
    None = 0,
    Read = 1,
    Write = 2,
    Unused1 = 4,
    Unused2 = 8,
    Unused3 = 16,
    Unused4 = 32,
    UIHintMandatory = 64,
    UIHintReadOnly = 128,
    UndefinedValue256 = 256,
}

public sealed record TableRight(ETableRight Mask, string Reason);

public sealed record FieldRight(EFieldRight Mask, string Reason);

public sealed record FieldProperty(FieldRight? FieldRight, string? FieldType, int FieldLength);

/// <summary>Field name → field property, in a fixed order (the carrier's member order).</summary>
public sealed class FieldPropertyDictionary(IReadOnlyList<KeyValuePair<string, FieldProperty>> entries)
    : IReadOnlyDictionary<string, FieldProperty>
{
    public IReadOnlyList<KeyValuePair<string, FieldProperty>> Entries { get; } = entries;

    public FieldProperty this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);

    public IEnumerable<string> Keys => Entries.Select(e => e.Key);

    public IEnumerable<FieldProperty> Values => Entries.Select(e => e.Value);

    public int Count => Entries.Count;

    public bool ContainsKey(string key) => TryGetValue(key, out _);

    public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out FieldProperty value)
    {
        foreach (var entry in Entries)
        {
            if (string.Equals(entry.Key, key, StringComparison.Ordinal))
            {
                value = entry.Value;
                return true;
            }
        }

        value = null;
        return false;
    }

    public IEnumerator<KeyValuePair<string, FieldProperty>> GetEnumerator() => Entries.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
