using System.Collections.Concurrent;
using ChatPresence.Compression;

namespace ChatPresence.Soap;

/// <summary>
/// Serialized GetChatPresence replies keyed by (SOAP version, <see cref="Domain.Presence.PresenceList.Tag"/>,
/// TimeZone echo). The tag is a content key (equal tag means equal rows, rights and language), so a hit can never be
/// stale presence or another caller's rights. Bounded in entries and in bytes (a reply grows with the directory, and
/// every agent has a rights view of their own): when either is reached it starts over. An entry keeps its compressed
/// forms beside the identity bytes once a client has asked for them (<see cref="EncodedReply"/>), counted in the bytes.
/// </summary>
public sealed class ReplyCache(int capacity, long maxBytes = ReplyCache.DefaultMaxBytes)
{
    public const long DefaultMaxBytes = 64L * 1024 * 1024;

    private readonly ConcurrentDictionary<Key, EncodedReply> entries = new();
    private readonly Lock adding = new();
    private long bytes;

    public int Count => entries.Count;

    /// <summary>False when configured with no entries: then a reply is never copied for keeping.</summary>
    public bool IsEnabled => capacity > 0 && maxBytes > 0;

    public bool TryGet(SoapVersion version, string tag, TimeZoneEcho timeZone, out byte[] reply)
    {
        var found = TryGetEncoded(version, tag, timeZone, out var encoded);
        reply = found ? encoded.Identity : [];
        return found;
    }

    internal bool TryGetEncoded(SoapVersion version, string tag, TimeZoneEcho timeZone, out EncodedReply reply) =>
        entries.TryGetValue(new Key(version.Is12, tag, timeZone), out reply!);

    /// <summary>Whether a reply of <paramref name="length"/> bytes would be kept (callers copy it only then).</summary>
    public bool Accepts(int length) => IsEnabled && length <= maxBytes;

    public void Add(SoapVersion version, string tag, TimeZoneEcho timeZone, byte[] reply) =>
        Add(version, tag, timeZone, new EncodedReply(reply));

    internal void Add(SoapVersion version, string tag, TimeZoneEcho timeZone, EncodedReply reply)
    {
        if (!Accepts(reply.Identity.Length))
        {
            return;
        }

        lock (adding)
        {
            if (entries.Count >= capacity || bytes + reply.Identity.Length > maxBytes)
            {
                // Tags move with every committed write, so old entries are dead weight: starting over is cheap and bounded.
                entries.Clear();
                bytes = 0;
            }

            if (entries.TryAdd(new Key(version.Is12, tag, timeZone), reply))
            {
                bytes += reply.Identity.Length;
            }
        }
    }

    /// <summary>
    /// Counts a compressed form just made for a kept entry; over the byte budget, the cache starts over (the form
    /// itself is still served, by its caller).
    /// </summary>
    internal void Compressed(int length)
    {
        lock (adding)
        {
            bytes += length;
            if (bytes > maxBytes)
            {
                entries.Clear();
                bytes = 0;
            }
        }
    }

    private readonly record struct Key(bool Soap12, string Tag, TimeZoneEcho TimeZone);
}
