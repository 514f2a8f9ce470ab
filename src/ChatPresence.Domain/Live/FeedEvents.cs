using System.ComponentModel.DataAnnotations;

using ChatPresence.Domain.Directory;
using ChatPresence.Domain.Presence;

namespace ChatPresence.Domain.Live;

/// <summary>What a feed event says.</summary>
public enum FeedEventKind
{
    /// <summary>A chat user's row changed or appeared (Present, OngoingChats, ChatTopics, DisplayName).</summary>
    Presence,

    /// <summary>A chat user is no longer listed (removed by an import, or lost chat access).</summary>
    Removed,

    /// <summary>A topic opened or closed, appeared, was renamed or removed.</summary>
    Topic,
}

/// <summary>A topic as a live board shows it: open now, and today's open periods in the topic's own time zone.</summary>
public sealed record TopicState(int TopicId, string Name, bool Open, bool AlwaysOpen, string TimeZone, IReadOnlyList<(TimeOnly From, TimeOnly To)> Today, bool Removed = false)
{
    public static TopicState Of(ChatTopic topic, DateTimeOffset now) =>
        new(topic.Id, topic.Name, topic.OpeningHours.IsOpenAt(now), !topic.OpeningHours.Enabled, topic.OpeningHours.TimeZoneId, topic.OpeningHours.PeriodsOn(now));

    /// <summary>Whether a board would show something different (today's periods follow from the rest).</summary>
    public bool SameAs(TopicState other) =>
        Name == other.Name && Open == other.Open && AlwaysOpen == other.AlwaysOpen && Removed == other.Removed;
}

/// <summary>
/// One change, as the feed keeps it for every caller: rows as nobody may save them (each stream marks its caller's
/// rights), so the ring of recent events is shared by all streams.
/// </summary>
public sealed record FeedEvent(long Sequence, FeedEventKind Kind, int Id, PresenceRow? Row, TopicState? Topic);

/// <summary>
/// One event as one caller receives it: <see cref="Row"/> is writable when that caller may save it, and
/// <see cref="Language"/> is the caller's (the language its rights texts are written in; empty for an event without a row).
/// </summary>
public sealed record StreamEvent(string Id, FeedEventKind Kind, int SubjectId, PresenceRow? Row, TopicState? Topic, string Language);

/// <summary>
/// What a stream writes next: a snapshot (the caller's whole presence list, at the moment <see cref="SnapshotId"/>),
/// or events; <see cref="Ended"/> when the caller is no longer a user.
/// </summary>
public sealed record PresenceBatch(PresenceList? Snapshot, string? SnapshotId, IReadOnlyList<StreamEvent> Events, bool Ended = false)
{
    public static readonly PresenceBatch End = new(null, null, [], Ended: true);
}

/// <summary>Bounds of the live feed (<c>ChatPresence:Live</c>).</summary>
public sealed class PresenceFeedOptions
{
    public const string Section = "ChatPresence:Live";

    /// <summary>Recent events kept for <c>Last-Event-ID</c> resumes; an older gap gets a fresh snapshot.</summary>
    [Range(1, int.MaxValue)]
    public int ResumeEvents { get; set; } = 1024;

    /// <summary>Events one stream may have waiting; a slower client gets a fresh snapshot instead (no unbounded memory).</summary>
    [Range(1, int.MaxValue)]
    public int StreamCapacity { get; set; } = 256;

    /// <summary>How often the store's change stamp is read while streams are open (another host's saves arrive this late).</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "3650.00:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);
}

/// <summary>The caller and the topics, for a board's header (today's hours are not in the presence rows).</summary>
public sealed record BoardHeader(ChatUser User, IReadOnlyList<TopicState> Topics);
