using System.ComponentModel.DataAnnotations;

namespace ChatPresence.Rest;

/// <summary>Settings of the REST facade (configuration section <c>ChatPresence:Rest</c>).</summary>
internal sealed class RestOptions
{
    public const string SectionName = "ChatPresence:Rest";

    /// <summary>Largest request body accepted, in bytes; a larger one is refused with 413.</summary>
    [Range(1, int.MaxValue)]
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Deepest nesting of a body (XML elements, JSON arrays/objects, form key segments); deeper is 400.</summary>
    [Range(1, int.MaxValue)]
    public int MaxBodyDepth { get; set; } = Binding.BodyLimits.DefaultMaxDepth;

    /// <summary>Most values in one body (XML elements and attributes, JSON tokens, form key segments); more is 400.</summary>
    [Range(1, int.MaxValue)]
    public int MaxBodyNodes { get; set; } = Binding.BodyLimits.DefaultMaxNodes;

    /// <summary>Longest name in a body (element, attribute, property, form key segment), in characters; longer is 400.</summary>
    [Range(1, int.MaxValue)]
    public int MaxBodyNameLength { get; set; } = Binding.BodyLimits.DefaultMaxNameLength;

    /// <summary>Longest text or string value in a body, in characters; longer is 400.</summary>
    [Range(1, int.MaxValue)]
    public int MaxBodyStringLength { get; set; } = Binding.BodyLimits.DefaultMaxStringLength;

    /// <summary>The quotas above as one value for the body readers.</summary>
    public Binding.BodyLimits BodyLimits => new(MaxBodyBytes, MaxBodyDepth, MaxBodyNodes, MaxBodyNameLength, MaxBodyStringLength);

    /// <summary>How many serialized presence replies are kept (keyed by list tag, media type and $select).</summary>
    [Range(1, int.MaxValue)]
    public int ReplyCacheEntries { get; set; } = 1024;

    /// <summary>
    /// How many bytes the cached replies may take together (oldest dropped first): a reply grows with the directory
    /// and each agent has a rights view of their own, so the entry count alone does not bound memory.
    /// </summary>
    [Range(1L, long.MaxValue)]
    public long ReplyCacheBytes { get; set; } = Formatting.ReplyCache.DefaultMaxBytes;

    /// <summary>
    /// A presence reply with more rows than this is streamed to the client as it is written and not cached, so a very
    /// large directory does not hold whole replies in memory.
    /// </summary>
    [Range(0, int.MaxValue)]
    public int StreamRepliesAboveRows { get; set; } = 10_000;

    /// <summary>
    /// Send presence replies gzip- or Brotli-compressed to clients whose <c>Accept-Encoding</c> allows it (cached
    /// replies are compressed once per cache entry). Logins and error bodies are never compressed.
    /// </summary>
    public bool CompressReplies { get; set; } = true;

    /// <summary>A presence reply smaller than this is sent uncompressed whatever the client accepts.</summary>
    [Range(0, int.MaxValue)]
    public int CompressionMinimumBytes { get; set; } = 1024;

    /// <summary>A comment line is sent on an event stream after this long without events (keeps proxies from closing it).</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "3650.00:00:00")]
    public TimeSpan StreamHeartbeat { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often an open event stream checks its credential again (a revoked or expired ticket ends it).</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "3650.00:00:00")]
    public TimeSpan StreamRecheck { get; set; } = TimeSpan.FromSeconds(5);
}
