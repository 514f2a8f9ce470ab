using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using ChatPresence.Domain.Presence;
using ChatPresence.Domain.Rights;

namespace ChatPresence.Soap;

/// <summary>
/// Encoded <c>&lt;t:ChatPresence&gt;</c> rows kept across data versions, per rights view and language (the rights
/// objects a row carries) and user: after a save changes one row, the next cold reply encodes that row and copies
/// the others. A kept row is used only when the row's content equals what it was encoded from (user, name, chats,
/// presence, topics) — never on the identity of a directory view or list, which changes with every save (and, with
/// delta-applied views, may be reused for different content). Bounded in bytes: over the budget it starts over.
/// </summary>
internal sealed class RowFragmentCache(long maxBytes)
{
    private readonly ConcurrentDictionary<(TableRight? Table, FieldPropertyDictionary? Fields), ConcurrentDictionary<int, Fragment>> views = new();
    private long bytes;

    public bool IsEnabled => maxBytes > 0;

    /// <summary>The encoded row, encoded by <paramref name="encode"/> only when no kept row has the same content.</summary>
    public byte[] Get(ChatPresenceCarrier row, Func<ChatPresenceCarrier, byte[]> encode) => Get(row, encode, ref Unsafe.NullRef<ViewCursor>());

    /// <summary>
    /// As <see cref="Get(ChatPresenceCarrier, Func{ChatPresenceCarrier, byte[]})"/>, remembering in
    /// <paramref name="cursor"/> the rows of the last rights objects seen (a reply has two), so consecutive rows with
    /// the same rights skip the lookup by rights.
    /// </summary>
    public byte[] Get(ChatPresenceCarrier row, Func<ChatPresenceCarrier, byte[]> encode, ref ViewCursor cursor)
    {
        ConcurrentDictionary<int, Fragment> rows;
        if (!Unsafe.IsNullRef(ref cursor) && cursor.Rows is not null && ReferenceEquals(cursor.Table, row.TableRight) && ReferenceEquals(cursor.Fields, row.FieldProperties))
        {
            rows = cursor.Rows;
        }
        else
        {
            rows = views.GetOrAdd((row.TableRight, row.FieldProperties), static _ => new ConcurrentDictionary<int, Fragment>());
            if (!Unsafe.IsNullRef(ref cursor))
            {
                cursor = new ViewCursor(row.TableRight, row.FieldProperties, rows);
            }
        }

        if (rows.TryGetValue(row.UserId, out var kept) && kept.EncodedFrom(row))
        {
            return kept.Bytes;
        }

        var fragment = new Fragment(row, encode(row));
        rows[row.UserId] = fragment;
        if (Interlocked.Add(ref bytes, fragment.Bytes.Length + 64) > maxBytes)
        {
            // Rare (a directory larger than the budget, or many languages): forget everything, keep serving.
            views.Clear();
            Interlocked.Exchange(ref bytes, 0);
        }

        return fragment.Bytes;
    }

    /// <summary>The rows of one rights view, as last looked up (see <see cref="Get(ChatPresenceCarrier, Func{ChatPresenceCarrier, byte[]}, ref ViewCursor)"/>).</summary>
    internal readonly record struct ViewCursor(TableRight? Table, FieldPropertyDictionary? Fields, ConcurrentDictionary<int, Fragment>? Rows);

    internal sealed class Fragment(ChatPresenceCarrier row, byte[] bytes)
    {
        public byte[] Bytes { get; } = bytes;

        /// <summary>Whether <paramref name="other"/> encodes to the same bytes (rights are the dictionary's key).</summary>
        public bool EncodedFrom(ChatPresenceCarrier other) =>
            ReferenceEquals(row, other) ||
            (row.Present == other.Present &&
             row.OngoingChats == other.OngoingChats &&
             string.Equals(row.DisplayName, other.DisplayName, StringComparison.Ordinal) &&
             SameTopics(row.ChatTopics, other.ChatTopics));

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
