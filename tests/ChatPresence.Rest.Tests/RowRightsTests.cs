using ChatPresence.Contract.Rights;
using ChatPresence.Domain.Presence;

namespace ChatPresence.Rest.Tests;

/// <summary>
/// The TableRight and FieldProperties the facades show on a row (Contract's <see cref="RowRights"/>), from the
/// domain's one decision, <see cref="PresenceRow.Writable"/>: only <c>Present</c> of a writable row can be written,
/// and a read-only row says why in the caller's language.
/// </summary>
public sealed class RowRightsTests
{
    private static readonly string[] ReadOnlyFields = ["UserId", "DisplayName", "OngoingChats", "ChatTopics"];

    [Fact]
    public void A_writable_row_may_update_Present_and_nothing_else()
    {
        var rights = RowRights.For(writable: true, "en");
        Assert.Equal(ETableRight.Select | ETableRight.Update, rights.TableRight.Mask);
        Assert.Equal(string.Empty, rights.TableRight.Reason);
        Assert.Equal(new FieldRight(EFieldRight.Read | EFieldRight.Write, string.Empty), rights.FieldProperties["Present"].FieldRight);
        Assert.All(ReadOnlyFields, field => Assert.Equal(new FieldRight(EFieldRight.Read | EFieldRight.UIHintReadOnly, string.Empty), rights.FieldProperties[field].FieldRight));
    }

    [Fact]
    public void A_read_only_row_says_why_on_the_table_and_on_Present()
    {
        var rights = RowRights.For(writable: false, "en");
        const string Why = "Only the user, a chat manager or an administrator may change this presence.";
        Assert.Equal(new TableRight(ETableRight.Select, Why), rights.TableRight);
        Assert.Equal(new FieldRight(EFieldRight.Read | EFieldRight.UIHintReadOnly, Why), rights.FieldProperties["Present"].FieldRight);
        Assert.All(ReadOnlyFields, field => Assert.Equal(new FieldRight(EFieldRight.Read | EFieldRight.UIHintReadOnly, string.Empty), rights.FieldProperties[field].FieldRight));
        Assert.Equal(["UserId", "DisplayName", "OngoingChats", "Present", "ChatTopics"], rights.FieldProperties.Keys);
        Assert.Equal(["System.Int32", "System.String", "System.Int32", "System.Boolean", "System.Int32[]"], rights.FieldProperties.Values.Select(p => p.FieldType));
        Assert.Equal(255, rights.FieldProperties["DisplayName"].FieldLength);
    }

    /// <summary>The wording of every language, as it was when Domain owned it (replies and ETags depend on these bytes).</summary>
    [Theory]
    [InlineData("en", "Only the user, a chat manager or an administrator may change this presence.")]
    [InlineData("no", "Bare brukeren, en chatleder eller en administrator kan endre denne statusen.")]
    [InlineData("sv", "Endast användaren, en chattansvarig eller en administratör får ändra denna närvaro.")]
    [InlineData("da", "Kun brugeren, en chatleder eller en administrator må ændre denne status.")]
    [InlineData("de", "Nur der Benutzer, ein Chat-Manager oder ein Administrator darf diesen Status ändern.")]
    [InlineData("x", "[RowReadOnly]")]
    [InlineData("fi", "Only the user, a chat manager or an administrator may change this presence.")]
    public void The_read_only_reason_is_in_the_callers_language(string language, string reason) =>
        Assert.Equal(reason, RowRights.For(writable: false, language).TableRight.Reason);

    [Fact]
    public void Rows_share_two_rights_objects_per_language_and_a_reply_picks_one_per_row_by_Writable()
    {
        Assert.Same(RowRights.For(writable: false, "sv"), RowRights.For(writable: false, "sv"));
        Assert.NotSame(RowRights.For(writable: false, "sv"), RowRights.For(writable: false, "no"));
        var reply = ReplyRights.For("sv");
        Assert.Same(reply, ReplyRights.For("sv"));
        Assert.Same(RowRights.For(writable: true, "sv"), reply.Of(new PresenceRow { Writable = true }));
        Assert.Same(RowRights.For(writable: false, "sv"), reply.Of(new PresenceRow { Writable = false }));
    }
}
