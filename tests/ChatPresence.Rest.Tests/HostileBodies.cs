using System.Globalization;
using System.Text;
using ChatPresence.Rest.Formatting;
using CsCheck;

namespace ChatPresence.Rest.Tests;

/// <summary>
/// Generated hostile request bodies for every body type: huge structures (depth, siblings, fragments, attributes,
/// names) and every character XML 1.0 cannot carry, injected into each route's own body as raw bytes, as escapes
/// and into names. Bytes are written as WTF-8, so a lone surrogate arrives as the bytes a careless client would send.
/// </summary>
public static class HostileBodies
{
    /// <summary>Each REST route: method, path, and the body shape it reads (or ignores).</summary>
    public static readonly (string Method, string Path, string Template)[] Routes =
    [
        ("POST", "api/v1/Agents/Chat/SaveChatPresence", "save"),
        ("POST", "api/v1/Presence/SaveAll", "saveAll"),
        ("POST", "api/v1/Agents/Chat/IsWithinOpeningHours", "topic"),
        ("POST", "api/v1/Login", "login"),
        ("POST", "api/v1/Logout", "save"),
        ("POST", "api/v1/Agents/Chat/GetChatPresence", "save"),
        ("GET", "api/v1/Presence/GetAll", "save"),
    ];

    public static readonly WireFormat[] Formats = [WireFormat.Json, WireFormat.Xml, WireFormat.Form];

    /// <summary>Structural shapes: the same body whatever the route.</summary>
    public static readonly string[] Structures =
        ["depth-10k", "depth-100k", "unclosed-30k", "siblings-100k", "text-1M-in-100k-fragments", "attributes-100k", "name-100k"];

    /// <summary>Every C0 control, the two non-characters, and both kinds of lone surrogate.</summary>
    public static IEnumerable<char> BadCharacters() =>
        Enumerable.Range(0, 32).Select(c => (char)c).Concat(['\uFFFE', '\uFFFF', '\uD800', '\uDC00']);

    public static string ContentType(WireFormat format) => format switch
    {
        WireFormat.Json => "application/json",
        WireFormat.Xml => "application/xml",
        _ => "application/x-www-form-urlencoded",
    };

    public static byte[] Structure(string shape, WireFormat format) => (shape, format) switch
    {
        ("depth-10k", _) => Nested(format, 10_000, closed: true),
        ("depth-100k", _) => Nested(format, 100_000, closed: true),
        ("unclosed-30k", _) => Nested(format, 30_000, closed: false),
        ("siblings-100k", _) => Siblings(format, 100_000),
        ("text-1M-in-100k-fragments", _) => Fragments(format, 100_000),
        ("attributes-100k", _) => Attributes(format, 100_000),
        ("name-100k", _) => Name(format, 100_000),
        _ => throw new ArgumentOutOfRangeException(nameof(shape), shape, null),
    };

    public static byte[] Nested(WireFormat format, int depth, bool closed) => Utf8(format switch
    {
        WireFormat.Json => Repeat("[", depth) + (closed ? Repeat("]", depth) : string.Empty),
        WireFormat.Xml => Repeat("<a>", depth) + (closed ? Repeat("</a>", depth) : string.Empty),
        _ => "a" + Repeat(closed ? "[a]" : "[a", depth) + "=1",
    });

    public static byte[] Siblings(WireFormat format, int count) => Utf8(format switch
    {
        WireFormat.Json => "[" + string.Join(',', Enumerable.Repeat("0", count)) + "]",
        WireFormat.Xml => "<r>" + Repeat("<a/>", count) + "</r>",
        _ => string.Join('&', Enumerable.Range(0, count).Select(i => $"[{i}]=1")),
    });

    /// <summary>10 characters per fragment, split by what each format allows between them (comment, escape, %-escape).</summary>
    public static byte[] Fragments(WireFormat format, int count) => Utf8(format switch
    {
        WireFormat.Json => "\"" + Repeat("xxxxxxxxx\\n", count) + "\"",
        WireFormat.Xml => "<r>" + Repeat("xxxxxxxxxx<!---->", count) + "</r>",
        _ => "a=" + Repeat("xxxxxxxxx%0A", count),
    });

