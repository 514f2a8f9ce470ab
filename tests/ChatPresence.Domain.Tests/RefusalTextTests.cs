using ChatPresence.Domain.Text;

namespace ChatPresence.Domain.Tests;

/// <summary>A refusal formats its localized text only when someone reads it (issue #12: throw helpers off the polling path).</summary>
public sealed class RefusalTextTests
{
    [Fact]
    public void A_refusal_nobody_reads_formats_nothing()
    {
        var argument = new CountingArgument();
        var refusal = ChatPresenceException.Create(FailureReason.UnknownUser, "de", TextId.UnknownChatUser, argument);

        Assert.Equal(FailureReason.UnknownUser, refusal.Reason);
        Assert.Equal(0, argument.Formatted);

        Assert.Equal("Unbekannter Chat-Benutzer 42.", refusal.Message);
        Assert.Equal("Unbekannter Chat-Benutzer 42.", refusal.Message);
        Assert.Equal(1, argument.Formatted);
    }

    private sealed class CountingArgument
    {
        public int Formatted { get; private set; }

        public override string ToString()
        {
            Formatted++;
            return "42";
        }
    }
}
