using System.Collections.Concurrent;
using ChatPresence.Contract.Text;
using ChatPresence.Domain.Presence;

namespace ChatPresence.Contract.Rights;

/// <summary>
/// The TableRight and FieldProperties a caller sees on one row, as the contract shows them: Select (and Update when
/// the row is <see cref="PresenceRow.Writable"/>), every field read-only but <c>Present</c> on a writable row, and the
/// localized read-only reason. Whether a row is writable is the domain's decision (<c>Domain.Rights.SaveRights</c>);
/// this only shows it. Rows share these objects: there are two per language, made once.
/// </summary>
public sealed record RowRights(TableRight TableRight, FieldPropertyDictionary FieldProperties)
{
    private static readonly (string Name, string Type, int Length)[] Fields =
    [
        ("UserId", "System.Int32", 0),
        ("DisplayName", "System.String", 255),
        ("OngoingChats", "System.Int32", 0),
        ("Present", "System.Boolean", 0),
        ("ChatTopics", "System.Int32[]", 0),
    ];

    private static readonly ConcurrentDictionary<(bool Writable, string Language), RowRights> Cache = new();

    /// <summary>The shared rights of a row that is (or is not) writable, with texts in <paramref name="language"/>.</summary>
    public static RowRights For(bool writable, string language) =>
        Cache.GetOrAdd((writable, language), static key => Create(key.Writable, key.Language));

    private static RowRights Create(bool writable, string language)
    {
        var readOnlyReason = writable ? string.Empty : WireTexts.Get(language, WireTextId.RowReadOnly);
        var table = new TableRight(writable ? ETableRight.Select | ETableRight.Update : ETableRight.Select, readOnlyReason);
        var entries = new KeyValuePair<string, FieldProperty>[Fields.Length];
        for (var i = 0; i < Fields.Length; i++)
        {
            var (name, type, length) = Fields[i];
            var isPresent = name == "Present";
            var right = isPresent && writable
                ? new FieldRight(EFieldRight.Read | EFieldRight.Write, string.Empty)
                : new FieldRight(EFieldRight.Read | EFieldRight.UIHintReadOnly, isPresent ? readOnlyReason : string.Empty);
            entries[i] = new(name, new FieldProperty(right, type, length));
        }

        return new RowRights(table, new FieldPropertyDictionary(entries));
    }
}

/// <summary>
/// The two rights objects of one reply (the caller's language): a writer looks them up once per reply and picks one
/// per row by <see cref="PresenceRow.Writable"/>, with no lookup per row.
/// </summary>
public sealed class ReplyRights(RowRights writable, RowRights readOnly)
{
    private static readonly ConcurrentDictionary<string, ReplyRights> Cache = new(StringComparer.Ordinal);

    public RowRights Writable { get; } = writable;

    public RowRights ReadOnly { get; } = readOnly;

    /// <summary>The rights of the rows of a list in <paramref name="language"/> (see <see cref="PresenceList.Language"/>).</summary>
    public static ReplyRights For(string language) =>
        Cache.GetOrAdd(language, static language => new ReplyRights(RowRights.For(writable: true, language), RowRights.For(writable: false, language)));

    /// <summary>The rights <paramref name="row"/> shows.</summary>
    public RowRights Of(PresenceRow row) => row.Writable ? Writable : ReadOnly;

    public RowRights Of(bool writable) => writable ? Writable : ReadOnly;
}
