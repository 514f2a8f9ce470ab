using System.Text;
using ChatPresence.Domain.Directory;
using ChatPresence.Storage.Sqlite;
using CsCheck;

namespace ChatPresence.Host.Tests;

/// <summary>
/// Issue 10: generated hostile directory files (text XML cannot carry, huge, deep JSON, broken JSON) are refused
/// with a <see cref="DirectoryFileException"/> naming the problem, never another exception, and a store that already
/// holds a directory is left exactly as it was.
/// </summary>
public sealed class HostileDirectoryFileTests
{
    public static TheoryData<string> Explicit() => new(ExplicitFiles.Keys);

    private static readonly Dictionary<string, Func<string>> ExplicitFiles = new()
    {
        ["deep JSON 10k"] = () => "{\"users\":" + new string('[', 10_000) + new string(']', 10_000) + "}",
        ["deep JSON 100k unclosed"] = () => new string('[', 100_000),
        ["deep objects in a name"] = () => "{\"users\":[{\"id\":1,\"login\":\"a\",\"displayName\":" + string.Concat(Enumerable.Repeat("{\"a\":", 5_000)) + "1" + new string('}', 5_000) + "}]}",
        ["a 5 MB display name"] = () => User(new string('n', 5_000_000)),
        ["a 5 MB display name ending in U+0001"] = () => User(new string('n', 5_000_000) + "\\u0001"),
        ["100k users, one bad"] = () => "{\"users\":[" + string.Join(',', Enumerable.Range(1, 100_000).Select(i => $"{{\"id\":{i},\"login\":\"u{i}\",\"displayName\":\"{(i == 99_999 ? "x\\u001F" : "ok")}\"}}")) + "]}",
        ["U+FFFE"] = () => User("a\\uFFFE"),
        ["U+FFFF raw"] = () => User("a\uFFFF"),
        ["lone high surrogate"] = () => User("a\\ud800"),
        ["lone low surrogate"] = () => User("a\\udc00b"),
        ["NUL"] = () => User("\\u0000"),
        ["raw control in JSON"] = () => User("a\u0001b"),
    };

    [Theory]
    [MemberData(nameof(Explicit))]
    public async Task An_explicit_hostile_file_is_refused_and_changes_nothing(string name)
    {
        await AssertRefusedAsync(Encoding.UTF8.GetBytes(ExplicitFiles[name]()), name);
    }

    [Fact]
    public async Task Every_C0_control_and_noncharacter_in_every_text_field_is_refused()
    {
        foreach (var c in Enumerable.Range(0, 32).Where(c => c is not (9 or 10 or 13)).Append(0xFFFE).Append(0xFFFF).Append(0xD800).Append(0xDFFF))
        {
            var escaped = $"\\u{c:X4}";
            await AssertRefusedAsync(Encoding.UTF8.GetBytes(User("x" + escaped)), $"displayName {escaped}");
            await AssertRefusedAsync(Encoding.UTF8.GetBytes($"{{\"users\":[{{\"id\":1,\"login\":\"l{escaped}\"}}]}}"), $"login {escaped}");
            await AssertRefusedAsync(Encoding.UTF8.GetBytes($"{{\"topics\":[{{\"id\":1,\"name\":\"t{escaped}\"}}]}}"), $"topic name {escaped}");
        }
    }

    [Fact]
    public async Task Generated_hostile_files_are_refused_or_valid_and_never_crash()
    {
        string[] pieces = ["{", "}", "[", "]", ",", ":", "\"users\"", "\"topics\"", "\"id\"", "1", "-1", "\"a\\u0001\"", "\"\\ud800\"", "\"\\uFFFE\"", "null", "true", "\"x\"", "\u0001", "\uFFFF", "/*", "*/"];
        var gen = Gen.Int[0, pieces.Length - 1].Array[0, 300].Select(ix => "{\"users\":[{\"id\":1,\"login\":\"a\",\"displayName\":\"ok\"}]," + string.Concat(ix.Select(i => pieces[i])));
        await gen.SampleAsync(async json => await AssertRefusedAsync(Encoding.UTF8.GetBytes(json), json.Length > 120 ? json[..120] : json), iter: 300, threads: 1);
    }

    /// <summary>Cost, not time: reading a file of n and of 10n users (valid, or refused for its last record) allocates at most ~12× as much.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Reading_a_directory_file_costs_allocations_linear_in_its_size(bool lastRecordBad)
    {
        static byte[] File(int users, bool bad) => Encoding.UTF8.GetBytes("{\"users\":[" + string.Join(',', Enumerable.Range(1, users).Select(i =>
            $"{{\"id\":{i},\"login\":\"u{i}\",\"displayName\":\"User {i}{(bad && i == users ? "\\u0001" : "")}\"}}")) + "]}");

        async Task<long> AllocatedAsync(byte[] file)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                await DirectoryFile.ReadAsync(new MemoryStream(file), CancellationToken.None);
            }
            catch (DirectoryFileException)
            {
                // the bad last record: refused, after reading the whole file
            }

            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        await AllocatedAsync(File(100, lastRecordBad)); // warm-up: first-call costs are not the file's
        var small = await AllocatedAsync(File(2_000, lastRecordBad));
        var large = await AllocatedAsync(File(20_000, lastRecordBad));
        Assert.True(large <= 12 * small, $"2,000 users: {small:N0} B, 20,000 users: {large:N0} B ({(double)large / small:F1}×)");
    }

    private static string User(string displayNameJson) => $"{{\"users\":[{{\"id\":4,\"login\":\"a\",\"displayName\":\"{displayNameJson}\"}}]}}";

    private static async Task AssertRefusedAsync(byte[] file, string name)
    {
        var folder = Directory.CreateTempSubdirectory("chatpresence-hostile-dir-").FullName;
        try
        {
            await using var store = new SqliteChatStore(Path.Combine(folder, "chat.db"));
            await store.MigrateAsync(CancellationToken.None);
            var original = new ChatDirectory([new ChatUser(1, "keep", "Keep Me", ChatRole.Agent, true)], [], [], new Dictionary<int, int>());
            await store.ImportAsync(original, CancellationToken.None);
            var stamp = await store.GetChangeStampAsync(CancellationToken.None);

            var error = await Assert.ThrowsAsync<DirectoryFileException>(async () =>
            {
                var read = await DirectoryFile.ReadAsync(new MemoryStream(file), CancellationToken.None);
                await store.ImportAsync(read.Directory, CancellationToken.None); // only reached by a valid file
                throw new DirectoryFileException("valid"); // a generated file may be valid: then it imported cleanly
            });
            Assert.False(string.IsNullOrWhiteSpace(error.Message), name);
            if (error.Message != "valid")
            {
                Assert.Equal(stamp, await store.GetChangeStampAsync(CancellationToken.None));
                Assert.Equal("Keep Me", (await store.LoadAsync(CancellationToken.None)).Directory.Users.Single().DisplayName);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
