namespace ChatPresence.Domain.Presence;

/// <summary>
/// One chat user's presence as a caller sees it. <see cref="Writable"/> says whether this caller may save this row's
/// <c>Present</c> (decided by <see cref="Rights.SaveRights"/>); how that is shown on the wire is the facades' matter.
/// Rows handed out by <see cref="IChatAgent"/> are shared and immutable; use <c>with</c> to derive a changed copy.
/// </summary>
public sealed record PresenceRow
{
    public int UserId { get; init; }

    public string? DisplayName { get; init; }

    public int OngoingChats { get; init; }

    public bool Present { get; init; }

    public IReadOnlyList<int> ChatTopics { get; init; } = [];

    public bool Writable { get; init; }
}

/// <summary>
/// The answer to GetChatPresence for one caller, in the caller's <see cref="Language"/> (the language the facades
/// write the rows' texts in). <see cref="Tag"/> is equal for two lists exactly when what they show is equal (same
/// data version, same rights view, same language): facades key reply caches and ETags on it.
/// </summary>
public sealed class PresenceList(string tag, string language, IReadOnlyList<PresenceRow> items)
{
    public string Tag { get; } = tag;

    public string Language { get; } = language;

    public IReadOnlyList<PresenceRow> Items { get; } = items;
}

/// <summary>One presence change of a SaveChatPresence call: only these two members are ever persisted.</summary>
public readonly record struct PresenceUpdate(int UserId, bool Present);
