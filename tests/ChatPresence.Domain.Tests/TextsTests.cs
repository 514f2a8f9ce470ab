using ChatPresence.Domain.Text;

namespace ChatPresence.Domain.Tests;

public sealed class TextsTests
{
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
