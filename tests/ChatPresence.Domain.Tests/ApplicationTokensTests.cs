using ChatPresence.Domain.Security;

namespace ChatPresence.Domain.Tests;

public sealed class ApplicationTokensTests
{
    [Fact]
    public void A_registered_token_is_accepted_and_others_are_not()
    {
        var tokens = new ApplicationTokens(["1234567-1234-9876"]);
        Assert.True(tokens.IsRegistered("1234567-1234-9876"));
        Assert.False(tokens.IsRegistered("1234567-1234-9877"));
        Assert.False(tokens.IsRegistered("1234567-1234-987")); // a prefix is not the token
        Assert.False(tokens.IsRegistered("1234567-1234-98766"));
        Assert.False(tokens.IsRegistered("ABC"));
    }

    [Fact]
    public void Tokens_are_compared_by_case_after_trimming()
    {
        var tokens = new ApplicationTokens([" Token-A "]);
        Assert.True(tokens.IsRegistered("Token-A"));
        Assert.True(tokens.IsRegistered("  Token-A\t"));
        Assert.False(tokens.IsRegistered("token-a"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("\t\r\n")]
    public void A_missing_or_blank_token_is_never_registered(string? presented)
    {
        Assert.False(new ApplicationTokens(["token-1"]).IsRegistered(presented));

        // Not even when blank entries were configured: they are ignored.
        var withBlanks = new ApplicationTokens(["", "  ", "token-1"]);
        Assert.Equal(1, withBlanks.Count);
        Assert.False(withBlanks.IsRegistered(presented));
    }

    [Fact]
    public void No_registered_tokens_accept_nothing()
    {
        var none = new ApplicationTokens([]);
        Assert.Equal(0, none.Count);
        Assert.False(none.IsRegistered("anything"));
    }

    [Fact]
    public void A_very_long_token_is_refused_without_hashing_it()
    {
        var longest = new string('x', 1024);
        var tokens = new ApplicationTokens([longest, new string('y', 1025)]);
        Assert.True(tokens.IsRegistered(longest));
        Assert.False(tokens.IsRegistered(new string('y', 1025))); // over the limit, even though configured
        Assert.False(tokens.IsRegistered(new string('x', 1_000_000)));
    }

    [Fact]
    public void Each_of_several_tokens_is_accepted()
    {
        var tokens = new ApplicationTokens(["alpha-1", "beta-2", "gamma-3"]);
        Assert.Equal(3, tokens.Count);
        Assert.True(tokens.IsRegistered("alpha-1"));
        Assert.True(tokens.IsRegistered("beta-2"));
        Assert.True(tokens.IsRegistered("gamma-3"));
        Assert.False(tokens.IsRegistered("delta-4"));
        Assert.False(tokens.IsRegistered("alpha-1beta-2"));
    }

    [Fact]
    public void A_null_list_is_refused()
    {
        Assert.Throws<ArgumentNullException>(() => new ApplicationTokens(null!));
    }
}
