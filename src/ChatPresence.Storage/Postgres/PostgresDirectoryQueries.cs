using ChatPresence.Domain.Directory;
using Npgsql;

namespace ChatPresence.Storage.Postgres;

/// <summary>
/// Reads of the directory tables, shared by snapshot loads and by imports (which compare before writing). They run
/// on the connection's open transaction, so a caller decides which snapshot they see.
/// </summary>
internal static class PostgresDirectoryQueries
{
    public const string ChangeStampSql = "SELECT change_stamp FROM meta WHERE id = 1;";

    public static Task<List<ChatUser>> UsersAsync(NpgsqlConnection connection, CancellationToken cancellationToken) =>
        ListAsync(
            connection,
            "SELECT id, login_name, display_name, role, chat_access FROM users ORDER BY id;",
            r => new ChatUser(r.GetInt32(0), r.GetString(1), r.GetString(2), (ChatRole)r.GetInt32(3), r.GetBoolean(4)),
            cancellationToken);

    public static Task<List<StoredTopic>> TopicsAsync(NpgsqlConnection connection, CancellationToken cancellationToken) =>
        ListAsync(
            connection,
            "SELECT id, name, opening_hours FROM topics ORDER BY id;",
            r => new StoredTopic(r.GetInt32(0), r.GetString(1), r.GetString(2)),
            cancellationToken);

    public static Task<List<TopicMembership>> MembershipsAsync(NpgsqlConnection connection, CancellationToken cancellationToken) =>
        ListAsync(
            connection,
            "SELECT topic_id, user_id, can_respond, notifications, listen, manager FROM memberships ORDER BY topic_id, user_id;",
            r => new TopicMembership(r.GetInt32(0), r.GetInt32(1), r.GetBoolean(2), r.GetBoolean(3), r.GetBoolean(4), r.GetBoolean(5)),
            cancellationToken);

    public static async Task<Dictionary<int, int>> OngoingAsync(NpgsqlConnection connection, CancellationToken cancellationToken) =>
        (await ListAsync(connection, "SELECT user_id, count FROM ongoing_chats;", r => (r.GetInt32(0), r.GetInt32(1)), cancellationToken)
            .ConfigureAwait(false)).ToDictionary(p => p.Item1, p => p.Item2);

    public static async Task<Dictionary<int, bool>> PresenceAsync(NpgsqlConnection connection, CancellationToken cancellationToken) =>
        (await ListAsync(connection, "SELECT user_id, present FROM presence;", r => (r.GetInt32(0), r.GetBoolean(1)), cancellationToken)
            .ConfigureAwait(false)).ToDictionary(p => p.Item1, p => p.Item2);

    public static async Task<long> ChangeStampAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(ChangeStampSql, connection);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private static async Task<List<T>> ListAsync<T>(NpgsqlConnection connection, string sql, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        var rows = new List<T>();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
