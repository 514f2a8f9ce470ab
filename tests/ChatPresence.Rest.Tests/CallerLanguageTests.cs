using ChatPresence.Contract.Language;

namespace ChatPresence.Rest.Tests;

/// <summary>The reply language both facades negotiate (SO-Language, then Accept-Language by q).</summary>
public sealed class CallerLanguageTests
{
    [Theory]
    [InlineData(null, null, "en")]
    [InlineData(null, "sv", "sv")]
    [InlineData(null, "fr,de,ru,zh", "de")]
    [InlineData(null, "fr;q=0.9, da;q=0.5, de;q=0.8", "de")]
    [InlineData(null, "nb-NO", "no")]
    [InlineData(null, "pt-BR", "en")]
    [InlineData("de", "sv", "de")]
    [InlineData("*", "sv", "x")]
    [InlineData("x", null, "x")]
    [InlineData(null, "*", "x")]
    [InlineData("klingon", "sv", "en")]
    public void Chooses_the_language(string? soLanguage, string? acceptLanguage, string expected) =>
        Assert.Equal(expected, CallerLanguage.Choose(soLanguage, acceptLanguage));
}