    public static byte[] Attributes(WireFormat format, int count) => Utf8(format switch
    {
        WireFormat.Json => "{" + string.Join(',', Enumerable.Range(0, count).Select(i => $"\"a{i}\":0")) + "}",
        WireFormat.Xml => "<r " + string.Join(' ', Enumerable.Range(0, count).Select(i => $"a{i}=\"\"")) + "/>",
        _ => string.Join('&', Enumerable.Range(0, count).Select(i => $"a{i}=1")),
    });

    public static byte[] Name(WireFormat format, int length)
    {
        var name = new string('n', length);
        return Utf8(format switch
        {
            WireFormat.Json => $"{{\"{name}\":0}}",
            WireFormat.Xml => $"<{name}/>",
            _ => name + "=1",
        });
    }

    /// <summary>
    /// The route's own body with <paramref name="bad"/> in one place: 0 raw in a value, 1 escaped in a value
    /// (XML character reference, JSON \u, form %), 2 in a member name (raw in XML, escaped in JSON and form).
    /// Every save body is refused by the binder (a wrong member type), so nothing can be written whatever the character.
    /// </summary>
    public static byte[] Injected(string template, WireFormat format, char bad, int place)
    {
        var raw = Wtf8(bad.ToString());
        var escaped = Utf8(format switch
        {
            WireFormat.Json => $"\\u{(int)bad:x4}",
            WireFormat.Xml => $"&#x{(int)bad:X};",
            _ => string.Concat(raw.Select(b => $"%{b:X2}")),
        });
        var (value, name) = place switch
        {
            0 => (raw, Utf8("k")),
            1 => (escaped, Utf8("k")),
            _ => (Utf8("v"), format == WireFormat.Xml ? raw : escaped),
        };
        return Fill(Template(template, format), value, name);
    }

    /// <remarks>
    /// Save entries name user 999 (no such user): the injected text sits in members a save does not read (issue 12:
    /// REST no longer binds them, as SOAP never did), so the entry must be refused for itself and nothing written.
    /// </remarks>
    private static string Template(string template, WireFormat format) => (template, format) switch
    {
        ("save", WireFormat.Json) => "{\"ChatPresence\":[{\"UserId\":999,\"Present\":true,\"DisplayName\":\"{V}\",\"FieldProperties\":{\"k{K}\":5}}]}",
        ("saveAll", WireFormat.Json) => "[{\"UserId\":999,\"Present\":true,\"DisplayName\":\"{V}\",\"FieldProperties\":{\"k{K}\":5}}]",
        ("topic", WireFormat.Json) => "{\"ChatTopicId\":1,\"k{K}\":\"{V}\"}",
        ("login", WireFormat.Json) => "{\"UserName\":\"u{V}\",\"Password\":5,\"k{K}\":1}",
        ("save", WireFormat.Xml) => "<SaveChatPresence><ChatPresence>" + XmlEntry + "</ChatPresence></SaveChatPresence>",
        ("saveAll", WireFormat.Xml) => "<ArrayOfChatPresence>" + XmlEntry + "</ArrayOfChatPresence>",
        ("topic", WireFormat.Xml) => "<IsWithinOpeningHours><ChatTopicId>1</ChatTopicId><k{K}>{V}</k{K}></IsWithinOpeningHours>",
        ("login", WireFormat.Xml) => "<Login><UserName>u{V}</UserName><Password><x/></Password><k{K}/></Login>",
        ("save", _) => "ChatPresence[0][UserId]=999&ChatPresence[0][Present]=true&ChatPresence[0][DisplayName]={V}&ChatPresence[0][FieldProperties][k{K}]=5",
        ("saveAll", _) => "[0][UserId]=999&[0][Present]=true&[0][DisplayName]={V}&[0][FieldProperties][k{K}]=5",
        ("topic", _) => "ChatTopicId=1&k{K}={V}",
        _ => "UserName=u{V}&Password[x]=1&k{K}=1",
    };

