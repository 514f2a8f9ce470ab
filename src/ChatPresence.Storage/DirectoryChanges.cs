using ChatPresence.Domain.Directory;

namespace ChatPresence.Storage;

/// <summary>A topic as stored: opening hours in their stored JSON form, so comparing is comparing text.</summary>
internal sealed record StoredTopic(int Id, string Name, string OpeningHoursJson)
{
    /// <summary>A directory from the rows as read (the same for every engine).</summary>
    public static ChatDirectory Assemble(IReadOnlyList<ChatUser> users, IEnumerable<StoredTopic> topics, IReadOnlyList<TopicMembership> memberships, IReadOnlyDictionary<int, int> ongoing) =>
        new(users, topics.Select(t => new ChatTopic(t.Id, t.Name, Storage.OpeningHoursJson.Read(t.OpeningHoursJson))).ToArray(), memberships, ongoing);
}

/// <summary>
/// The difference between what a store holds and a directory to import. Computed before writing anything so an
/// import that changes nothing writes nothing and leaves the change stamp where it was. Engine-neutral.
/// </summary>
internal sealed class DirectoryChanges
{
    public List<int> RemovedUsers { get; } = [];

    /// <summary>New users and users with any changed field.</summary>
    public List<ChatUser> UpsertedUsers { get; } = [];

    /// <summary>
    /// Existing users whose login key changes. Their old keys are parked first, so two users swapping login
    /// names do not trip the unique constraint in between.
    /// </summary>
    public List<int> RelabelledUsers { get; } = [];

    public List<int> RemovedTopics { get; } = [];

    public List<StoredTopic> UpsertedTopics { get; } = [];

    public List<(int TopicId, int UserId)> RemovedMemberships { get; } = [];

    public List<TopicMembership> UpsertedMemberships { get; } = [];

    public List<int> RemovedOngoing { get; } = [];

    public List<(int UserId, int Count)> UpsertedOngoing { get; } = [];

    public bool IsEmpty =>
        RemovedUsers.Count == 0 && UpsertedUsers.Count == 0 && RemovedTopics.Count == 0 && UpsertedTopics.Count == 0
        && RemovedMemberships.Count == 0 && UpsertedMemberships.Count == 0 && RemovedOngoing.Count == 0 && UpsertedOngoing.Count == 0;

    public static DirectoryChanges Between(
        IReadOnlyCollection<ChatUser> currentUsers,
        IReadOnlyCollection<StoredTopic> currentTopics,
        IReadOnlyCollection<TopicMembership> currentMemberships,
        IReadOnlyDictionary<int, int> currentOngoing,
        ChatDirectory desired)
    {
        var changes = new DirectoryChanges();

        var users = currentUsers.ToDictionary(u => u.Id);
        var desiredUserIds = desired.Users.Select(u => u.Id).ToHashSet();
        changes.RemovedUsers.AddRange(users.Keys.Where(id => !desiredUserIds.Contains(id)));
        foreach (var user in desired.Users)
        {
            if (!users.TryGetValue(user.Id, out var existing))
            {
                changes.UpsertedUsers.Add(user);
            }
            else if (existing != user)
            {
                changes.UpsertedUsers.Add(user);
                if (DirectoryFile.LoginKey(existing.LoginName) != DirectoryFile.LoginKey(user.LoginName))
                {
                    changes.RelabelledUsers.Add(user.Id);
                }
            }
        }

        var topics = currentTopics.ToDictionary(t => t.Id);
        var desiredTopicIds = desired.Topics.Select(t => t.Id).ToHashSet();
        changes.RemovedTopics.AddRange(topics.Keys.Where(id => !desiredTopicIds.Contains(id)));
        foreach (var topic in desired.Topics)
        {
            var stored = new StoredTopic(topic.Id, topic.Name, OpeningHoursJson.Write(topic.OpeningHours));
            if (!topics.TryGetValue(topic.Id, out var existing) || existing != stored)
            {
                changes.UpsertedTopics.Add(stored);
            }
        }

        var memberships = currentMemberships.ToDictionary(m => (m.TopicId, m.UserId));
        var desiredMemberships = desired.Memberships.Select(m => (m.TopicId, m.UserId)).ToHashSet();
        changes.RemovedMemberships.AddRange(memberships.Keys.Where(key => !desiredMemberships.Contains(key)));
        changes.UpsertedMemberships.AddRange(desired.Memberships.Where(m =>
            !memberships.TryGetValue((m.TopicId, m.UserId), out var existing) || existing != m));

        changes.RemovedOngoing.AddRange(currentOngoing.Keys.Where(id => !desired.OngoingChats.ContainsKey(id)));
        foreach (var (userId, count) in desired.OngoingChats)
        {
            if (!currentOngoing.TryGetValue(userId, out var existing) || existing != count)
            {
                changes.UpsertedOngoing.Add((userId, count));
            }
        }

        return changes;
    }
}
