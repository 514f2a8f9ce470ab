namespace ChatPresence.Domain.Directory;

/// <summary>What a chat user may do in the service as a whole.</summary>
public enum ChatRole
{
    Agent = 0,
    Manager = 1,
    Administrator = 2,
}

/// <summary>A person who may take part in chat. Only users with <see cref="ChatAccess"/> are chat users.</summary>
public sealed record ChatUser(int Id, string LoginName, string DisplayName, ChatRole Role, bool ChatAccess);

/// <summary>A user's part in one topic. Any of the four flags makes the topic one of the user's chat topics.</summary>
public sealed record TopicMembership(int TopicId, int UserId, bool CanRespond, bool Notifications, bool Listen, bool Manager)
{
    public bool CountsAsMember => CanRespond || Notifications || Listen || Manager;
}

/// <summary>A chat topic (a queue customers write to) and when it is open.</summary>
public sealed record ChatTopic(int Id, string Name, OpeningHours OpeningHours);

/// <summary>Everything the directory file provisions: users, topics, memberships and ongoing chat counts.</summary>
public sealed record ChatDirectory(
    IReadOnlyList<ChatUser> Users,
    IReadOnlyList<ChatTopic> Topics,
    IReadOnlyList<TopicMembership> Memberships,
    IReadOnlyDictionary<int, int> OngoingChats);
