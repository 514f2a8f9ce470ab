using System.Text;
using ChatPresence.Domain.Directory;

namespace ChatPresence.Domain.Tests;

public sealed class DirectoryFileTests
{
    private static Task<DirectoryFile> ReadAsync(string json) =>
        DirectoryFile.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(json)), CancellationToken.None);

    private static string RepoFile(string relative)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ChatPresence.sln")))
        {
            dir = dir.Parent;
        }

        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("ChatPresence.sln not found"), relative);
    }

    [Fact]
    public async Task The_demo_directory_is_valid_and_as_documented()
    {
        await using var stream = File.OpenRead(RepoFile("samples/demo-directory.json"));
        var file = await DirectoryFile.ReadAsync(stream, CancellationToken.None);
        var directory = file.Directory;

        Assert.Equal(ChatRole.Administrator, directory.Users.Single(u => u.Id == 1).Role);
        Assert.Equal("admin", directory.Users.Single(u => u.Id == 1).LoginName);
        Assert.Equal(["agent2", "agent3", "agent4", "agent5", "agent6"], directory.Users.Where(u => u.Id is >= 2 and <= 6).Select(u => u.LoginName));
        Assert.All(directory.Users, u => Assert.Equal(u.LoginName, file.Passwords[u.Id]));
        Assert.Equal(ChatRole.Manager, directory.Users.Single(u => u.Id == 7).Role);
        Assert.Equal("Sales", directory.Topics.Single(t => t.Id == 1).Name);
        var support = directory.Topics.Single(t => t.Id == 2);
        Assert.True(support.OpeningHours.Enabled);
        Assert.Equal("Europe/Oslo", support.OpeningHours.TimeZoneId);
        Assert.Contains(directory.Users, u => u.ChatAccess && directory.Memberships.All(m => m.UserId != u.Id));
        Assert.Contains(directory.OngoingChats, pair => pair.Value > 0);
    }

    [Fact]
    public async Task Reads_opening_hours()
    {
        var file = await ReadAsync("""
            { "topics": [ { "id": 5, "name": "T", "openingHours": { "timeZone": "America/New_York",
              "days": { "monday": { "start": "09:00", "stop": "17:30" } }, "lunch": { "start": "12:00", "stop": "12:45" } } } ] }
            """);
        var hours = file.Directory.Topics[0].OpeningHours;
        Assert.True(hours.Enabled);
        Assert.Equal(new DayHours(true, new TimeOnly(9, 0), new TimeOnly(17, 30)), hours[DayOfWeek.Monday]);
        Assert.False(hours[DayOfWeek.Tuesday].Enabled);
        Assert.Equal(new DayHours(true, new TimeOnly(12, 0), new TimeOnly(12, 45)), hours.Lunch);
    }

    public static TheoryData<string, string> BadFiles => new()
    {
        { "{ \"users\": [ { \"id\": 1, \"login\": \"a\" } \n ", "line 2" },
        { "{ \"users\": [ { \"id\": \"one\", \"login\": \"a\" } ] }", "$.users[0].id" },
        { "{ \"users\": [ { \"id\": 1, \"login\": \"a\" }, { \"id\": 1, \"login\": \"b\" } ] }", "users[1] (id 1): duplicate user id 1" },
        { "{ \"users\": [ { \"id\": 1, \"login\": \"a\" }, { \"id\": 2, \"login\": \"A\" } ] }", "users[1] (id 2): duplicate login 'A'" },
        { "{ \"topics\": [ { \"id\": 3, \"name\": \"x\" }, { \"id\": 3, \"name\": \"y\" } ] }", "topics[1] (id 3): duplicate topic id 3" },
        { "{ \"users\": [ { \"id\": 1, \"login\": \"a\" } ], \"memberships\": [ { \"topicId\": 9, \"userId\": 1 } ] }", "memberships[0] (topic 9, user 1): unknown topic 9" },
        { "{ \"topics\": [ { \"id\": 3, \"name\": \"x\" } ], \"memberships\": [ { \"topicId\": 3, \"userId\": 8 } ] }", "unknown user 8" },
        { "{ \"users\": [ { \"id\": 1, \"login\": \"a\" } ], \"ongoingChats\": [ { \"userId\": 1, \"count\": -1 } ] }", "count must not be negative" },
        { "{ \"topics\": [ { \"id\": 3, \"name\": \"x\", \"openingHours\": { \"timeZone\": \"Mars/Olympus\" } } ] }", "unknown time zone 'Mars/Olympus'" },
        { "{ \"topics\": [ { \"id\": 3, \"name\": \"x\", \"openingHours\": { \"days\": { \"monday\": { \"start\": \"17:00\", \"stop\": \"09:00\" } } } } ] }", "start must be before stop" },
        { "{ \"topics\": [ { \"id\": 3, \"name\": \"x\", \"openingHours\": { \"days\": { \"funday\": { \"start\": \"08:00\", \"stop\": \"09:00\" } } } } ] }", "unknown weekday 'funday'" },
        { "{ \"users\": [ { \"id\": 1, \"login\": \"a\", \"role\": \"Emperor\" } ] }", "$.users[0].role" },
        { "{ \"users\": [ { \"id\": 1, \"login\": \"a\", \"passwrd\": \"x\" } ] }", "passwrd" },
        { "null", "empty" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public async Task A_bad_file_is_refused_with_a_message_naming_the_problem(string json, string expected)
    {
        var error = await Assert.ThrowsAsync<DirectoryFileException>(() => ReadAsync(json));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    /// <summary>Issue 10: text XML 1.0 cannot carry (C0 controls but tab/LF/CR, U+FFFE/U+FFFF, lone surrogates).</summary>
    public static TheoryData<string, string, string> UncarriableText()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var bad in new[] { "\\u0000", "\\u0001", "\\u0008", "\\u000B", "\\u001F", "\\uFFFE", "\\uFFFF", "\\ud800", "\\udfff", "x\\udc00\\ud800y" })
        {
            // System.Text.Json itself refuses an escaped lone surrogate, naming the JSON path (users[0].login).
            var lone = bad.Contains("\\ud", StringComparison.Ordinal);
            data.Add($"{{ \"users\": [ {{ \"id\": 4, \"login\": \"a\", \"displayName\": \"An{bad}na\" }} ] }}", lone ? "users[0]" : "user 4", "displayName");
            data.Add($"{{ \"users\": [ {{ \"id\": 4, \"login\": \"a{bad}\" }} ] }}", lone ? "users[0]" : "user 4", "login");
            data.Add($"{{ \"topics\": [ {{ \"id\": 3, \"name\": \"Sal{bad}es\" }} ] }}", lone ? "topics[0]" : "topic 3", "name");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(UncarriableText))]
    public async Task Text_that_XML_cannot_carry_is_refused_naming_the_record_and_field(string json, string record, string field)
    {
        var error = await Assert.ThrowsAsync<DirectoryFileException>(() => ReadAsync(json));
        Assert.Contains(record, error.Message, StringComparison.Ordinal);
        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Tab\\tLine\\nReturn\\r")]
    [InlineData("Emoji \\ud83d\\ude00 and \\uFFFD")]
    public async Task Tab_newlines_pairs_and_the_replacement_character_are_accepted(string name)
    {
        var file = await ReadAsync($"{{ \"users\": [ {{ \"id\": 4, \"login\": \"a\", \"displayName\": \"{name}\" }} ] }}");
        Assert.Equal(4, file.Directory.Users.Single().Id);
    }
}
