using System.Collections.Concurrent;
using System.Collections.Frozen;
using ChatPresence.Domain.Presence;
using ChatPresence.Domain.Rights;

namespace ChatPresence.Domain.Directory;

/// <summary>
/// An immutable, indexed view of one store snapshot, with the presence lists built from it cached per rights
/// view and language (rows themselves are shared by every language: only the facades write texts). A new view replaces it whenever the store's change stamp moves.
/// </summary>
public sealed class DirectoryView
{
    private readonly FrozenDictionary<int, ChatUser> usersById;
    private readonly FrozenDictionary<string, ChatUser> usersByLogin;
    private readonly FrozenDictionary<int, ChatTopic> topicsById;
    private readonly FrozenSet<int> topicManagers;
    private readonly ChatUser[] chatUsers;
    private readonly int[] chatUserIds;
    private readonly FrozenDictionary<int, int[]> topicsByUser;
    private readonly IReadOnlyDictionary<int, int> ongoing;
    private readonly IReadOnlyDictionary<int, bool> presence;
    private readonly ConcurrentDictionary<(int RightsKey, string Language), PresenceList> lists = new();
    private PresenceRow[]? writableRows;
    private PresenceRow[]? readOnlyRows;

    // Set by WithPresence: the stamp of the view this one was made from, and the users whose presence differs from it.
    private readonly long deltaFrom;
    private readonly int[]? deltaUsers;

    public DirectoryView(DirectorySnapshot snapshot)
    {
        ChangeStamp = snapshot.ChangeStamp;
        var directory = snapshot.Directory;
        usersById = directory.Users.ToFrozenDictionary(u => u.Id);
        usersByLogin = directory.Users.ToFrozenDictionary(u => u.LoginName, StringComparer.OrdinalIgnoreCase);
        topicsById = directory.Topics.ToFrozenDictionary(t => t.Id);
        topicManagers = directory.Memberships.Where(m => m.Manager).Select(m => m.UserId).ToFrozenSet();
        chatUsers = directory.Users.Where(u => u.ChatAccess).OrderBy(u => u.Id).ToArray();
        chatUserIds = chatUsers.Select(u => u.Id).ToArray();
        topicsByUser = directory.Memberships
            .Where(m => m.CountsAsMember)
            .GroupBy(m => m.UserId)
            .ToFrozenDictionary(g => g.Key, g => g.Select(m => m.TopicId).Distinct().Order().ToArray());
        ongoing = directory.OngoingChats;
        presence = snapshot.Presence;
    }

    /// <summary>The same directory with other presence: shares every index, copies only the presence map.</summary>
    private DirectoryView(DirectoryView source, long changeStamp, IReadOnlyDictionary<int, bool> presence, int[] changed)
    {
        ChangeStamp = changeStamp;
        deltaFrom = source.ChangeStamp;
        deltaUsers = changed;
        usersById = source.usersById;
        usersByLogin = source.usersByLogin;
        topicsById = source.topicsById;
        topicManagers = source.topicManagers;
        chatUsers = source.chatUsers;
        chatUserIds = source.chatUserIds;
        topicsByUser = source.topicsByUser;
        ongoing = source.ongoing;
        this.presence = presence;
    }

    public long ChangeStamp { get; }

    /// <summary>Whether the user is present in this view (false for an unknown user).</summary>
    public bool IsPresent(int userId) => presence.GetValueOrDefault(userId);

    /// <summary>
    /// This view with <paramref name="changes"/> applied (a delta from the change log): a copy of the presence map, no
    /// database read. Users the directory does not know are ignored (an import that removed them is on its way).
    /// </summary>
    public DirectoryView WithPresence(long changeStamp, IReadOnlyDictionary<int, bool> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var next = new Dictionary<int, bool>(presence);
        var changed = new List<int>(changes.Count);
        foreach (var (userId, present) in changes)
        {
            if (usersById.ContainsKey(userId) && presence.GetValueOrDefault(userId) != present)
            {
                next[userId] = present;
                changed.Add(userId);
            }
        }

        changed.Sort();
        return new DirectoryView(this, changeStamp, next, [.. changed]);
    }

