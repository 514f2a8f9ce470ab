using System.Collections.Concurrent;
using ChatPresence.Domain.Directory;
using ChatPresence.Domain.Text;

namespace ChatPresence.Domain.Rights;

/// <summary>
/// Who may save whose presence, and the TableRight/FieldProperties a caller sees on a row (README, "Security",
/// Rights): a user may save their own presence; a chat manager (role Manager, or manager
/// on any topic) or an administrator may save anyone's. Only <c>Present</c> is ever writable.
/// </summary>
public static class PresenceRights
{
    private static readonly (string Name, string Type, int Length)[] Fields =
    [
        ("UserId", "System.Int32", 0),
        ("DisplayName", "System.String", 255),
        ("OngoingChats", "System.Int32", 0),
        ("Present", "System.Boolean", 0),
        ("ChatTopics", "System.Int32[]", 0),
    ];

    // Rows share their rights objects: there are only two per language.
    private static readonly ConcurrentDictionary<(bool Writable, string Language), RowRights> Cache = new();

    public static bool CanSaveAnyone(ChatUser caller, bool managesAnyTopic) =>
        caller.Role is ChatRole.Administrator or ChatRole.Manager || managesAnyTopic;

    public static RowRights For(bool writable, string language) =>
        Cache.GetOrAdd((writable, language), static key => Create(key.Writable, key.Language));

    private static RowRights Create(bool writable, string language)
    {
        var readOnlyReason = writable ? string.Empty : Texts.Get(language, TextId.RowReadOnly);
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

/// <summary>The rights a caller sees on one row.</summary>
public sealed record RowRights(TableRight TableRight, FieldPropertyDictionary FieldProperties);
