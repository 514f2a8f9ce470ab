using System.Collections.Concurrent;

namespace ChatPresence.Soap;

/// <summary>
/// Serialized GetChatPresence replies keyed by (SOAP version, <see cref="Domain.Presence.ChatPresenceList.Tag"/>,
/// TimeZone echo). The tag is a content key (equal tag means equal rows, rights and language), so a hit can never be
/// stale presence or another caller's rights. Bounded: when full it starts over.
/// </summary>
public sealed class ReplyCache(int capacity)
{
    private readonly ConcurrentDictionary<Key, byte[]> entries = new();

    public int Count => entries.Count;

    /// <summary>False when configured with no entries: then a reply is never copied for keeping.</summary>
    public bool IsEnabled => capacity > 0;

    public bool TryGet(SoapVersion version, string tag, TimeZoneEcho timeZone, out byte[] reply) =>
        entries.TryGetValue(new Key(version.Is12, tag, timeZone), out reply!);

    public void Add(SoapVersion version, string tag, TimeZoneEcho timeZone, byte[] reply)
    {
        if (capacity <= 0)
        {
            return;
        }

        if (entries.Count >= capacity)
        {
            // Tags move with every committed write, so old entries are dead weight: starting over is cheap and bounded.
            entries.Clear();
        }

        entries[new Key(version.Is12, tag, timeZone)] = reply;
    }

    private readonly record struct Key(bool Soap12, string Tag, TimeZoneEcho TimeZone);
}
