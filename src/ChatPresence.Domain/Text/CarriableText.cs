using System.Buffers;

namespace ChatPresence.Domain.Text;

/// <summary>
/// Text every reply format can carry: XML 1.0's <c>Char</c> production (tab, LF, CR, U+0020–U+FFFD without lone
/// surrogates, and surrogate pairs). The importer refuses anything else; reply writers replace it with
/// <see cref="Replacement"/> so one bad row can never break a document. The one copy of the rule.
/// </summary>
public static class CarriableText
{
    public const char Replacement = '\uFFFD';

    /// <summary>The UTF-16 code units that are not carriable on their own (surrogates are, in a pair).</summary>
    public static readonly string Suspect =
        "\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u000B\u000C\u000E\u000F" +
        "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F\uFFFE\uFFFF" +
        string.Concat(Enumerable.Range(0xD800, 0x800).Select(c => (char)c));

    private static readonly SearchValues<char> SuspectValues = SearchValues.Create(Suspect);

    /// <summary>Whether <paramref name="text"/>[<paramref name="index"/>] starts a valid surrogate pair.</summary>
    public static bool IsPairAt(ReadOnlySpan<char> text, int index) =>
        char.IsHighSurrogate(text[index]) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]);

    /// <summary>The index of the first code unit that cannot be carried, or -1.</summary>
    public static int IndexOfUncarriable(ReadOnlySpan<char> text)
    {
        var offset = 0;
        while (true)
        {
            var found = text[offset..].IndexOfAny(SuspectValues);
            if (found < 0)
            {
                return -1;
            }

            var at = offset + found;
            if (!IsPairAt(text, at))
            {
                return at;
            }

            offset = at + 2;
        }
    }

    /// <summary><paramref name="text"/> itself when carriable (no copy), else a copy with each bad unit replaced.</summary>
    public static string Replace(string text)
    {
        var first = IndexOfUncarriable(text);
        if (first < 0)
        {
            return text;
        }

        return string.Create(text.Length, (text, first), static (span, state) =>
        {
            state.text.AsSpan().CopyTo(span);
            for (var i = state.first; i < span.Length; i++)
            {
                if (IsPairAt(span, i))
                {
                    i++;
                }
                else if (Suspect.Contains(span[i], StringComparison.Ordinal))
                {
                    span[i] = Replacement;
                }
            }
        });
    }

    /// <summary>
    /// Why <paramref name="value"/> cannot be carried (the field, the character and its position), or null when it can.
    /// </summary>
    public static string? Problem(string field, string? value)
    {
        if (value is null)
        {
            return null;
        }

        var at = IndexOfUncarriable(value);
        return at < 0 ? null : $"{field} contains U+{(int)value[at]:X4} at position {at + 1}, a character XML 1.0 cannot carry";
    }

    /// <summary>The first text in <paramref name="directory"/> that cannot be carried, naming record and field; or null.</summary>
    public static string? FirstProblem(Directory.ChatDirectory directory)
    {
        foreach (var user in directory.Users)
        {
            if ((Problem("login", user.LoginName) ?? Problem("displayName", user.DisplayName)) is { } problem)
            {
                return $"user {user.Id}: {problem}";
            }
        }

        foreach (var topic in directory.Topics)
        {
            if ((Problem("name", topic.Name) ?? Problem("openingHours.timeZone", topic.OpeningHours?.TimeZoneId)) is { } problem)
            {
                return $"topic {topic.Id}: {problem}";
            }
        }

        return null;
    }
}
