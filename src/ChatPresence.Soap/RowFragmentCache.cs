using System.Collections.Concurrent;
using ChatPresence.Contract.Rights;
using ChatPresence.Domain.Presence;

namespace ChatPresence.Soap;

/// <summary>
/// The encoded <c>&lt;t:ChatPresence&gt;</c> rows of one rights view (the <see cref="RowRights"/> a row shows, which
/// differ per language and by whether the row is writable), kept across data versions as one contiguous block: a cold reply copies the runs of rows whose
/// content is unchanged in one piece each and encodes only the rows that differ (after a save, the saved row; in an
/// agent's list, the agent's own writable row). A kept row is used only when the row's content equals what it was
/// encoded from (user, name, chats, presence, topics) — never on the identity of a directory view or list, which
/// changes with every save. Bounded in bytes: over the budget it starts over.
/// </summary>
internal sealed class RowFragmentCache(long maxBytes)
{
    // Rights views are the rights objects themselves (RowRights is a record: equal values are not the same view).
    private readonly ConcurrentDictionary<RowRights, EncodedRows> views = new(ReferenceEqualityComparer.Instance);
    private readonly Lock keeping = new();
    private long bytes;

    public bool IsEnabled => maxBytes > 0;

    /// <summary>The kept rows of the rights view <paramref name="rights"/>, if any.</summary>
    public EncodedRows? Find(RowRights rights) => views.GetValueOrDefault(rights);

    /// <summary>Keeps <paramref name="rows"/> for its rights view in place of what was kept (a block larger than the budget is not kept).</summary>
    public void Keep(EncodedRows rows)
    {
        if (rows.Bytes.Length > maxBytes)
        {
            return;
        }

        lock (keeping)
        {
            var key = rows.Rights;
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

    /// <summary>
    /// The rows of one rights view, encoded one after another into <see cref="Bytes"/>; row <c>i</c> is
    /// <c>Bytes[Start(i)..End(i)]</c> and was encoded from <c>Rows[i]</c> (whose <see cref="PresenceRow.Writable"/> is
    /// <see cref="Writable"/>) with <see cref="Rights"/>. Immutable once made, so any number of replies copy from it at once.
    /// </summary>
    internal sealed class EncodedRows(RowRights rights, bool writable, PresenceRow[] rows, int[] ends, byte[] bytes)
    {
        public RowRights Rights { get; } = rights;

        public bool Writable { get; } = writable;

        public PresenceRow[] Rows { get; } = rows;

        public byte[] Bytes { get; } = bytes;

        public int Count => Rows.Length;

        public int Start(int index) => index == 0 ? 0 : ends[index - 1];

        public int End(int index) => ends[index];

        /// <summary>The same bytes, remembering <paramref name="current"/> (equal content) so later lists match by reference.</summary>
        public EncodedRows With(PresenceRow[] current) => new(Rights, Writable, current, ends, Bytes);

        /// <summary>Whether <paramref name="row"/> has this view's rights.</summary>
        public bool InView(PresenceRow row) => row.Writable == Writable;

        /// <summary>Whether <paramref name="row"/> (with this view's rights) encodes to the bytes of row <paramref name="index"/>.</summary>
        public bool Holds(int index, PresenceRow row) => ReferenceEquals(Rows[index], row) || SameContent(Rows[index], row);

        public static bool SameContent(PresenceRow a, PresenceRow b) =>
            a.UserId == b.UserId &&
            a.Present == b.Present &&
            a.OngoingChats == b.OngoingChats &&
            string.Equals(a.DisplayName, b.DisplayName, StringComparison.Ordinal) &&
            SameTopics(a.ChatTopics, b.ChatTopics);

        private static bool SameTopics(IReadOnlyList<int> a, IReadOnlyList<int> b)
        {
            if (ReferenceEquals(a, b))
            {
                return true;
            }

            if (a.Count != b.Count)
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
