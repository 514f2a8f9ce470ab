using ChatPresence.Domain;
using ChatPresence.Domain.Directory;
using ChatPresence.Domain.Identity;

namespace ChatPresence.Host;

/// <summary>Reads a directory file, validates it whole, then imports it and sets the passwords it names.</summary>
public sealed class DirectoryImporter(IChatDirectoryStore store, Passwords passwords)
{
    /// <summary>Throws <see cref="DirectoryFileException"/> (and writes nothing) when the file is not valid.</summary>
    public async Task<string> ImportAsync(Stream json, CancellationToken cancellationToken)
    {
        var file = await DirectoryFile.ReadAsync(json, cancellationToken);
        await store.ImportAsync(file.Directory, cancellationToken);
        foreach (var (userId, password) in file.Passwords)
        {
            await passwords.SetAsync(userId, password, cancellationToken);
        }

        var directory = file.Directory;
        return $"{directory.Users.Count} users, {directory.Topics.Count} topics, {directory.Memberships.Count} memberships, {file.Passwords.Count} passwords";
    }
}
