namespace ChatPresence.Tests;

/// <summary>Files of the repository, found from the test binaries (nothing outside the repository is read).</summary>
public static class RepoPaths
{
    /// <summary>The folder holding ChatPresence.sln, walking up from the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The published contract the served WSDL is compared with: <c>tests/ChatPresence.Soap.Tests/Contract/</c>.</summary>
    public static string ContractReference => Path.Combine(Root, "tests", "ChatPresence.Soap.Tests", "Contract");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ChatPresence.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("ChatPresence.sln not found above " + AppContext.BaseDirectory);
    }
}
