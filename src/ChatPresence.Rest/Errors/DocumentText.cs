using System.Text;
using System.Xml;

namespace ChatPresence.Rest.Errors;

/// <summary>
/// Text echoed from a request (a path, a name) into an error body: characters XML 1.0 cannot carry (C0 controls,
/// U+FFFE, U+FFFF) and lone surrogates become U+FFFD, so neither the XML nor the JSON writer can refuse the reply.
/// </summary>
internal static class DocumentText
{
    public static string Safe(string text)
    {
        var first = FirstUnsafe(text);
        if (first < 0)
        {
            return text;
        }

        var safe = new StringBuilder(text.Length).Append(text, 0, first);
        for (var i = first; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                safe.Append(c).Append(text[++i]);
            }
            else
            {
                safe.Append(XmlConvert.IsXmlChar(c) ? c : '\uFFFD');
            }
        }

        return safe.ToString();
    }

    private static int FirstUnsafe(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (!XmlConvert.IsXmlChar(c))
            {
                return i;
            }
        }

        return -1;
    }
}
