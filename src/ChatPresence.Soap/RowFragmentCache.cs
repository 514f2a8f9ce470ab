using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using ChatPresence.Domain.Presence;
using ChatPresence.Domain.Rights;

namespace ChatPresence.Soap;

/// <summary>
/// The encoded <c>&lt;t:ChatPresence&gt;</c> rows of one rights view (the rights objects a row carries, which differ
/// per language), kept across data versions as one contiguous block: a cold reply copies the runs of rows whose
/// content is unchanged in one piece each and encodes only the rows that differ (after a save, the saved row; in an
/// agent's list, the agent's own writable row). A kept row is used only when the row's content equals what it was
/// encoded from (user, name, chats, presence, topics) — never on the identity of a directory view or list, which
/// changes with every save. Bounded in bytes: over the budget it starts over.
/// </summary>
internal sealed class RowFragmentCache(long maxBytes)
{
    private readonly ConcurrentDictionary<(TableRight? Table, FieldPropertyDictionary? Fields), EncodedRows> views = new(ByReference.Instance);
    private readonly Lock keeping = new();
    private long bytes;

    public bool IsEnabled => maxBytes > 0;

    /// <summary>The kept rows of the rights view <paramref name="table"/>/<paramref name="fields"/>, if any.</summary>
    public EncodedRows? Find(TableRight? table, FieldPropertyDictionary? fields) => views.GetValueOrDefault((table, fields));

    /// <summary>Keeps <paramref name="rows"/> for its rights view in place of what was kept (a block larger than the budget is not kept).</summary>
    public void Keep(EncodedRows rows)
    {
        if (rows.Bytes.Length > maxBytes)
        {
            return;
        }

        lock (keeping)
        {
            var key = (rows.Table, rows.Fields);
            var replaced = views.TryGetValue(key, out var old) ? old.Bytes.Length : 0;
            if (bytes - replaced + rows.Bytes.Length > maxBytes)
            {
                // Rare (many languages on a large directory): forget everything, keep serving.
                views.Clear();
                bytes = 0;
                replaced = 0;
            }

            views[key] = rows;
            bytes += rows.Bytes.Length - replaced;
        }
    }

    /// <summary>Rights views are the rights objects themselves (TableRight is a record: equal values are not the same view).</summary>
    private sealed class ByReference : IEqualityComparer<(TableRight? Table, FieldPropertyDictionary? Fields)>
    {
        public static readonly ByReference Instance = new();

        public bool Equals((TableRight? Table, FieldPropertyDictionary? Fields) x, (TableRight? Table, FieldPropertyDictionary? Fields) y) =>
            ReferenceEquals(x.Table, y.Table) && ReferenceEquals(x.Fields, y.Fields);

        public int GetHashCode((TableRight? Table, FieldPropertyDictionary? Fields) key) =>
            HashCode.Combine(RuntimeHelpers.GetHashCode(key.Table), RuntimeHelpers.GetHashCode(key.Fields));
    }

    /// <summary>
    /// The rows of one rights view, encoded one after another into <see cref="Bytes"/>; row <c>i</c> is
    /// <c>Bytes[Start(i)..End(i)]</c> and was encoded from <c>Rows[i]</c> (which carries <see cref="Table"/> and
    /// <see cref="Fields"/>). Immutable once made, so any number of replies copy from it at once.
    /// </summary>
    internal sealed class EncodedRows(TableRight? table, FieldPropertyDictionary? fields, ChatPresenceCarrier[] rows, int[] ends, byte[] bytes)
    {
        public TableRight? Table { get; } = table;

        public FieldPropertyDictionary? Fields { get; } = fields;

        public ChatPresenceCarrier[] Rows { get; } = rows;

        public byte[] Bytes { get; } = bytes;

        public int Count => Rows.Length;

        public int Start(int index) => index == 0 ? 0 : ends[index - 1];

        public int End(int index) => ends[index];

        /// <summary>The same bytes, remembering <paramref name="current"/> (equal content) so later lists match by reference.</summary>
        public EncodedRows With(ChatPresenceCarrier[] current) => new(Table, Fields, current, ends, Bytes);

        /// <summary>Whether <paramref name="row"/> has this view's rights.</summary>
        public bool InView(ChatPresenceCarrier row) => ReferenceEquals(row.TableRight, Table) && ReferenceEquals(row.FieldProperties, Fields);

        /// <summary>Whether <paramref name="row"/> (with this view's rights) encodes to the bytes of row <paramref name="index"/>.</summary>
        public bool Holds(int index, ChatPresenceCarrier row) => ReferenceEquals(Rows[index], row) || SameContent(Rows[index], row);

        public static bool SameContent(ChatPresenceCarrier a, ChatPresenceCarrier b) =>
            a.UserId == b.UserId &&
            a.Present == b.Present &&
            a.OngoingChats == b.OngoingChats &&
            string.Equals(a.DisplayName, b.DisplayName, StringComparison.Ordinal) &&
            SameTopics(a.ChatTopics, b.ChatTopics);

        private static bool SameTopics(IReadOnlyList<int>? a, IReadOnlyList<int>? b)
        {
            if (ReferenceEquals(a, b))
            {
                return true;
            }

            if (a is null || b is null || a.Count != b.Count)
            {
                return false;
            }

            for (var i = 0; i < a.Count; i++)
            {
                if (a[i] != b[i])
                {
                    return false;
                }
            }

            return true;
        }
    }
}
