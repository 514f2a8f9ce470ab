using ChatPresence.Domain;
using ChatPresence.Domain.Directory;
using ChatPresence.Domain.Presence;

namespace ChatPresence.Bench;

/// <summary>
/// Presence lists as the domain cache hands them out: built by a real <see cref="DirectoryView"/> over a generated
/// directory (an administrator plus agents in two topics, some with ongoing chats), seen by an agent (one writable row).
/// </summary>
public static class PresenceLists
{
    /// <param name="flippedUser">A user whose presence is the opposite: the list after one save.</param>
    public static PresenceList For(int users, int? flippedUser = null, long changeStamp = 42)
    {
        var people = new List<ChatUser> { new(1, "admin", "Ada Admin", ChatRole.Administrator, true) };
        var memberships = new List<TopicMembership>();
        var ongoing = new Dictionary<int, int>();
        var presence = new Dictionary<int, bool>();
        for (var id = 2; id <= users; id++)
        {
            people.Add(new ChatUser(id, "agent" + id, "Agent Number " + id, ChatRole.Agent, true));
            memberships.Add(new TopicMembership(1 + (id % 2), id, CanRespond: true, Notifications: false, Listen: false, Manager: false));
            if (id % 3 == 0)
            {
                memberships.Add(new TopicMembership(2 - (id % 2), id, CanRespond: false, Notifications: false, Listen: true, Manager: false));
            }

            if (id % 4 != 0)
            {
                ongoing[id] = id % 4;
            }

            presence[id] = (id % 2 == 0) != (id == flippedUser);
        }

        var topics = new[] { new ChatTopic(1, "Sales", OpeningHours.AlwaysOpen), new ChatTopic(2, "Support", OpeningHours.AlwaysOpen) };
        var view = new DirectoryView(new DirectorySnapshot(changeStamp, new ChatDirectory(people, topics, memberships, ongoing), presence));
        return view.ListFor(view.FindUser(2)!, "en");
    }
}
