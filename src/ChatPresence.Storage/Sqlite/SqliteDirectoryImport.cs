using ChatPresence.Domain.Directory;

namespace ChatPresence.Storage.Sqlite;

/// <summary>Makes the directory tables equal to an imported directory, writing only what differs.</summary>
internal static class SqliteDirectoryImport
{
    /// <returns>True when anything was written.</returns>
    public static async ValueTask<bool> ApplyAsync(SqliteSession session, ChatDirectory directory)
    {
        var none = CancellationToken.None;
        var changes = DirectoryChanges.Between(
            await SqliteDirectoryQueries.UsersAsync(session, none).ConfigureAwait(false),
            await SqliteDirectoryQueries.TopicsAsync(session, none).ConfigureAwait(false),
            await SqliteDirectoryQueries.MembershipsAsync(session, none).ConfigureAwait(false),
            await SqliteDirectoryQueries.OngoingAsync(session, none).ConfigureAwait(false),
            directory);
        if (changes.IsEmpty)
        {
            return false;
        }

        // Removals first, so freed login names and ids can be taken by what is added. Deleting a user cascades to
        // its memberships, ongoing count, presence, password and tickets.
        foreach (var (topicId, userId) in changes.RemovedMemberships)
        {
            await session.Command("DELETE FROM memberships WHERE topic_id = $topic AND user_id = $user;")
                .With("$topic", topicId).With("$user", userId).ExecuteNonQueryAsync(none).ConfigureAwait(false);
        }

        foreach (var userId in changes.RemovedOngoing)
        {
            await session.Command("DELETE FROM ongoing_chats WHERE user_id = $user;").With("$user", userId).ExecuteNonQueryAsync(none).ConfigureAwait(false);
        }

        foreach (var topicId in changes.RemovedTopics)
        {
            await session.Command("DELETE FROM topics WHERE id = $id;").With("$id", topicId).ExecuteNonQueryAsync(none).ConfigureAwait(false);
        }

        foreach (var userId in changes.RemovedUsers)
        {
            await session.Command("DELETE FROM users WHERE id = $id;").With("$id", userId).ExecuteNonQueryAsync(none).ConfigureAwait(false);
        }

        // A control character cannot occur in a real login, so parked keys never collide with one.
        foreach (var userId in changes.RelabelledUsers)
        {
            await session.Command("UPDATE users SET login_key = char(1) || id WHERE id = $id;").With("$id", userId).ExecuteNonQueryAsync(none).ConfigureAwait(false);
        }

        foreach (var user in changes.UpsertedUsers)
        {
            await session.Command("""
                    INSERT INTO users (id, login_name, login_key, display_name, role, chat_access)
                    VALUES ($id, $login, $key, $display, $role, $access)
                    ON CONFLICT (id) DO UPDATE SET login_name = excluded.login_name, login_key = excluded.login_key,
                        display_name = excluded.display_name, role = excluded.role, chat_access = excluded.chat_access;
                    """)
                .With("$id", user.Id).With("$login", user.LoginName).With("$key", DirectoryFile.LoginKey(user.LoginName))
                .With("$display", user.DisplayName).With("$role", (int)user.Role).With("$access", user.ChatAccess)
                .ExecuteNonQueryAsync(none).ConfigureAwait(false);
        }

        foreach (var topic in changes.UpsertedTopics)
        {
            await session.Command("""
                    INSERT INTO topics (id, name, opening_hours) VALUES ($id, $name, $hours)
                    ON CONFLICT (id) DO UPDATE SET name = excluded.name, opening_hours = excluded.opening_hours;
                    """)
                .With("$id", topic.Id).With("$name", topic.Name).With("$hours", topic.OpeningHoursJson)
                .ExecuteNonQueryAsync(none).ConfigureAwait(false);
        }

        foreach (var m in changes.UpsertedMemberships)
        {
            await session.Command("""
                    INSERT INTO memberships (topic_id, user_id, can_respond, notifications, listen, manager)
                    VALUES ($topic, $user, $respond, $notify, $listen, $manager)
                    ON CONFLICT (topic_id, user_id) DO UPDATE SET can_respond = excluded.can_respond,
                        notifications = excluded.notifications, listen = excluded.listen, manager = excluded.manager;
                    """)
                .With("$topic", m.TopicId).With("$user", m.UserId).With("$respond", m.CanRespond)
                .With("$notify", m.Notifications).With("$listen", m.Listen).With("$manager", m.Manager)
                .ExecuteNonQueryAsync(none).ConfigureAwait(false);
        }

        foreach (var (userId, count) in changes.UpsertedOngoing)
        {
            await session.Command("""
                    INSERT INTO ongoing_chats (user_id, count) VALUES ($user, $count)
                    ON CONFLICT (user_id) DO UPDATE SET count = excluded.count;
                    """)
                .With("$user", userId).With("$count", count).ExecuteNonQueryAsync(none).ConfigureAwait(false);
        }

        return true;
    }
}
