using ChatPresence.Contract.Text;
using ChatPresence.Domain.Text;

namespace ChatPresence.Rest.Tests;

/// <summary>The wire-only texts (Contract) come in exactly the languages of the domain's catalogue.</summary>
public sealed class WireTextsTests
{
    [Fact]
    public void Every_language_of_the_domain_has_every_wire_text()
    {
        Assert.Equal(Texts.Languages.Order(), WireTexts.Languages.Order());
        foreach (var language in WireTexts.Languages)
        {
            foreach (var id in Enum.GetValues<WireTextId>())
            {
                var text = WireTexts.Get(language, id, "a", "b");
                Assert.False(string.IsNullOrWhiteSpace(text), $"{language} {id}");
                Assert.DoesNotContain("{", text, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void Resource_ids_when_translation_is_off() =>
        Assert.Equal("[RouteNotFound]", WireTexts.Get(Texts.ResourceIds, WireTextId.RouteNotFound, "/x"));

    [Fact]
    public void An_unknown_language_gets_English() =>
        Assert.Equal("There is no route '/x'.", WireTexts.Get("fi", WireTextId.RouteNotFound, "/x"));
}
