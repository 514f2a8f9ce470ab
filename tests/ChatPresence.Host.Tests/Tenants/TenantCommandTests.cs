using ChatPresence.Storage.Sqlite;

namespace ChatPresence.Host.Tests.Tenants;

/// <summary>
/// Issue 17: <c>import &lt;file&gt; --tenant &lt;id&gt;</c> as a real host process on real SQLite files: the named
/// tenant's file gets the directory, the other tenant's file and the host-wide file are not touched.
/// </summary>
public sealed class TenantCommandTests : IDisposable
{
    private const string Directory1 = """
        { "users": [ { "id": 1, "login": "boss", "displayName": "Boss of A", "role": "Administrator", "password": "pw-boss" } ] }
        """;

    private readonly string folder = Directory.CreateTempSubdirectory("chatpresence-tenant-cli-").FullName;

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

    [Fact]
    public async Task Import_with_tenant_fills_that_tenants_store_only()
    {
        var file = Path.Combine(folder, "a.json");
        await File.WriteAllTextAsync(file, Directory1);
        string[] tenants = ["--ChatPresence:Tenants:CustA:InitialDirectory=", "--ChatPresence:Tenants:CustB:InitialDirectory="];

        var run = await HostProcess.RunCommandAsync(folder, null, ["import", file, "--tenant", "CustA", .. tenants]);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("1 users", run.Output, StringComparison.Ordinal);

        await using (var a = new SqliteChatStore(Path.Combine(folder, "tenants", "CustA.db")))
        {
            var loaded = await a.LoadAsync(CancellationToken.None);
            Assert.Equal("Boss of A", Assert.Single(loaded.Directory.Users).DisplayName);
        }

        Assert.False(File.Exists(Path.Combine(folder, "tenants", "CustB.db")), "tenant B's store was made by an import into A");
        Assert.False(File.Exists(Path.Combine(folder, "chatpresence.db")), "the host-wide store was made by an import into a tenant");

        var unnamed = await HostProcess.RunCommandAsync(folder, null, ["import", file, .. tenants]);
        Assert.Equal(2, unnamed.ExitCode);
        Assert.Contains("--tenant", unnamed.Error, StringComparison.Ordinal);
    }
}
