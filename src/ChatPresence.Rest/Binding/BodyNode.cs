using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml;

namespace ChatPresence.Rest.Binding;

/// <summary>Thrown by a <see cref="BodyNode"/> when a value is not what the binder expects; becomes a 400.</summary>
internal sealed class BindingException(string message) : Exception(message);

/// <summary>
/// One value of a request body, whatever its format: JSON element, XML element or form-field tree. The binder is
/// written once against this; each format decides what "object", "array" and "integer" mean for it. Member names
/// are matched case-insensitively.
/// </summary>
internal abstract class BodyNode
{
    private readonly BodyNode? parent;
    private readonly string? member;
    private readonly int index;

    /// <param name="parent">The enclosing value; null for the body itself.</param>
    /// <param name="member">The member name this value is under, if any.</param>
    /// <param name="index">Its position (after the member name, if both), or -1.</param>
    protected BodyNode(BodyNode? parent, string? member, int index)
    {
        this.parent = parent;
        this.member = member;
        this.index = index;
    }

    /// <summary>
    /// Where the value is, for messages: <c>ChatPresence[0].UserId</c>. Built on demand from the parents, so a node
    /// never holds its ancestors' names (a deep body would otherwise cost depth² to read).
    /// </summary>
    public string Path
    {
        get
        {
            var chain = new List<BodyNode>();
            for (var node = this; node?.parent is not null; node = node.parent)
            {
                chain.Add(node);
            }

            var path = new System.Text.StringBuilder();
            for (var i = chain.Count - 1; i >= 0; i--)
            {
                var node = chain[i];
                if (node.member is not null)
                {
                    path.Append(path.Length == 0 ? string.Empty : ".").Append(node.member);
                }

                if (node.index >= 0)
                {
                    path.Append('[').Append(node.index.ToString(CultureInfo.InvariantCulture)).Append(']');
                }
            }

            return path.ToString();
        }
    }

    public abstract bool IsNull { get; }

    /// <summary>The member, or null when absent.</summary>
    public abstract BodyNode? Member(string name);

    public abstract IEnumerable<BodyNode> Items();

    /// <summary>Dictionary entries (JSON object members, XML Key/Value pairs or child elements, form keys).</summary>
    public abstract IEnumerable<KeyValuePair<string, BodyNode>> Entries();

    public abstract int GetInt32();

    public abstract bool GetBoolean();

    public abstract string? GetString();

    protected BindingException Expected(string what)
    {
        var path = Path;
        return new($"{(path.Length == 0 ? "the body" : path)} must be {what}");
    }
}

/// <summary>A JSON body: strict types (an integer must be a JSON number, a boolean true or false).</summary>
internal sealed class JsonBodyNode : BodyNode
{
    private readonly JsonElement element;

    private JsonBodyNode(JsonElement element, BodyNode? parent, string? member, int index)
        : base(parent, member, index)
    {
        this.element = element;
    }

    public override bool IsNull => element.ValueKind == JsonValueKind.Null;

    /// <summary>
    /// Checks the quotas in one forward pass (depth, tokens, name and string lengths, well-formed UTF-16 after
    /// unescaping), then parses. The caller owns nothing: the tree is a private copy.
    /// </summary>
    public static JsonBodyNode Load(ReadOnlyMemory<byte> body, BodyLimits limits)
    {
        var reader = new Utf8JsonReader(body.Span, new JsonReaderOptions { MaxDepth = limits.MaxDepth });
        var nodes = 0;
        while (reader.Read())
        {
            if (++nodes > limits.MaxNodes)
            {
                throw limits.TooManyNodes();
            }

            if (reader.TokenType is JsonTokenType.PropertyName or JsonTokenType.String)
            {
                // Unescaped UTF-8 has at least as many bytes as characters, and must be valid UTF-8 (the reader leaves
                // that to GetString); an escaped value is decoded, which also refuses a lone surrogate such as "\ud800".
                if (!reader.ValueIsEscaped && !System.Text.Unicode.Utf8.IsValid(reader.ValueSpan))
                {
                    throw new BindingException("the JSON has a string that is not valid UTF-8");
                }

                var length = reader.ValueIsEscaped ? DecodedLength(ref reader) : reader.ValueSpan.Length;
                if (length > (reader.TokenType == JsonTokenType.PropertyName ? limits.MaxNameLength : limits.MaxStringLength))
                {
                    throw reader.TokenType == JsonTokenType.PropertyName ? limits.NameTooLong() : limits.StringTooLong();
                }
            }
        }

        using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = limits.MaxDepth });
        return new JsonBodyNode(document.RootElement.Clone(), null, null, -1);
    }

    private static int DecodedLength(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString()!.Length;
        }
        catch (InvalidOperationException)
        {
            throw new BindingException("the JSON has a string that is not valid text (a lone surrogate)");
        }
    }

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
                return new JsonBodyNode(property.Value, this, name, -1);
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
            yield return new JsonBodyNode(item, this, null, index++);
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
            yield return new(property.Name, new JsonBodyNode(property.Value, this, property.Name, -1));
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
internal sealed class XmlBodyNode : BodyNode
{
    private const string InstanceNamespace = "http://www.w3.org/2001/XMLSchema-instance";

    private readonly List<XmlBodyNode> children = [];
    private string? text;
    private bool nil;

    private XmlBodyNode(string name, BodyNode? parent, string? member, int index)
        : base(parent, member, index)
    {
        Name = name;
    }

    public string Name { get; }

    public override bool IsNull => nil;

