using System.ComponentModel.DataAnnotations;

namespace ChatPresence.Soap;

/// <summary>Settings of the SOAP facade (configuration section <c>ChatPresence:Soap</c>).</summary>
public sealed class SoapOptions
{
    public const string SectionName = "ChatPresence:Soap";

    /// <summary>Largest request body accepted; larger is 413.</summary>
    [Range(1, int.MaxValue)]
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Deepest element nesting accepted (the envelope is depth 0).</summary>
    [Range(1, int.MaxValue)]
    public int MaxDepth { get; set; } = 32;

    /// <summary>Longest element name (prefix or local name) accepted.</summary>
    [Range(1, int.MaxValue)]
    public int MaxNameLength { get; set; } = 256;

    /// <summary>Longest text value accepted.</summary>
    [Range(1, int.MaxValue)]
    public int MaxStringLength { get; set; } = 64 * 1024;

    /// <summary>How many serialized GetChatPresence replies are kept.</summary>
    [Range(0, int.MaxValue)]
    public int ReplyCacheEntries { get; set; } = 256;

    /// <summary>
    /// How many bytes the cached GetChatPresence replies may take together: a reply grows with the directory and
    /// each agent has a rights view of their own, so the entry count alone does not bound memory.
    /// </summary>
    [Range(1L, long.MaxValue)]
    public long ReplyCacheBytes { get; set; } = ReplyCache.DefaultMaxBytes;

    /// <summary>
    /// A GetChatPresence reply with more rows than this is streamed to the client as it is written and not cached,
    /// so a very large directory neither delays the first byte nor holds the whole reply in memory.
    /// </summary>
    [Range(0, int.MaxValue)]
    public int StreamRepliesAboveRows { get; set; } = 10_000;

    /// <summary>
    /// How many bytes of encoded GetChatPresence rows are kept across data versions (one block per rights view and
    /// language), so that a reply written without the reply cache (cache off, or the first read after a save)
    /// copies the unchanged rows and encodes only the rows that differ. 0 switches it off.
    /// </summary>
    [Range(0L, long.MaxValue)]
    public long RowFragmentCacheBytes { get; set; } = ReplyCache.DefaultMaxBytes;

    /// <summary>
    /// Send GetChatPresence replies gzip- or Brotli-compressed to clients whose <c>Accept-Encoding</c> allows it
    /// (cached replies are compressed once per cache entry). Other replies (logins, saves, faults) are never compressed.
    /// </summary>
    public bool CompressReplies { get; set; } = true;

    /// <summary>A GetChatPresence reply smaller than this is sent uncompressed whatever the client accepts.</summary>
    [Range(0, int.MaxValue)]
    public int CompressionMinimumBytes { get; set; } = 1024;

    /// <summary>
    /// Send stack traces in ExceptionInfo. Null means: only when the host environment is Development.
    /// </summary>
    public bool? IncludeExceptionDetail { get; set; }
}
