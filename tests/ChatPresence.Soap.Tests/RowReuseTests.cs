using System.Text;
using ChatPresence.Domain.Presence;
using ChatPresence.Domain.Rights;
using CsCheck;

namespace ChatPresence.Soap.Tests;

/// <summary>
/// The cold GetChatPresence reply copies the kept rows of its rights view (<see cref="RowFragmentCache"/>) and encodes
/// only the rows that differ. Generated sequences of lists (rows changed, added, removed, a caller's own row with
/// other rights, other languages, text that needs escaping, nil and empty topics), written one after another through
/// one cache: every reply is byte for byte the reply written afresh, whatever the cache kept before.
/// </summary>
public sealed class RowReuseTests
{
    // Two views per language as the domain hands them out, plus a value-equal copy of one (another object: another view).
    private static readonly RowRights[] Rights =
    [
        PresenceRights.For(writable: false, "en"),
        PresenceRights.For(writable: true, "en"),
        PresenceRights.For(writable: false, "no"),
        new(PresenceRights.For(writable: false, "en").TableRight with { }, PresenceRights.For(writable: false, "en").FieldProperties),
    ];

    private static readonly Gen<string?> Names = Gen.OneOf<string?>(null, string.Empty, "Ada", "Bo & Co", "<x>", "a\r\nb", "tab\there", "émoji 😀", "\u0007bell");

    private static readonly Gen<IReadOnlyList<int>?> Topics = Gen.Select(Gen.Bool, Gen.Int[1, 3].Array[0, 3])
        .Select(IReadOnlyList<int>? (nil, topics) => nil ? null : topics);

    private static readonly Gen<ChatPresenceCarrier> Row = Gen.Select(Gen.Int[1, 6], Names, Gen.Int[0, 3], Gen.Bool, Topics)
        .Select((user, name, chats, present, topics) => new ChatPresenceCarrier
        {
            UserId = user, DisplayName = name, OngoingChats = chats, Present = present, ChatTopics = topics,
        });

    /// <summary>A list: most rows with one view's rights, maybe one row (the caller's own) with another's.</summary>
    private static readonly Gen<ChatPresenceCarrier[]> List = Gen.Select(Row.Array[1, 8], Gen.Int[0, 3], Gen.Int[-1, 7], Gen.Int[0, 3])
        .Select((rows, view, own, ownView) => rows
            .Select((row, i) => Rights[i == own ? ownView : view] is var r ? row with { TableRight = r.TableRight, FieldProperties = r.FieldProperties } : row)
            .ToArray());

    /// <summary>A next list: the same with one row changed (a save), or another list altogether.</summary>
    private static readonly Gen<Func<ChatPresenceCarrier[], ChatPresenceCarrier[]>> Next = Gen.OneOf(
        Gen.Select(Gen.Int[0, 7], Row).Select(Func<ChatPresenceCarrier[], ChatPresenceCarrier[]> (at, row) => previous =>
        {
            var next = previous.ToArray();
            var i = at % next.Length;
            next[i] = row with { TableRight = next[i].TableRight, FieldProperties = next[i].FieldProperties };
            return next;
        }),
        Gen.Select(Gen.Int[0, 7], Gen.Int[0, 4], Row).Select(Func<ChatPresenceCarrier[], ChatPresenceCarrier[]> (at, field, row) => previous =>
        {
            // One value of one row, as a save changes it (the others stay equal, so only this one can tell).
            var next = previous.ToArray();
            var i = at % next.Length;
            next[i] = field switch
            {
                0 => next[i] with { Present = !next[i].Present },
                1 => next[i] with { OngoingChats = next[i].OngoingChats + 1 },
                2 => next[i] with { DisplayName = row.DisplayName },
                3 => next[i] with { ChatTopics = row.ChatTopics },
                _ => next[i] with { UserId = row.UserId },
            };
            return next;
        }),
        Gen.Int.Select(Func<ChatPresenceCarrier[], ChatPresenceCarrier[]> (_) => previous => previous.Select(r => r with { }).ToArray()),
        List.Select(Func<ChatPresenceCarrier[], ChatPresenceCarrier[]> (list) => _ => list));

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
                    var presence = new ChatPresenceList("t", list);
                    var expected = Written(version, presence, fragments: null);
                    var reusing = Written(version, presence, fragments);
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
        var view = Rights[0];
        var rows = Enumerable.Range(1, 5)
            .Select(id => new ChatPresenceCarrier { UserId = id, DisplayName = "User " + id, TableRight = view.TableRight, FieldProperties = view.FieldProperties, ChatTopics = [] })
            .ToArray();
        var fragments = new RowFragmentCache(1024 * 1024);
        Written(SoapVersion.Soap11, new ChatPresenceList("1", rows), fragments);
        var kept = fragments.Find(view.TableRight, view.FieldProperties);
        Assert.NotNull(kept);

        // A newer version with the same content: the kept block stays (with the newer rows remembered).
        Written(SoapVersion.Soap11, new ChatPresenceList("2", rows.Select(r => r with { }).ToArray()), fragments);
        Assert.Same(kept.Bytes, fragments.Find(view.TableRight, view.FieldProperties)!.Bytes);

        // A save that changes one row: that row is encoded per reply, the block stays (a save costs no copy of the view).
        var saved = rows.ToArray();
        saved[2] = saved[2] with { Present = true };
        Written(SoapVersion.Soap11, new ChatPresenceList("3", saved), fragments);
        Assert.Same(kept.Bytes, fragments.Find(view.TableRight, view.FieldProperties)!.Bytes);

        // Many rows changed since the block was made: a new block for the view.
        var many = rows.Select(r => r with { Present = true }).ToArray();
        Written(SoapVersion.Soap11, new ChatPresenceList("4", many), fragments);
        Assert.NotSame(kept.Bytes, fragments.Find(view.TableRight, view.FieldProperties)!.Bytes);
    }

    private static byte[] Written(SoapVersion version, ChatPresenceList list, RowFragmentCache? fragments)
    {
        using var output = new PooledBufferStream(256);
        GetChatPresenceReply.Write(output, version, new TimeZoneEcho(true, 287, "NO"), list, fragments);
        return output.WrittenSpan.ToArray();
    }
}
