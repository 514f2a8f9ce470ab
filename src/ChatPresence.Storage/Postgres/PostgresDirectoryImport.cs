using ChatPresence.Domain.Directory;
using Npgsql;

namespace ChatPresence.Storage.Postgres;

/// <summary>
/// Makes the directory tables equal to an imported directory, writing only what differs. The same steps, in the same
/// order, as <c>SqliteDirectoryImport</c>; each kind of change is one array statement, and all go in one round trip.
/// </summary>
internal static class PostgresDirectoryImport
{
    /// <returns>True when anything was written.</returns>
    public static async Task<bool> ApplyAsync(NpgsqlConnection connection, ChatDirectory directory, CancellationToken cancellationToken)
    {
        var changes = DirectoryChanges.Between(
            await PostgresDirectoryQueries.UsersAsync(connection, cancellationToken).ConfigureAwait(false),
            await PostgresDirectoryQueries.TopicsAsync(connection, cancellationToken).ConfigureAwait(false),
            await PostgresDirectoryQueries.MembershipsAsync(connection, cancellationToken).ConfigureAwait(false),
            await PostgresDirectoryQueries.OngoingAsync(connection, cancellationToken).ConfigureAwait(false),
            directory);
        if (changes.IsEmpty)
        {
            return false;
        }

        await using var batch = new NpgsqlBatch(connection);

        // Removals first, so freed login names and ids can be taken by what is added. Deleting a user cascades to
        // its memberships, ongoing count, presence, password and tickets.
        Add(batch, """
            DELETE FROM memberships m USING unnest(@topics, @users) AS r (topic_id, user_id)
            WHERE m.topic_id = r.topic_id AND m.user_id = r.user_id;
            """,
            ("topics", changes.RemovedMemberships.Select(m => m.TopicId).ToArray()),
            ("users", changes.RemovedMemberships.Select(m => m.UserId).ToArray()));
        Add(batch, "DELETE FROM ongoing_chats WHERE user_id = ANY (@ids);", ("ids", changes.RemovedOngoing.ToArray()));
        Add(batch, "DELETE FROM topics WHERE id = ANY (@ids);", ("ids", changes.RemovedTopics.ToArray()));
        Add(batch, "DELETE FROM users WHERE id = ANY (@ids);", ("ids", changes.RemovedUsers.ToArray()));

        // Park changing login keys first, so two users swapping names do not collide in between. A control
        // character cannot occur in a real login, so parked keys never collide with one.
        Add(batch, "UPDATE users SET login_key = chr(1) || id WHERE id = ANY (@ids);", ("ids", changes.RelabelledUsers.ToArray()));

        var users = changes.UpsertedUsers;
        Add(batch, """
            INSERT INTO users (id, login_name, login_key, display_name, role, chat_access)
            SELECT * FROM unnest(@ids, @logins, @keys, @names, @roles, @access)
            ON CONFLICT (id) DO UPDATE SET login_name = excluded.login_name, login_key = excluded.login_key,
                display_name = excluded.display_name, role = excluded.role, chat_access = excluded.chat_access;
            """,
            ("ids", users.Select(u => u.Id).ToArray()),
            ("logins", users.Select(u => u.LoginName).ToArray()),
            ("keys", users.Select(u => DirectoryFile.LoginKey(u.LoginName)).ToArray()),
            ("names", users.Select(u => u.DisplayName).ToArray()),
            ("roles", users.Select(u => (int)u.Role).ToArray()),
            ("access", users.Select(u => u.ChatAccess).ToArray()));

        var topics = changes.UpsertedTopics;
        Add(batch, """
            INSERT INTO topics (id, name, opening_hours) SELECT * FROM unnest(@ids, @names, @hours)
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, opening_hours = excluded.opening_hours;
            """,
            ("ids", topics.Select(t => t.Id).ToArray()),
            ("names", topics.Select(t => t.Name).ToArray()),
            ("hours", topics.Select(t => t.OpeningHoursJson).ToArray()));

        var memberships = changes.UpsertedMemberships;
        Add(batch, """
            INSERT INTO memberships (topic_id, user_id, can_respond, notifications, listen, manager)
            SELECT * FROM unnest(@topics, @users, @respond, @notify, @listen, @manager)
            ON CONFLICT (topic_id, user_id) DO UPDATE SET can_respond = excluded.can_respond,
                notifications = excluded.notifications, listen = excluded.listen, manager = excluded.manager;
            """,
            ("topics", memberships.Select(m => m.TopicId).ToArray()),
            ("users", memberships.Select(m => m.UserId).ToArray()),
            ("respond", memberships.Select(m => m.CanRespond).ToArray()),
            ("notify", memberships.Select(m => m.Notifications).ToArray()),
            ("listen", memberships.Select(m => m.Listen).ToArray()),
            ("manager", memberships.Select(m => m.Manager).ToArray()));

        Add(batch, """
            INSERT INTO ongoing_chats (user_id, count) SELECT * FROM unnest(@users, @counts)
            ON CONFLICT (user_id) DO UPDATE SET count = excluded.count;
            """,
            ("users", changes.UpsertedOngoing.Select(o => o.UserId).ToArray()),
            ("counts", changes.UpsertedOngoing.Select(o => o.Count).ToArray()));

        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static void Add(NpgsqlBatch batch, string sql, params (string Name, object Value)[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter(name, value));
        }

        batch.BatchCommands.Add(command);
    }
}
