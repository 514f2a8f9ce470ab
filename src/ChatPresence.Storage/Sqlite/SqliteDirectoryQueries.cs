using ChatPresence.Domain.Directory;

namespace ChatPresence.Storage.Sqlite;

/// <summary>Reads of the directory tables, shared by snapshot loads and by imports (which compare before writing).</summary>
internal static class SqliteDirectoryQueries
{
    public static async Task<List<ChatUser>> UsersAsync(SqliteSession session, CancellationToken cancellationToken)
    {
        var users = new List<ChatUser>();
        await using var reader = await session.Command("SELECT id, login_name, display_name, role, chat_access FROM users ORDER BY id;")
            .ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            users.Add(new ChatUser(reader.GetInt32(0), reader.GetString(1), reader.GetString(2), (ChatRole)reader.GetInt32(3), reader.GetBoolean(4)));
        }

        return users;
    }

    public static async Task<List<StoredTopic>> TopicsAsync(SqliteSession session, CancellationToken cancellationToken)
    {
        var topics = new List<StoredTopic>();
        await using var reader = await session.Command("SELECT id, name, opening_hours FROM topics ORDER BY id;")
            .ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            topics.Add(new StoredTopic(reader.GetInt32(0), reader.GetString(1), reader.GetString(2)));
        }

        return topics;
    }

    public static async Task<List<TopicMembership>> MembershipsAsync(SqliteSession session, CancellationToken cancellationToken)
    {
        var memberships = new List<TopicMembership>();
        await using var reader = await session.Command(
                "SELECT topic_id, user_id, can_respond, notifications, listen, manager FROM memberships ORDER BY topic_id, user_id;")
            .ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            memberships.Add(new TopicMembership(
                reader.GetInt32(0), reader.GetInt32(1), reader.GetBoolean(2), reader.GetBoolean(3), reader.GetBoolean(4), reader.GetBoolean(5)));
        }

        return memberships;
    }

    public static async Task<Dictionary<int, int>> OngoingAsync(SqliteSession session, CancellationToken cancellationToken)
    {
        var ongoing = new Dictionary<int, int>();
        await using var reader = await session.Command("SELECT user_id, count FROM ongoing_chats;")
            .ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            ongoing.Add(reader.GetInt32(0), reader.GetInt32(1));
        }

        return ongoing;
    }

    public static async Task<Dictionary<int, bool>> PresenceAsync(SqliteSession session, CancellationToken cancellationToken)
    {
        var presence = new Dictionary<int, bool>();
        await using var reader = await session.Command("SELECT user_id, present FROM presence;")
            .ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            presence.Add(reader.GetInt32(0), reader.GetBoolean(1));
        }

        return presence;
    }

    public static async Task<long> ChangeStampAsync(SqliteSession session, CancellationToken cancellationToken) =>
        (long)(await session.Command("SELECT change_stamp FROM meta WHERE id = 1;").ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
}