    /// <summary>
    /// The users whose presence differs from <paramref name="before"/>, ascending, when this view is
    /// <paramref name="before"/> with presence changes only (<see cref="WithPresence"/>); otherwise null, and only a
    /// comparison of the two views tells. Lets a change feed handle a delta in O(changed users) instead of O(users).
    /// </summary>
    public IReadOnlyList<int>? PresenceChangesSince(DirectoryView before)
    {
        ArgumentNullException.ThrowIfNull(before);
        return deltaUsers is not null && ReferenceEquals(before.usersById, usersById) && before.ChangeStamp == deltaFrom ? deltaUsers : null;
    }

    /// <summary>The chat users' ids, ascending (the order of every presence list).</summary>
    public IReadOnlyList<int> ChatUserIds => chatUserIds;

    /// <summary>All topics.</summary>
    public IEnumerable<ChatTopic> Topics => topicsById.Values;

    /// <summary>A chat user's row as nobody may save it (null when not a chat user): what a change feed compares and sends.</summary>
    public PresenceRow? BareRow(int userId) =>
        usersById.TryGetValue(userId, out var user) && user.ChatAccess ? Row(user, writable: false) : null;

    public ChatUser? FindUser(int userId) => usersById.GetValueOrDefault(userId);

    public ChatUser? FindUserByLogin(string loginName) => usersByLogin.GetValueOrDefault(loginName);

    public ChatTopic? FindTopic(int topicId) => topicsById.GetValueOrDefault(topicId);

    public bool IsChatUser(int userId) => usersById.TryGetValue(userId, out var user) && user.ChatAccess;

    public bool CanSaveAnyone(ChatUser caller) => SaveRights.CanSaveAnyone(caller, topicManagers.Contains(caller.Id));

    /// <summary>The presence list as <paramref name="caller"/> sees it; built once per rights view and language.</summary>
    public PresenceList ListFor(ChatUser caller, string language)
    {
        // Callers who may save anyone all see the same rows; everyone else differs only in their own row.
        var rightsKey = CanSaveAnyone(caller) ? -1 : caller.Id;
        return lists.GetOrAdd((rightsKey, language), static (key, view) => view.Build(key.RightsKey, key.Language), this);
    }

    private PresenceList Build(int rightsKey, string language)
    {
        var rightsTag = rightsKey == -1 ? "all" : "own" + rightsKey.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var tag = $"{ChangeStamp}.{rightsTag}.{language}";
        if (rightsKey == -1)
        {
            return new PresenceList(tag, language, RowsFor(writable: true));
        }

        // Writable as SaveRights.MaySave says: every row for a caller who may save anyone, else only their own. An
        // agent's list is the shared read-only rows with their own row swapped for a writable one, so a large
        // directory costs one row array per rights view, not one per agent.
        var readOnly = RowsFor(writable: false);
        var own = Array.BinarySearch(chatUserIds, rightsKey);
        return own < 0
            ? new PresenceList(tag, language, readOnly)
            : new PresenceList(tag, language, new OneRowReplaced(readOnly, own, Row(chatUsers[own], writable: true)));
    }

    private PresenceRow[] RowsFor(bool writable)
    {
        ref var rows = ref writable ? ref writableRows : ref readOnlyRows;
        return Volatile.Read(ref rows) ?? Interlocked.CompareExchange(ref rows, BuildRows(writable), null) ?? rows;
    }

    private PresenceRow[] BuildRows(bool writable)
    {
        var items = new PresenceRow[chatUsers.Length];
        for (var i = 0; i < chatUsers.Length; i++)
        {
            items[i] = Row(chatUsers[i], writable);
        }

        return items;
    }

    private PresenceRow Row(ChatUser user, bool writable) => new()
    {
        Writable = writable,
        UserId = user.Id,
        DisplayName = user.DisplayName,
        OngoingChats = ongoing.GetValueOrDefault(user.Id),
        Present = presence.GetValueOrDefault(user.Id),
        ChatTopics = topicsByUser.GetValueOrDefault(user.Id) ?? [],
    };

    /// <summary>A row array with one row replaced, without copying the array.</summary>
    private sealed class OneRowReplaced(PresenceRow[] rows, int index, PresenceRow replacement) : IReadOnlyList<PresenceRow>
    {
        public int Count => rows.Length;

        public PresenceRow this[int i] => i == index ? replacement : rows[i];

        public IEnumerator<PresenceRow> GetEnumerator()
        {
            for (var i = 0; i < rows.Length; i++)
            {
                yield return i == index ? replacement : rows[i];
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
