namespace ChatPresence.Rest.Binding;

/// <summary>
/// The quotas every request body is read within, whatever its format: bytes (413), and depth, nodes, name and string
/// lengths (400). Readers check them as they go, so a hostile body costs at most time and memory linear in its size.
/// </summary>
/// <param name="MaxBytes">Largest body in bytes.</param>
/// <param name="MaxDepth">Deepest nesting (elements, arrays/objects, form key segments).</param>
/// <param name="MaxNodes">Most values in one body: elements plus attributes, JSON tokens, form fields plus key segments.</param>
/// <param name="MaxNameLength">Longest element, attribute, property or form key segment name, in characters.</param>
/// <param name="MaxStringLength">Longest text or string value, in characters.</param>
internal sealed record BodyLimits(int MaxBytes, int MaxDepth, int MaxNodes, int MaxNameLength, int MaxStringLength)
{
    /// <summary>Only the size is set; the structural quotas are the defaults.</summary>
    public static BodyLimits For(int maxBytes) => new(maxBytes, DefaultMaxDepth, DefaultMaxNodes, DefaultMaxNameLength, DefaultMaxStringLength);

    public const int DefaultMaxDepth = 32;
    public const int DefaultMaxNodes = 100_000;
    public const int DefaultMaxNameLength = 256;
    public const int DefaultMaxStringLength = 65_536;

    public bool IsValid => MaxBytes > 0 && MaxDepth > 0 && MaxNodes > 0 && MaxNameLength > 0 && MaxStringLength > 0;

    internal BindingException TooDeep() => new($"the body is nested deeper than {MaxDepth} levels");

    internal BindingException TooManyNodes() => new($"the body has more than {MaxNodes} values");

    internal BindingException NameTooLong() => new($"the body has a name longer than {MaxNameLength} characters");

    internal BindingException StringTooLong() => new($"the body has a text longer than {MaxStringLength} characters");
}
