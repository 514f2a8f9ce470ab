using ChatPresence.Domain.Rights;

namespace ChatPresence.Domain.Presence;

/// <summary>
/// The ChatPresence carrier of the published contract (wire name "ChatPresence"). Rows handed out by <see cref="IChatAgent"/> are shared
/// and immutable; use <c>with</c> to derive a changed copy.
/// </summary>
public sealed record ChatPresenceCarrier
{
    public TableRight? TableRight { get; init; }
    public FieldPropertyDictionary? FieldProperties { get; init; }
    public int UserId { get; init; }
    public string? DisplayName { get; init; }
    public int OngoingChats { get; init; }
    public bool Present { get; init; }
    public IReadOnlyList<int>? ChatTopics { get; init; }
}

/// <summary>
/// The answer to GetChatPresence for one caller. <see cref="Tag"/> is equal for two lists exactly when their
/// contents are equal (same data version, same rights view, same language): facades key reply caches and
/// ETags on it.
/// </summary>
public sealed class ChatPresenceList(string tag, IReadOnlyList<ChatPresenceCarrier> items)
{
    public string Tag { get; } = tag;
    public IReadOnlyList<ChatPresenceCarrier> Items { get; } = items;
}

/// <summary>One presence change of a SaveChatPresence call: only these two members are ever persisted.</summary>
public readonly record struct PresenceUpdate(int UserId, bool Present);
