using System.Globalization;
using System.Text.Json;
using System.Xml;

namespace ChatPresence.Rest.Binding;

/// <summary>Thrown by a <see cref="BodyNode"/> when a value is not what the binder expects; becomes a 400.</summary>
public sealed class BindingException(string message) : Exception(message);

/// <summary>
/// One value of a request body, whatever its format: JSON element, XML element or form-field tree. The binder is
/// written once against this; each format decides what "object", "array" and "integer" mean for it. Member names
/// are matched case-insensitively.
/// </summary>
public abstract class BodyNode(string path)
{
    /// <summary>Where the value is, for messages: <c>ChatPresence[0].UserId</c>.</summary>
    public string Path { get; } = path;

    public abstract bool IsNull { get; }

    /// <summary>The member, or null when absent.</summary>
    public abstract BodyNode? Member(string name);

    public abstract IEnumerable<BodyNode> Items();

    /// <summary>Dictionary entries (JSON object members, XML Key/Value pairs or child elements, form keys).</summary>
    public abstract IEnumerable<KeyValuePair<string, BodyNode>> Entries();

    public abstract int GetInt32();

    public abstract bool GetBoolean();

    public abstract string? GetString();

    protected BindingException Expected(string what) => new($"{Describe(Path)} must be {what}");

    protected static string Join(string path, string member) => path.Length == 0 ? member : path + "." + member;

    protected static string Index(string path, int index) => path + "[" + index.ToString(CultureInfo.InvariantCulture) + "]";

    private static string Describe(string path) => path.Length == 0 ? "the body" : path;
}

/// <summary>A JSON body: strict types (an integer must be a JSON number, a boolean true or false).</summary>
public sealed class JsonBodyNode(JsonElement element, string path) : BodyNode(path)
{
    public override bool IsNull => element.ValueKind == JsonValueKind.Null;

    public override BodyNode? Member(string name)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Expected("an object");
        }

        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return new JsonBodyNode(property.Value, Join(Path, name));
            }
        }

        return null;
    }

    public override IEnumerable<BodyNode> Items()
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            throw Expected("an array");
        }

        var index = 0;
        foreach (var item in element.EnumerateArray())
        {
            yield return new JsonBodyNode(item, Index(Path, index++));
        }
    }

    public override IEnumerable<KeyValuePair<string, BodyNode>> Entries()
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Expected("an object");
        }

        foreach (var property in element.EnumerateObject())
        {
            yield return new(property.Name, new JsonBodyNode(property.Value, Join(Path, property.Name)));
        }
    }

    public override int GetInt32() =>
        element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out var value) ? value : throw Expected("an integer");

    public override bool GetBoolean() => element.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw Expected("true or false"),
    };

    public override string? GetString() => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Null => null,
        _ => throw Expected("a string"),
    };
}

/// <summary>
/// An XML element (namespaces ignored, names case-insensitive). Arrays are the child elements whatever their name;
/// dictionaries are DataContract <c>…KeyValuePair</c> Key/Value children or plain child elements.
/// </summary>
public sealed class XmlBodyNode : BodyNode
{
    private readonly List<XmlBodyNode> children = [];
    private string? text;
    private bool nil;

    private XmlBodyNode(string name, string path)
        : base(path)
    {
        Name = name;
    }

    public string Name { get; }

    public override bool IsNull => nil;

    /// <summary>Reads the document element and everything below it. DTDs are refused.</summary>
    public static XmlBodyNode Load(Stream stream, int maxCharacters)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            IgnoreWhitespace = true,
            MaxCharactersInDocument = maxCharacters,
            MaxCharactersFromEntities = 0,
            CloseInput = false,
        };
        using var reader = XmlReader.Create(stream, settings);
        reader.MoveToContent();
        var root = new XmlBodyNode(reader.LocalName, string.Empty);
        root.ReadContent(reader);
        return root;
    }

    public override BodyNode? Member(string name)
    {
        foreach (var child in children)
        {
            if (string.Equals(child.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return child;
            }
        }

        return null;
    }

    public override IEnumerable<BodyNode> Items() => children;

    public override IEnumerable<KeyValuePair<string, BodyNode>> Entries()
    {
        foreach (var child in children)
        {
            if (child.Name.EndsWith("KeyValuePair", StringComparison.OrdinalIgnoreCase) && child.Member("Key") is XmlBodyNode key)
            {
                var name = key.text ?? throw Expected("a list of Key/Value pairs with a Key");
                var value = child.Member("Value") ?? throw Expected("a list of Key/Value pairs with a Value");
                yield return new(name, value);
            }
            else
            {
                yield return new(child.Name, child);
            }
        }
    }

    public override int GetInt32() =>
        children.Count == 0 && !nil && int.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Expected("an integer");

    public override bool GetBoolean() => children.Count == 0 && !nil ? text?.Trim() switch
    {
        "true" or "1" => true,
        "false" or "0" => false,
        _ => throw Expected("true or false"),
    } : throw Expected("true or false");

    public override string? GetString() => nil ? null : children.Count == 0 ? text ?? string.Empty : throw Expected("a string");

    private void ReadContent(XmlReader reader)
    {
        nil = reader.GetAttribute("nil", "http://www.w3.org/2001/XMLSchema-instance") is { } value && XmlConvert.ToBoolean(value.Trim());
        if (reader.IsEmptyElement)
        {
            reader.Read();
            return;
        }

        reader.Read();
        var counts = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        while (reader.NodeType != XmlNodeType.EndElement)
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.Element:
                    var name = reader.LocalName;
                    var seen = counts.GetValueOrDefault(name);
                    counts[name] = seen + 1;
                    var child = new XmlBodyNode(name, seen == 0 ? Join(Path, name) : Index(Join(Path, name), seen));
                    child.ReadContent(reader);
                    children.Add(child);
                    break;
                case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.SignificantWhitespace:
                    text += reader.Value;
                    reader.Read();
                    break;
                default:
                    reader.Read();
                    break;
            }
        }

        reader.ReadEndElement();
    }
}

