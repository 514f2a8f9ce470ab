namespace ChatPresence.Soap.Tests.Infrastructure;

/// <summary>Files of the repository and of ../shared, found from the test binaries.</summary>
public static class RepoPaths
{
    /// <summary>The folder holding ChatPresence.sln, walking up from the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>../shared/reference beside the repository root.</summary>
    public static string SharedReference => Path.GetFullPath(Path.Combine(Root, "..", "shared", "reference"));

    public static string DemoDirectoryJson => File.ReadAllText(Path.Combine(Root, "samples", "demo-directory.json"));

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
