namespace ChatPresence.Rest;

/// <summary>Settings of the REST facade (configuration section <c>ChatPresence:Rest</c>).</summary>
public sealed class RestOptions
{
    public const string SectionName = "ChatPresence:Rest";

    /// <summary>Largest request body accepted, in bytes; a larger one is refused with 413.</summary>
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>How many serialized presence replies are kept (keyed by list tag, media type and $select).</summary>
    public int ReplyCacheEntries { get; set; } = 1024;
}
