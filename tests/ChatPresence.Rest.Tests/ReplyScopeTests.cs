using ChatPresence.Rest.Formatting;

namespace ChatPresence.Rest.Tests;

/// <summary>
/// Issue 17: a host serving tenants gives each tenant's reply cache a <see cref="ReplyScope"/>, so two directories at
/// the same data version (a list tag is "{version}.{rights view}.{language}") never share an ETag, and one tenant never
/// answers 304 to another's validator. Without a scope the validator is what it always was.
/// </summary>
public sealed class ReplyScopeTests
{
    [Theory]
    [InlineData("1764547200000.all.en", "application/json", "")]
    [InlineData("7.own3.no", "application/xml", "UserId,Present")]
    public void A_scope_sets_the_validators_of_equal_tags_apart(string tag, string mediaType, string selection)
    {
        var unscoped = new ReplyCache(10).ETagFor(tag, mediaType, selection);
        var a = new ReplyCache(10, etagScope: "CustA").ETagFor(tag, mediaType, selection);
        var b = new ReplyCache(10, etagScope: "CustB").ETagFor(tag, mediaType, selection);
        Assert.Equal(a, new ReplyCache(10, etagScope: "CustA").ETagFor(tag, mediaType, selection));
        Assert.Equal(unscoped, new ReplyCache(10).ETagFor(tag, mediaType, selection));
        Assert.Equal(3, new[] { unscoped, a, b }.Distinct().Count());
        Assert.NotEqual(a, new ReplyCache(10, etagScope: "CustA").ETagFor(tag + "x", mediaType, selection));
    }
}