    /// <summary>
    /// Reads the document element and everything below it, iteratively (an explicit stack, no recursion) within
    /// <paramref name="limits"/>. DTDs are refused; comments and processing instructions are skipped.
    /// </summary>
    public static XmlBodyNode Load(Stream stream, BodyLimits limits)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            IgnoreWhitespace = true,
            MaxCharactersInDocument = limits.MaxBytes,
            MaxCharactersFromEntities = 0,
            CloseInput = false,
        };
        using var reader = XmlReader.Create(stream, settings);
        reader.MoveToContent();
        var nodes = 0;
        var root = Open(reader, null, null, -1, limits, ref nodes);
        if (reader.IsEmptyElement)
        {
            return root;
        }

        // Per open element: the node, how many children of each name it has (for paths), and its text so far.
        var stack = new Stack<(XmlBodyNode Node, Dictionary<string, int>? Counts, StringBuilder? Text)>();
        stack.Push((root, null, null));
        while (reader.Read())
        {
            var (node, counts, pending) = stack.Peek();
            switch (reader.NodeType)
            {
                case XmlNodeType.Element:
                    if (stack.Count >= limits.MaxDepth)
                    {
                        throw limits.TooDeep();
                    }

                    counts ??= new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
                    var seen = counts.GetValueOrDefault(reader.LocalName);
                    counts[reader.LocalName] = seen + 1;
                    var child = Open(reader, node, reader.LocalName, seen == 0 ? -1 : seen, limits, ref nodes);
                    node.children.Add(child);
                    stack.Pop();
                    stack.Push((node, counts, pending));
                    if (!reader.IsEmptyElement)
                    {
                        stack.Push((child, null, null));
                    }

                    break;
                case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.SignificantWhitespace:
                    // Fragments (text split by comments) are collected in one builder: linear, not a copy per fragment.
                    var value = reader.Value;
                    if ((pending?.Length ?? node.text?.Length ?? 0) + value.Length > limits.MaxStringLength)
                    {
                        throw limits.StringTooLong();
                    }

                    if (node.text is null)
                    {
                        node.text = value;
                    }
                    else
                    {
                        pending ??= new StringBuilder(node.text);
                        pending.Append(value);
                        stack.Pop();
                        stack.Push((node, counts, pending));
                    }

                    break;
                case XmlNodeType.EndElement:
                    if (pending is not null)
                    {
                        node.text = pending.ToString();
                    }

                    stack.Pop();
                    if (stack.Count == 0)
                    {
                        return root;
                    }

                    break;
            }
        }

        return root;
    }

    /// <summary>A node for the element the reader is on, its attributes read once (nil, quotas).</summary>
    private static XmlBodyNode Open(XmlReader reader, XmlBodyNode? parent, string? member, int index, BodyLimits limits, ref int nodes)
    {
        if (reader.LocalName.Length > limits.MaxNameLength)
        {
            throw limits.NameTooLong();
        }

        nodes += 1 + reader.AttributeCount;
        if (nodes > limits.MaxNodes)
        {
            throw limits.TooManyNodes();
        }

        var node = new XmlBodyNode(reader.LocalName, parent, member, index);
        if (reader.MoveToFirstAttribute())
        {
            do
            {
                if (reader.LocalName.Length > limits.MaxNameLength)
                {
                    throw limits.NameTooLong();
                }

                if (reader.Value.Length > limits.MaxStringLength)
                {
                    throw limits.StringTooLong();
                }

                if (reader.LocalName == "nil" && reader.NamespaceURI == InstanceNamespace)
                {
                    node.nil = reader.Value.Trim() switch
                    {
                        "true" or "1" => true,
                        "false" or "0" => false,
                        _ => throw node.Expected("marked nil with true or false (i:nil)"),
                    };
                }
            }
            while (reader.MoveToNextAttribute());

            reader.MoveToElement();
        }

        return node;
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
}

/// <summary>
/// An application/x-www-form-urlencoded body as a tree: <c>ChatPresence[0][UserId]=7</c> and
/// <c>ChatPresence[0].UserId=7</c> both give ChatPresence → 0 → UserId. Arrays are nodes whose keys are all
/// indexes (ordered numerically).
/// </summary>
internal sealed class FormBodyNode : BodyNode
{
    private readonly Dictionary<string, FormBodyNode> children = new(StringComparer.OrdinalIgnoreCase);
    private string? value;

    private FormBodyNode(BodyNode? parent, string? member, int index)
        : base(parent, member, index)
    {
    }

    public override bool IsNull => false;

    /// <summary>Builds the tree; key segments count as values towards <see cref="BodyLimits.MaxNodes"/>.</summary>
    public static FormBodyNode Build(IEnumerable<KeyValuePair<string, string>> fields, BodyLimits limits)
    {
        var root = new FormBodyNode(null, null, -1);
        var nodes = 0;
        foreach (var (key, fieldValue) in fields)
        {
            var node = root;
            var segments = Split(key);
            if (segments.Count > limits.MaxDepth)
            {
                throw limits.TooDeep();
            }

            foreach (var segment in segments)
            {
                if (node.value is not null)
                {
                    throw new BindingException($"form field '{key}' is both a value and a structure");
                }

                if (segment.Length > limits.MaxNameLength)
                {
                    throw limits.NameTooLong();
                }

                if (++nodes > limits.MaxNodes)
                {
                    throw limits.TooManyNodes();
                }

                if (!node.children.TryGetValue(segment, out var child))
                {
                    child = int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                        ? new FormBodyNode(node, null, index)
                        : new FormBodyNode(node, segment, -1);
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
