using System.Collections.Concurrent;

namespace ChatPresence.Soap;

/// <summary>
/// Serialized GetChatPresence replies keyed by (SOAP version, <see cref="Domain.Presence.ChatPresenceList.Tag"/>,
/// TimeZone echo). The tag is a content key (equal tag means equal rows, rights and language), so a hit can never be
/// stale presence or another caller's rights. Bounded in entries and in bytes (a reply grows with the directory, and
/// every agent has a rights view of their own): when either is reached it starts over.
/// </summary>
public sealed class ReplyCache(int capacity, long maxBytes = ReplyCache.DefaultMaxBytes)
{
    public const long DefaultMaxBytes = 64L * 1024 * 1024;

    private readonly ConcurrentDictionary<Key, byte[]> entries = new();
    private readonly Lock adding = new();
    private long bytes;

    public int Count => entries.Count;

    /// <summary>False when configured with no entries: then a reply is never copied for keeping.</summary>
    public bool IsEnabled => capacity > 0 && maxBytes > 0;

    public bool TryGet(SoapVersion version, string tag, TimeZoneEcho timeZone, out byte[] reply) =>
        entries.TryGetValue(new Key(version.Is12, tag, timeZone), out reply!);

    /// <summary>Whether a reply of <paramref name="length"/> bytes would be kept (callers copy it only then).</summary>
    public bool Accepts(int length) => IsEnabled && length <= maxBytes;

    public void Add(SoapVersion version, string tag, TimeZoneEcho timeZone, byte[] reply)
    {
        if (!Accepts(reply.Length))
        {
            return;
        }

        lock (adding)
        {
            if (entries.Count >= capacity || bytes + reply.Length > maxBytes)
            {
                // Tags move with every committed write, so old entries are dead weight: starting over is cheap and bounded.
                entries.Clear();
                bytes = 0;
            }

            if (entries.TryAdd(new Key(version.Is12, tag, timeZone), reply))
            {
                bytes += reply.Length;
            }
        }
    }

    private readonly record struct Key(bool Soap12, string Tag, TimeZoneEcho TimeZone);
}
