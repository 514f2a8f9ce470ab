using ChatPresence.Domain.Text;

namespace ChatPresence.Domain.Tests;

public sealed class TextsTests
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
        Assert.Equal(expected, Texts.ChooseLanguage(soLanguage, acceptLanguage));

    [Fact]
    public void Every_language_has_every_text()
    {
        foreach (var language in Texts.Languages)
        {
            foreach (var id in Enum.GetValues<TextId>())
            {
                Assert.False(string.IsNullOrWhiteSpace(Texts.Get(language, id, 1, 2)), $"{language} {id}");
            }
        }
    }

    [Fact]
    public void Resource_ids_when_translation_is_off() =>
        Assert.Equal("[UnknownChatUser]", Texts.Get(Texts.ResourceIds, TextId.UnknownChatUser, 5));

    [Fact]
    public void Formats_arguments() =>
        Assert.Equal("Unbekannter Chat-Benutzer 42.", Texts.Get("de", TextId.UnknownChatUser, 42));
}
