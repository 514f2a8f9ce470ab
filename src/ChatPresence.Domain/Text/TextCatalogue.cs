using System.Collections.Frozen;
using System.Globalization;

namespace ChatPresence.Domain.Text;

/// <summary>
/// Texts by language, one array per language in <typeparamref name="TId"/>'s order. An unknown language gets
/// <see cref="Texts.DefaultLanguage"/>; <see cref="Texts.ResourceIds"/> yields the resource id, as SuperOffice does.
/// </summary>
public sealed class TextCatalogue<TId>(Dictionary<string, string[]> texts)
    where TId : struct, Enum
{
    private readonly FrozenDictionary<string, string[]> catalogue = texts.ToFrozenDictionary(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Languages => catalogue.Keys;

    public bool Supports(string language) => catalogue.ContainsKey(language);

    public string Get(string language, TId id, object[] args)
    {
        if (language == Texts.ResourceIds)
        {
            return "[" + id + "]";
        }

        var texts = catalogue.TryGetValue(language, out var found) ? found : catalogue[Texts.DefaultLanguage];
        var text = texts[Convert.ToInt32(id, CultureInfo.InvariantCulture)];
        return args.Length == 0 ? text : string.Format(CultureInfo.InvariantCulture, text, args);
    }
}