    // OngoingChats "x" is never an integer: the entry is refused whatever the injected character does.
    private const string XmlEntry = "<ChatPresence><UserId>999</UserId><Present>true</Present><DisplayName>{V}</DisplayName><FieldProperties><k{K}>5</k{K}></FieldProperties><OngoingChats>x</OngoingChats></ChatPresence>";

    /// <summary>
    /// A random soup of each format's syntax pieces (valid and not), each repeated up to thousands of times: unbalanced
    /// nesting, stray escapes, DTDs, bad bytes, nil markers, member names the binder knows.
    /// </summary>
    public static Gen<byte[]> Soup(WireFormat format)
    {
        var pieces = (format switch
        {
            WireFormat.Json => new[] { "[", "]", "{", "}", "\"a\":", ",", "1", "-1e999", "\"\\u0001\"", "\"\\ud800\"", "\"\\udc00x\"", "\u0001", "\"\uFFFE\"", "null", "true", "\"UserId\":", "\"ChatPresence\":", "\"", "\\", "\uD800" },
            WireFormat.Xml => ["<a>", "</a>", "<ChatPresence>", "</ChatPresence>", "<UserId>4</UserId>", "<b i:nil=\"maybe\" xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\"/>", "x", "&#x1;", "&#xD800;", "\u0001", "\uFFFF", "<!---->", "<![CDATA[x]]>", "<?pi x?>", "<!DOCTYPE a [<!ENTITY e 'x'>]>", "&e;", "&amp;", "<", "\uD800", "<a a=\"1\" a=\"2\">"],
            _ => ["a", "[", "]", ".", "=", "&", "%01", "%ED%A0%80", "%FF", "%", "+", "ChatPresence", "[0]", "[UserId]", "UserId", "Present", "true", "\u0001", "\uD800", "[99999999999]"],
        }).Select(Wtf8).ToArray();
        return Gen.Select(Gen.Int[0, pieces.Length - 1], Gen.Int[1, 3_000]).Array[1, 30].Select(parts =>
        {
            using var body = new MemoryStream();
            foreach (var (piece, times) in parts)
            {
                for (var i = 0; i < times; i++)
                {
                    body.Write(pieces[piece]);
                }
            }

            return body.ToArray();
        });
    }

    private static byte[] Fill(string template, byte[] value, byte[] name)
    {
        using var body = new MemoryStream();
        var i = 0;
        while (i < template.Length)
        {
            var next = template.IndexOf('{', i);
            if (next < 0 || next + 2 >= template.Length || template[next + 2] != '}' || template[next + 1] is not ('V' or 'K'))
            {
                var end = next < 0 ? template.Length : next + 1;
                body.Write(Utf8(template[i..end]));
                i = end;
                continue;
            }

            body.Write(Utf8(template[i..next]));
            body.Write(template[next + 1] == 'V' ? value : name);
            i = next + 3;
        }

        return body.ToArray();
    }

    private static string Repeat(string text, int count) => new StringBuilder(text.Length * count).Insert(0, text, count).ToString();

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>UTF-8, except that a lone surrogate is written as its own three bytes (what UTF-8 forbids).</summary>
    public static byte[] Wtf8(string text)
    {
        var bytes = new List<byte>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsSurrogatePair(text, i))
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(text.Substring(i++, 2)));
            }
            else if (char.IsSurrogate(c))
            {
                bytes.AddRange([(byte)(0xE0 | (c >> 12)), (byte)(0x80 | ((c >> 6) & 0x3F)), (byte)(0x80 | (c & 0x3F))]);
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
            }
        }

        return [.. bytes];
    }

    public static string Describe(char c) => $"U+{(int)c:X4}".ToString(CultureInfo.InvariantCulture);
}
