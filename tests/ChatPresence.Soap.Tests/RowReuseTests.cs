using System.Text;
using ChatPresence.Contract.Rights;
using ChatPresence.Domain.Presence;
using CsCheck;

namespace ChatPresence.Soap.Tests;

/// <summary>
/// The cold GetChatPresence reply copies the kept rows of its rights view (<see cref="RowFragmentCache"/>) and encodes
/// only the rows that differ. Generated sequences of lists (rows changed, added, removed, a caller's own row with
/// other rights, other languages, text that needs escaping, empty topics), written one after another through
/// one cache: every reply is byte for byte the reply written afresh, whatever the cache kept before.
/// </summary>
public sealed class RowReuseTests
{
    // The rights of a reply per language as the facades use them, plus one with a value-equal copy of the read-only
    // rights (another object: another view).
    private static readonly ReplyRights[] Rights =
    [
        ReplyRights.For("en"),
        ReplyRights.For("no"),
        new(ReplyRights.For("en").Writable, ReplyRights.For("en").ReadOnly with { TableRight = ReplyRights.For("en").ReadOnly.TableRight with { } }),
    ];

    private static readonly Gen<string?> Names = Gen.OneOf<string?>(null, string.Empty, "Ada", "Bo & Co", "<x>", "a\r\nb", "tab\there", "émoji 😀", "\u0007bell");

    private static readonly Gen<int[]> Topics = Gen.Int[1, 3].Array[0, 3];

    private static readonly Gen<PresenceRow> Row = Gen.Select(Gen.Int[1, 6], Names, Gen.Int[0, 3], Gen.Bool, Topics)
        .Select((user, name, chats, present, topics) => new PresenceRow
        {
            UserId = user, DisplayName = name, OngoingChats = chats, Present = present, ChatTopics = topics,
        });

    /// <summary>A list: most rows writable or not (one view), maybe one row (the caller's own) the other way; one reply's rights.</summary>
    private static readonly Gen<(PresenceRow[] Rows, ReplyRights Rights)> List = Gen.Select(Row.Array[1, 8], Gen.Bool, Gen.Int[-1, 7], Gen.Int[0, Rights.Length - 1])
        .Select((rows, writable, own, rights) => (rows.Select((row, i) => row with { Writable = i == own ? !writable : writable }).ToArray(), Rights[rights]));

    /// <summary>A next list: the same with one row changed (a save), or another list altogether.</summary>
    private static readonly Gen<Func<(PresenceRow[] Rows, ReplyRights Rights), (PresenceRow[] Rows, ReplyRights Rights)>> Next = Gen.OneOf(
        Gen.Select(Gen.Int[0, 7], Row).Select(Func<(PresenceRow[] Rows, ReplyRights Rights), (PresenceRow[] Rows, ReplyRights Rights)> (at, row) => previous =>
        {
            var next = previous.Rows.ToArray();
            var i = at % next.Length;
            next[i] = row with { Writable = next[i].Writable };
            return (next, previous.Rights);
        }),
        Gen.Select(Gen.Int[0, 7], Gen.Int[0, 4], Row).Select(Func<(PresenceRow[] Rows, ReplyRights Rights), (PresenceRow[] Rows, ReplyRights Rights)> (at, field, row) => previous =>
        {
            // One value of one row, as a save changes it (the others stay equal, so only this one can tell).
            var next = previous.Rows.ToArray();
            var i = at % next.Length;
            next[i] = field switch
            {
                0 => next[i] with { Present = !next[i].Present },
                1 => next[i] with { OngoingChats = next[i].OngoingChats + 1 },
                2 => next[i] with { DisplayName = row.DisplayName },
                3 => next[i] with { ChatTopics = row.ChatTopics },
                _ => next[i] with { UserId = row.UserId },
            };
            return (next, previous.Rights);
        }),
        Gen.Int.Select(Func<(PresenceRow[] Rows, ReplyRights Rights), (PresenceRow[] Rows, ReplyRights Rights)> (_) => previous => (previous.Rows.Select(r => r with { }).ToArray(), previous.Rights)),
        List.Select(Func<(PresenceRow[] Rows, ReplyRights Rights), (PresenceRow[] Rows, ReplyRights Rights)> (list) => _ => list));

    [Fact]
    public void Every_reply_equals_the_reply_written_afresh()
    {
        Gen.Select(List, Next.Array[1, 8], Gen.OneOf(64L * 1024 * 1024, 3000L, 1L)).Sample((first, steps, budget) =>
        {
            var fragments = new RowFragmentCache(budget);
            var list = first;
            for (var i = 0; i <= steps.Length; i++)
            {
                foreach (var version in new[] { SoapVersion.Soap11, SoapVersion.Soap12 })
                {
                    var presence = new PresenceList("t", "en", list.Rows);
                    var expected = Written(version, presence, list.Rights, fragments: null);
                    var reusing = Written(version, presence, list.Rights, fragments);
                    if (!expected.AsSpan().SequenceEqual(reusing))
                    {
                        Assert.Equal(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(reusing));
                    }
                }

                list = i < steps.Length ? steps[i](list) : list;
            }
        }, iter: 2000);
    }

    /// <summary>
    /// What makes the cold reply cheap: once a view's rows are kept, a list with the same content (a newer data
    /// version, other row objects) is copied, not encoded — its kept rows are the very bytes of the reply.
    /// </summary>
    [Fact]
    public void A_list_with_unchanged_rows_is_copied_from_the_kept_rows()
    {
        var rights = Rights[0];
        var view = rights.ReadOnly;
        var rows = Enumerable.Range(1, 5)
            .Select(id => new PresenceRow { UserId = id, DisplayName = "User " + id, ChatTopics = [] })
            .ToArray();
        var fragments = new RowFragmentCache(1024 * 1024);
        Written(SoapVersion.Soap11, new PresenceList("1", "en", rows), rights, fragments);
        var kept = fragments.Find(view);
        Assert.NotNull(kept);

        // A newer version with the same content: the kept block stays (with the newer rows remembered).
        Written(SoapVersion.Soap11, new PresenceList("2", "en", rows.Select(r => r with { }).ToArray()), rights, fragments);
        Assert.Same(kept.Bytes, fragments.Find(view)!.Bytes);

        // A save that changes one row: that row is encoded per reply, the block stays (a save costs no copy of the view).
        var saved = rows.ToArray();
        saved[2] = saved[2] with { Present = true };
        Written(SoapVersion.Soap11, new PresenceList("3", "en", saved), rights, fragments);
        Assert.Same(kept.Bytes, fragments.Find(view)!.Bytes);

        // Many rows changed since the block was made: a new block for the view.
        var many = rows.Select(r => r with { Present = true }).ToArray();
        Written(SoapVersion.Soap11, new PresenceList("4", "en", many), rights, fragments);
        Assert.NotSame(kept.Bytes, fragments.Find(view)!.Bytes);
    }

    private static byte[] Written(SoapVersion version, PresenceList list, ReplyRights rights, RowFragmentCache? fragments)
    {
        using var output = new PooledBufferStream(256);
        GetChatPresenceReply.Write(output, version, new TimeZoneEcho(true, 287, "NO"), list, rights, fragments);
        return output.WrittenSpan.ToArray();
    }
}
