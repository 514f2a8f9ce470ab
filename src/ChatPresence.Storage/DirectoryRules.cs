using ChatPresence.Domain.Directory;
using ChatPresence.Domain.Text;

namespace ChatPresence.Storage;

/// <summary>
/// Checks a directory before it is imported, so a bad file is refused with a clear message instead of a constraint
/// error halfway through. Engine-neutral: every store applies the same rules.
/// </summary>
internal static class DirectoryRules
{
    /// <summary>
    /// The key login names are unique on. Upper-invariant matches <see cref="StringComparer.OrdinalIgnoreCase"/>,
    /// which is how the domain looks logins up, and (unlike SQLite's NOCASE) folds non-ASCII letters too.
    /// </summary>
    public static string LoginKey(string loginName) => loginName.ToUpperInvariant();

    public static void Validate(ChatDirectory directory)
    {
        ArgumentNullException.ThrowIfNull(directory);

        // The same text rule the directory file is read with (replies must be able to carry every name).
        if (CarriableText.FirstProblem(directory) is { } problem)
        {
            throw Invalid($"Text at {problem}.");
        }

        var userIds = new HashSet<int>();
        var logins = new HashSet<string>(StringComparer.Ordinal);
        foreach (var user in directory.Users)
        {
            if (string.IsNullOrWhiteSpace(user.LoginName))
            {
                throw Invalid($"User {user.Id} has no login name.");
            }

            if (!userIds.Add(user.Id))
            {
                throw Invalid($"User {user.Id} appears more than once.");
            }

            if (!logins.Add(LoginKey(user.LoginName)))
            {
                throw Invalid($"Login name '{user.LoginName}' is used by more than one user.");
            }

            ArgumentNullException.ThrowIfNull(user.DisplayName);
            if (!Enum.IsDefined(user.Role))
            {
                throw Invalid($"User {user.Id} has an unknown role {(int)user.Role}.");
            }
        }

        var topicIds = new HashSet<int>();
        foreach (var topic in directory.Topics)
        {
            if (!topicIds.Add(topic.Id))
            {
                throw Invalid($"Topic {topic.Id} appears more than once.");
            }

            ArgumentNullException.ThrowIfNull(topic.Name);
            var hours = topic.OpeningHours ?? throw Invalid($"Topic {topic.Id} has no opening hours.");
            if (hours.Days is null || hours.Days.Count != 7 || hours.Days.Any(d => d is null) || hours.Lunch is null || hours.TimeZoneId is null)
            {
                throw Invalid($"Topic {topic.Id} must have a time zone, 7 days (Sunday first) and a lunch window.");
            }
        }

        var memberships = new HashSet<(int, int)>();
        foreach (var membership in directory.Memberships)
        {
            if (!topicIds.Contains(membership.TopicId) || !userIds.Contains(membership.UserId))
            {
                throw Invalid($"Membership of user {membership.UserId} in topic {membership.TopicId} names an unknown user or topic.");
            }

            if (!memberships.Add((membership.TopicId, membership.UserId)))
            {
                throw Invalid($"User {membership.UserId} is listed twice in topic {membership.TopicId}.");
            }
        }

        foreach (var (userId, count) in directory.OngoingChats)
        {
            if (!userIds.Contains(userId))
            {
                throw Invalid($"Ongoing chats are given for unknown user {userId}.");
            }

            if (count < 0)
            {
                throw Invalid($"User {userId} has a negative ongoing chat count.");
            }
        }
    }

    private static ArgumentException Invalid(string message) => new(message, "directory");
}
