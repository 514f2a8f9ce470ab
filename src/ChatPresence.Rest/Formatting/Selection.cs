using System.Text;

namespace ChatPresence.Rest.Formatting;

/// <summary>
/// A parsed <c>$select</c>: which members of a ChatPresence (and, by <c>a/b</c> paths, of its nested objects)
/// keep their values. Names are case-insensitive; members not selected are written as null (reference types) or
/// their default (value types), never removed. Names that match no member are ignored. <see cref="All"/> selects
/// everything (no <c>$select</c>, or an empty one).
/// </summary>
internal sealed class Selection
{
    /// <summary>Everything is selected.</summary>
    public static readonly Selection All = new(null);

    /// <summary>Nothing is selected.</summary>
    public static readonly Selection Nothing = new(new Dictionary<string, Selection>(StringComparer.OrdinalIgnoreCase));

    // The members a ChatPresence has, and those of its nested types; FieldProperties' children are dictionary keys.
    private static readonly Shape TableRightShape = new(["Mask", "Reason"], null);
    private static readonly Shape FieldRightShape = new(["Mask", "Reason"], null);
    private static readonly Shape FieldPropertyShape = new(["FieldRight", "FieldType", "FieldLength"], new() { ["FieldRight"] = FieldRightShape });
    private static readonly Shape FieldPropertiesShape = new(null, null) { AnyKey = FieldPropertyShape };

    /// <summary>The members of a ChatPresence, and how deep paths may go below each.</summary>
    public static readonly Shape ChatPresenceShape = new(
        ["UserId", "DisplayName", "OngoingChats", "Present", "ChatTopics", "TableRight", "FieldProperties"],
        new() { ["TableRight"] = TableRightShape, ["FieldProperties"] = FieldPropertiesShape });

    private readonly Dictionary<string, Selection>? children;

    private Selection(Dictionary<string, Selection>? children)
    {
        this.children = children;
    }

    public bool IsAll => children is null;

    /// <summary>A canonical text for this selection (equal selections give equal keys): a cache key.</summary>
    public string Key { get; private init; } = "*";

    /// <summary>Whether the member keeps its value (wholly or in part).</summary>
    public bool Has(string member) => children is null || children.ContainsKey(member);

    /// <summary>The selection below <paramref name="member"/>: All when it is wholly selected, Nothing when not at all.</summary>
    public Selection Child(string member) =>
        children is null ? All : children.TryGetValue(member, out var child) ? child : Nothing;

    /// <summary>Parses a <c>$select</c> value against <see cref="ChatPresenceShape"/>.</summary>
    public static Selection Parse(string? select) => Parse(select, ChatPresenceShape);

    public static Selection Parse(string? select, Shape shape)
    {
        if (string.IsNullOrWhiteSpace(select))
        {
            return All;
        }

        var root = new Builder();
        foreach (var path in select.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var node = root;
            Shape? level = shape;
            var segments = path.Split('/', StringSplitOptions.TrimEntries);
            for (var i = 0; i < segments.Length && node is not null; i++)
            {
                var name = level?.Canonical(segments[i]);
                if (name is null)
                {
                    // Unknown member (or a path below a leaf): ignored.
                    break;
                }

                if (node.Children is null)
                {
                    // An ancestor is already wholly selected.
                    break;
                }

                var last = i == segments.Length - 1;
                if (!node.Children.TryGetValue(name, out var child))
                {
                    child = new Builder();
                    node.Children[name] = child;
                }

                if (last)
                {
                    child.Children = null;
                }

                node = child;
                level = level!.Below(name);
            }
        }

        return root.Build();
    }

    /// <summary>What a level of the carrier has: fixed member names, or any dictionary key.</summary>
    public sealed class Shape(string[]? members, Dictionary<string, Shape>? nested)
    {
        public Shape? AnyKey { get; init; }

        internal string? Canonical(string name)
        {
            if (name.Length == 0)
            {
                return null;
            }

            if (members is null)
            {
                // Dictionary keys: identifiers only, so that the canonical key stays unambiguous.
                return AnyKey is not null && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') ? name : null;
            }

            foreach (var member in members)
            {
                if (string.Equals(member, name, StringComparison.OrdinalIgnoreCase))
                {
                    return member;
                }
            }

            return null;
        }

        internal Shape? Below(string name) => AnyKey ?? nested?.GetValueOrDefault(name);
    }

    private sealed class Builder
    {
        public Dictionary<string, Builder>? Children { get; set; } = new(StringComparer.OrdinalIgnoreCase);

        public Selection Build()
        {
            if (Children is null)
            {
                return All;
            }

            var built = new Dictionary<string, Selection>(StringComparer.OrdinalIgnoreCase);
            foreach (var (name, child) in Children)
            {
                built[name] = child.Build();
            }

            var key = new StringBuilder("(");
            foreach (var name in built.Keys.Order(StringComparer.OrdinalIgnoreCase))
            {
                key.Append(name.ToUpperInvariant());
                var child = built[name];
                if (!child.IsAll)
                {
                    key.Append(child.Key);
                }

                key.Append(',');
            }

            return new Selection(built) { Key = key.Append(')').ToString() };
        }
    }
}
