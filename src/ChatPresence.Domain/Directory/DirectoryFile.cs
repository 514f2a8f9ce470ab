using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using ChatPresence.Domain.Text;

namespace ChatPresence.Domain.Directory;

/// <summary>
/// A directory (from a file or handed to a store's import) that failed to read or validate; the message names the
/// line or the record. An <see cref="ArgumentException"/>: a store refuses the directory it was given.
/// </summary>
public sealed class DirectoryFileException(string message) : ArgumentException(message);

/// <summary>
/// The JSON directory file the host imports (see samples/demo-directory.json). Strict: unknown members, duplicate
/// ids and references to unknown users or topics are refused before anything is written. <see cref="Validate"/> is
/// the one set of directory rules: the file is checked with it, and every store checks each import with it.
/// </summary>
public sealed record DirectoryFile(ChatDirectory Directory, IReadOnlyDictionary<int, string> Passwords)
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNameCaseInsensitive = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        Converters = { new JsonStringEnumConverter<ChatRole>() },
    };

    private static readonly string[] WeekDays = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

    public static async Task<DirectoryFile> ReadAsync(Stream json, CancellationToken cancellationToken)
    {
        FileDto? file;
        try
        {
            file = await JsonSerializer.DeserializeAsync<FileDto>(json, Options, cancellationToken);
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $"line {line + 1}, position {e.BytePositionInLine + 1}" : "the file";
            var path = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? string.Empty : $" ({e.Path})";
            throw new DirectoryFileException($"Not a valid directory file at {where}{path}: {FirstSentence(e.Message)}");
        }

        return Validate(file ?? throw new DirectoryFileException("The directory file is empty (null)."));
    }

    /// <summary>
    /// The key login names are unique on (stores keep it in a unique column). Upper-invariant folds non-ASCII letters
    /// too (unlike SQLite's NOCASE), and is how the throttle keys logins.
    /// </summary>
    public static string LoginKey(string loginName) => loginName.ToUpperInvariant();

    /// <summary>
    /// The rules every directory must meet before anything of it is written: unique user and topic ids, a login on
    /// every user, unique by <see cref="LoginKey"/>, known roles, complete opening hours, memberships and ongoing
    /// chat counts naming known users and topics once, counts not negative, and text replies can carry.
    /// </summary>
    /// <exception cref="DirectoryFileException">Naming the first record that breaks a rule.</exception>
    public static void Validate(ChatDirectory directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var userIds = new HashSet<int>();
        var logins = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < directory.Users.Count; i++)
        {
            var u = directory.Users[i];
            var at = $"users[{i}] (id {u.Id})";
            Require(userIds.Add(u.Id), at, $"duplicate user id {u.Id}");
            Require(!string.IsNullOrWhiteSpace(u.LoginName), at, "login is missing");
            Require(logins.Add(LoginKey(u.LoginName)), at, $"duplicate login '{u.LoginName}'");
            Require(u.DisplayName is not null, at, "display name is missing");
            Require(Enum.IsDefined(u.Role), at, $"unknown role {(int)u.Role}");
        }

        var topicIds = new HashSet<int>();
        for (var i = 0; i < directory.Topics.Count; i++)
        {
            var t = directory.Topics[i];
            var at = $"topics[{i}] (id {t.Id})";
            Require(topicIds.Add(t.Id), at, $"duplicate topic id {t.Id}");
            Require(!string.IsNullOrWhiteSpace(t.Name), at, "name is missing");
            var hours = t.OpeningHours;
            Require(
                hours is { Days.Count: 7, Lunch: not null, TimeZoneId: not null } && hours.Days.All(d => d is not null),
                at,
                "opening hours need a time zone, 7 days (Sunday first) and a lunch window");
        }

        var pairs = new HashSet<(int, int)>();
        for (var i = 0; i < directory.Memberships.Count; i++)
        {
            var m = directory.Memberships[i];
            var at = $"memberships[{i}] (topic {m.TopicId}, user {m.UserId})";
            Require(topicIds.Contains(m.TopicId), at, $"unknown topic {m.TopicId}");
            Require(userIds.Contains(m.UserId), at, $"unknown user {m.UserId}");
            Require(pairs.Add((m.TopicId, m.UserId)), at, "duplicate membership");
        }

        var index = 0;
        foreach (var (userId, count) in directory.OngoingChats)
        {
            var at = $"ongoingChats[{index++}] (user {userId})";
            Require(userIds.Contains(userId), at, $"unknown user {userId}");
            Require(count >= 0, at, "count must not be negative");
        }

        if (CarriableText.FirstProblem(directory) is { } problem)
        {
            throw new DirectoryFileException($"Invalid directory file at {problem}.");
        }
    }

    /// <summary>What only a file can get wrong (ids it numbers, text it spells); the rest is <see cref="Validate(ChatDirectory)"/>.</summary>
    private static DirectoryFile Validate(FileDto file)
    {
        var users = new List<ChatUser>();
        var passwords = new Dictionary<int, string>();
        for (var i = 0; i < file.Users.Count; i++)
        {
            var u = file.Users[i];
            var at = $"users[{i}] (id {u.Id})";
            Require(u.Id > 0, at, "id must be a positive number");
            Require(!string.IsNullOrWhiteSpace(u.Login), at, "login is missing");
            users.Add(new ChatUser(u.Id, u.Login!, u.DisplayName ?? u.Login!, u.Role, u.ChatAccess));
            if (u.Password is not null)
            {
                passwords[u.Id] = u.Password;
            }
        }

        var topics = new List<ChatTopic>();
        for (var i = 0; i < file.Topics.Count; i++)
        {
            var t = file.Topics[i];
            var at = $"topics[{i}] (id {t.Id})";
            Require(t.Id > 0, at, "id must be a positive number");
            Require(!string.IsNullOrWhiteSpace(t.Name), at, "name is missing");
            topics.Add(new ChatTopic(t.Id, t.Name!, ReadOpeningHours(t.OpeningHours, at)));
        }

        var memberships = file.Memberships.Select(m => new TopicMembership(m.TopicId, m.UserId, m.CanRespond, m.Notifications, m.Listen, m.Manager)).ToList();
        var ongoing = new Dictionary<int, int>();
        for (var i = 0; i < file.OngoingChats.Count; i++)
        {
            var o = file.OngoingChats[i];
            Require(ongoing.TryAdd(o.UserId, o.Count), $"ongoingChats[{i}] (user {o.UserId})", "duplicate user");
        }

        var directory = new ChatDirectory(users, topics, memberships, ongoing);
        Validate(directory);
        return new DirectoryFile(directory, passwords);
    }

    private static OpeningHours ReadOpeningHours(OpeningHoursDto? dto, string at)
    {
        if (dto is null)
        {
            return OpeningHours.AlwaysOpen;
        }

        var zone = dto.TimeZone ?? "UTC";
        Require(TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _), at, $"unknown time zone '{zone}'");
        var days = new DayHours[7];
        for (var d = 0; d < 7; d++)
        {
            days[d] = ReadWindow(dto.Days is not null && dto.Days.TryGetValue(WeekDays[d], out var window) ? window : null, $"{at} {WeekDays[d]}");
        }

        if (dto.Days is not null)
        {
            foreach (var name in dto.Days.Keys)
            {
                Require(WeekDays.Contains(name), at, $"unknown weekday '{name}'");
            }
        }

        return new OpeningHours(true, zone, days, ReadWindow(dto.Lunch, $"{at} lunch"));
    }

    private static DayHours ReadWindow(WindowDto? window, string at)
    {
        if (window is null)
        {
            return DayHours.Closed;
        }

        Require(TimeOnly.TryParseExact(window.Start, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start), at, $"start '{window.Start}' is not HH:mm");
        Require(TimeOnly.TryParseExact(window.Stop, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var stop), at, $"stop '{window.Stop}' is not HH:mm");
        Require(start < stop, at, "start must be before stop");
        return new DayHours(true, start, stop);
    }

    private static void Require(bool condition, string at, string problem)
    {
        if (!condition)
        {
            throw new DirectoryFileException($"Invalid directory file at {at}: {problem}.");
        }
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }

    private sealed class FileDto
    {
        public List<UserDto> Users { get; set; } = [];

        public List<TopicDto> Topics { get; set; } = [];

        public List<MembershipDto> Memberships { get; set; } = [];

        public List<OngoingDto> OngoingChats { get; set; } = [];
    }

    private sealed class UserDto
    {
        public int Id { get; set; }

        public string? Login { get; set; }

        public string? DisplayName { get; set; }

        public ChatRole Role { get; set; }

        public bool ChatAccess { get; set; } = true;

        public string? Password { get; set; }
    }

    private sealed class TopicDto
    {
        public int Id { get; set; }

        public string? Name { get; set; }

        public OpeningHoursDto? OpeningHours { get; set; }
    }

    private sealed class OpeningHoursDto
    {
        public string? TimeZone { get; set; }

        public Dictionary<string, WindowDto?>? Days { get; set; }

        public WindowDto? Lunch { get; set; }
    }

    private sealed class WindowDto
    {
        public string? Start { get; set; }

        public string? Stop { get; set; }
    }

    private sealed class MembershipDto
    {
        public int TopicId { get; set; }

        public int UserId { get; set; }

        public bool CanRespond { get; set; }

        public bool Notifications { get; set; }

        public bool Listen { get; set; }

        public bool Manager { get; set; }
    }

    private sealed class OngoingDto
    {
        public int UserId { get; set; }

        public int Count { get; set; }
    }
}
