using ChatPresence.Domain.Directory;

namespace ChatPresence.Domain.Identity;

/// <summary>
/// The users' passwords: verified against the stored hash (an unknown login against a decoy, at the same cost) and
/// set. Hashing is <see cref="PasswordHasher"/>'s; throttling and tickets are not this type's concern (a login goes
/// through <see cref="Security.CallerAuthenticator"/>).
/// </summary>
public sealed class Passwords(DirectoryCache directory, ICredentialStore credentials, IdentityOptions options)
{
    private readonly PasswordHasher hasher = new(options.PasswordIterations);

    /// <summary>The user whose login and password these are, or null. Issues nothing.</summary>
    public async Task<ChatUser?> VerifyAsync(string? userName, string? password, CancellationToken cancellationToken)
    {
        var view = await directory.GetAsync(cancellationToken);
        var user = string.IsNullOrEmpty(userName) ? null : view.FindUserByLogin(userName);
        var stored = user is null ? null : await credentials.GetPasswordAsync(user.Id, cancellationToken);
        var verified = hasher.VerifyOrDecoy(password ?? string.Empty, stored);
        return user is null || stored is null || password is null || !verified ? null : user;
    }

    public Task SetAsync(int userId, string password, CancellationToken cancellationToken) =>
        credentials.SetPasswordAsync(userId, hasher.Hash(password), cancellationToken);
}
