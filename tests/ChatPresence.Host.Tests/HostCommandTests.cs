using ChatPresence.Domain;
using ChatPresence.Domain.Directory;
using ChatPresence.Domain.Identity;
using ChatPresence.Domain.Security;
using ChatPresence.Storage.Sqlite;

namespace ChatPresence.Host.Tests;

/// <summary>The administrative commands, each run as a real host process against a real SQLite file.</summary>
public sealed class HostCommandTests : IDisposable
{
    private const string GoodDirectory = """
        {
          "users": [
            { "id": 1, "login": "boss", "displayName": "Boss", "role": "Administrator", "password": "pw-boss" },
            { "id": 2, "login": "kim", "displayName": "Kim" }
          ],
          "topics": [ { "id": 1, "name": "Sales" } ],
          "memberships": [ { "topicId": 1, "userId": 2, "canRespond": true } ],
          "ongoingChats": [ { "userId": 2, "count": 4 } ]
        }
        """;

    private readonly string folder = Directory.CreateTempSubdirectory("chatpresence-cli-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    private string WriteFile(string name, string content)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, content);
        return path;
    }

    private async Task<DirectorySnapshot> LoadAsync()
    {
        await using var store = new SqliteChatStore(Path.Combine(folder, "chatpresence.db"));
        await store.MigrateAsync(CancellationToken.None);
        return await store.LoadAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Import_loads_the_file_and_a_second_import_changes_nothing()
    {
        var path = WriteFile("directory.json", GoodDirectory);
        var first = await HostProcess.RunCommandAsync(folder, null, "import", path);
        Assert.True(first.ExitCode == 0, first.Error);
        Assert.Contains("2 users, 1 topics, 1 memberships", first.Output, StringComparison.Ordinal);

        var loaded = await LoadAsync();
        Assert.Equal(["boss", "kim"], loaded.Directory.Users.Select(u => u.LoginName).Order());
        Assert.Equal(4, loaded.Directory.OngoingChats[2]);

        var second = await HostProcess.RunCommandAsync(folder, null, "import", path);
        Assert.Equal(0, second.ExitCode);
        Assert.Equal(loaded.ChangeStamp, (await LoadAsync()).ChangeStamp);
    }

    public static TheoryData<string, string> BadDirectories => new()
    {
        { "{ \"users\": [ { \"id\": 1, \"login\": \"x\" }\n  \n  oops ] }", "line 3" },
        { "{ \"users\": [ { \"id\": 3, \"login\": \"x\" }, { \"id\": 3, \"login\": \"y\" } ] }", "users[1] (id 3): duplicate user id 3" },
        { "{ \"users\": [ { \"id\": 3, \"login\": \"x\" } ], \"memberships\": [ { \"topicId\": 77, \"userId\": 3 } ] }", "memberships[0] (topic 77, user 3): unknown topic 77" },
    };

    [Theory]
    [MemberData(nameof(BadDirectories))]
    public async Task A_bad_file_is_refused_naming_the_problem_and_the_database_is_untouched(string json, string expected)
    {
        Assert.Equal(0, (await HostProcess.RunCommandAsync(folder, null, "import", WriteFile("good.json", GoodDirectory))).ExitCode);
        var before = await LoadAsync();

        var result = await HostProcess.RunCommandAsync(folder, null, "import", WriteFile("bad.json", json));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal); // no stack trace
        var after = await LoadAsync();
        Assert.Equal(before.ChangeStamp, after.ChangeStamp);
        Assert.Equal(before.Directory.Users, after.Directory.Users);
    }

    [Fact]
    public async Task A_missing_file_is_refused_with_its_name()
    {
        var result = await HostProcess.RunCommandAsync(folder, null, "import", Path.Combine(folder, "nope.json"));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("nope.json", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Set_password_reads_stdin_and_revoke_tickets_ends_sessions()
    {
        Assert.Equal(0, (await HostProcess.RunCommandAsync(folder, null, "import", WriteFile("d.json", GoodDirectory))).ExitCode);
        var set = await HostProcess.RunCommandAsync(folder, "new-secret", "set-password", "KIM");
        Assert.True(set.ExitCode == 0, set.Error);
        Assert.DoesNotContain("new-secret", set.Output + set.Error, StringComparison.Ordinal);

        string ticket;
        await using (var store = new SqliteChatStore(Path.Combine(folder, "chatpresence.db")))
        {
            await store.MigrateAsync(CancellationToken.None);
            var directory = new DirectoryCache(store);
            var tickets = new TicketAuthority(directory, store, TimeProvider.System, new IdentityOptions());
            var passwords = new Passwords(directory, store, new IdentityOptions());
            var logins = new CallerAuthenticator(tickets, passwords, directory, new NoBearerTokens(), new SecurityOptions(), TimeProvider.System);
            var login = await logins.LoginAsync("kim", "new-secret", null, null, "en", CancellationToken.None);
            Assert.True(login.Succeeded);
            ticket = login.Ticket!;
        }

        var revoke = await HostProcess.RunCommandAsync(folder, null, "revoke-tickets", "kim");
        Assert.True(revoke.ExitCode == 0, revoke.Error);
        Assert.Contains("Revoked 1 ticket", revoke.Output, StringComparison.Ordinal);

        await using (var store = new SqliteChatStore(Path.Combine(folder, "chatpresence.db")))
        {
            var tickets = new TicketAuthority(new DirectoryCache(store), store, TimeProvider.System, new IdentityOptions());
            await Assert.ThrowsAsync<ChatPresenceException>(async () => await tickets.AuthenticateTicketAsync(ticket, "en", CancellationToken.None));
        }
    }

    [Fact]
    public async Task Unknown_login_is_refused()
    {
        var result = await HostProcess.RunCommandAsync(folder, "x", "set-password", "ghost");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("No user with login 'ghost'", result.Error, StringComparison.Ordinal);
    }
}