/// <summary>
/// An application/x-www-form-urlencoded body as a tree: <c>ChatPresence[0][UserId]=7</c> and
/// <c>ChatPresence[0].UserId=7</c> both give ChatPresence → 0 → UserId. Arrays are nodes whose keys are all
/// indexes (ordered numerically).
/// </summary>
public sealed class FormBodyNode : BodyNode
{
    private readonly Dictionary<string, FormBodyNode> children = new(StringComparer.OrdinalIgnoreCase);
    private string? value;

    private FormBodyNode(string path)
        : base(path)
    {
    }

    public override bool IsNull => false;

    public static FormBodyNode Build(IEnumerable<KeyValuePair<string, string>> fields)
    {
        var root = new FormBodyNode(string.Empty);
        foreach (var (key, fieldValue) in fields)
        {
            var node = root;
            foreach (var segment in Split(key))
            {
                if (node.value is not null)
                {
                    throw new BindingException($"form field '{key}' is both a value and a structure");
                }

                if (!node.children.TryGetValue(segment, out var child))
                {
                    var path = int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                        ? Index(node.Path, index)
                        : Join(node.Path, segment);
                    child = new FormBodyNode(path);
                    node.children[segment] = child;
                }

                node = child;
            }

            if (node.children.Count > 0 || ReferenceEquals(node, root))
            {
                throw new BindingException($"form field '{key}' is both a value and a structure");
            }

            // The last value of a repeated field wins.
            node.value = fieldValue;
        }

        return root;
    }

    public override BodyNode? Member(string name) =>
        value is not null ? throw Expected("an object") : children.GetValueOrDefault(name);

    public override IEnumerable<BodyNode> Items()
    {
        if (value is not null)
        {
            throw Expected("an array");
        }

        var items = new List<(int Index, FormBodyNode Node)>(children.Count);
        foreach (var (key, child) in children)
        {
            if (!int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                throw Expected("an array (indexed fields such as [0])");
            }

            items.Add((index, child));
        }

        return items.OrderBy(i => i.Index).Select(i => (BodyNode)i.Node);
    }

    public override IEnumerable<KeyValuePair<string, BodyNode>> Entries() =>
        value is not null ? throw Expected("an object") : children.Select(c => new KeyValuePair<string, BodyNode>(c.Key, c.Value));

    public override int GetInt32() =>
        int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) ? number : throw Expected("an integer");

    public override bool GetBoolean() => value?.Trim().ToLowerInvariant() switch
    {
        "true" or "1" => true,
        "false" or "0" => false,
        _ => throw Expected("true or false"),
    };

    public override string? GetString() => value ?? throw Expected("a string");

    /// <summary><c>a[0][b]</c>, <c>a[0].b</c>, <c>[0][b]</c>, <c>[0].b</c> → a, 0, b.</summary>
    public static List<string> Split(string key)
    {
        var segments = new List<string>();
        var i = 0;
        while (i < key.Length)
        {
            if (key[i] == '[')
            {
                var close = key.IndexOf(']', i + 1);
                if (close < 0)
                {
                    throw new BindingException($"form field '{key}' has an unclosed '['");
                }

                segments.Add(key[(i + 1)..close]);
                i = close + 1;
            }
            else if (key[i] == '.')
            {
                i++;
            }
            else
            {
                var end = key.IndexOfAny(['[', '.'], i);
                end = end < 0 ? key.Length : end;
                segments.Add(key[i..end]);
                i = end;
            }
        }

        if (segments.Count == 0 || segments.Exists(s => s.Length == 0))
        {
            throw new BindingException($"form field '{key}' is not a valid name");
        }

        return segments;
    }
}
