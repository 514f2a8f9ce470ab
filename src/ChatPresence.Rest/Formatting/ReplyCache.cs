using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using ChatPresence.Compression;
using ChatPresence.Contract.Rights;
using ChatPresence.Domain.Presence;
using ChatPresence.Domain.Telemetry;

namespace ChatPresence.Rest.Formatting;

/// <summary>A serialized presence reply and its strong ETag (of the identity bytes; coded forms add a suffix).</summary>
internal sealed class CachedReply(byte[] body, string etag, string contentType)
{
    public byte[] Body => Encoded.Identity;

    /// <summary>The body and its compressed forms, each made at most once.</summary>
    internal EncodedReply Encoded { get; } = new(body);

    public string ETag { get; } = etag;

    public string ContentType { get; } = contentType;
}

/// <summary>
/// Serialized presence replies keyed by (<see cref="PresenceList.Tag"/>, media type, <c>$select</c> key).
/// The list tag is equal exactly when the content is (data version, rights view, language), so an entry never
/// goes stale: a change makes a new tag. Bounded in entries and in bytes (a reply grows with the directory, and every
/// agent has a rights view of their own): when either is exceeded, the oldest entries are dropped first. The bytes
/// counted are the identity bodies; compressed forms made on demand add typically a thirtieth to a hundredth more.
/// </summary>
internal sealed class ReplyCache(int capacity, long maxBytes = ReplyCache.DefaultMaxBytes, string etagScope = "")
{
    public const long DefaultMaxBytes = 64L * 1024 * 1024;

    private readonly ConcurrentDictionary<Key, CachedReply> entries = new();
    private readonly Queue<Key> order = new();
    private readonly Lock adding = new();
    private readonly int capacity = Math.Max(1, capacity);
    private long bytes;

    public int Count => entries.Count;

    public CachedReply Get(PresenceList list, ReplyFormat format, Selection selection)
    {
        var key = new Key(list.Tag, format.MediaType, selection.Key);
        if (entries.TryGetValue(key, out var reply))
        {
            ChatPresenceMetrics.PresenceRead("rest", fromCache: true, reply.Body.Length);
            return reply;
        }

        reply = Build(list, format, selection);
        ChatPresenceMetrics.PresenceRead("rest", fromCache: false, reply.Body.Length);
        if (reply.Body.Length > maxBytes)
        {
            return reply;
        }

        lock (adding)
        {
            if (entries.TryAdd(key, reply))
            {
                order.Enqueue(key);
                bytes += reply.Body.Length;
                while ((entries.Count > capacity || bytes > maxBytes) && order.TryDequeue(out var oldest))
                {
                    if (entries.TryRemove(oldest, out var removed))
                    {
                        bytes -= removed.Body.Length;
                    }
                }
            }
        }

        return reply;
    }

    /// <summary>
    /// A strong validator for one representation: a hash of the list tag, the media type and the selection, so it
    /// differs between JSON and XML and between selections, and changes with any change of the data or of the
    /// caller's rights view.
    /// </summary>
    public string ETagFor(string tag, string mediaType, string selectionKey) => ETagFor(etagScope, tag, mediaType, selectionKey);

    /// <param name="scope">Set apart the validators of directories served side by side (<see cref="ReplyScope"/>); empty: none.</param>
    private static string ETagFor(string scope, string tag, string mediaType, string selectionKey)
    {
        var text = Encoding.UTF8.GetBytes((scope.Length == 0 ? tag : scope + "\n" + tag) + "\n" + mediaType + "\n" + selectionKey);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(text, hash);
        return "\"" + Convert.ToBase64String(hash[..18]).Replace('+', '-').Replace('/', '_') + "\"";
    }

    private CachedReply Build(PresenceList list, ReplyFormat format, Selection selection)
    {
        var rights = ReplyRights.For(list.Language);
        var body = format.Format == WireFormat.Xml
            ? PresenceXml.Serialize(list.Items, rights, selection)
            : PresenceJson.Serialize(list.Items, rights, selection);
        return new CachedReply(body, ETagFor(list.Tag, format.MediaType, selection.Key), format.ContentType);
    }

    private readonly record struct Key(string Tag, string MediaType, string Selection);
}

/// <summary>
/// Names the directory a host's REST replies come from when it serves several (one per tenant): mixed into every
/// ETag, so equal data versions of two directories never share a validator. Not registered: no scope.
/// </summary>
public sealed class ReplyScope(string name)
{
    public string Name { get; } = name;
}
