namespace ChatPresence.Domain.Security;

/// <summary>
/// Checks a Bearer token (signature, issuer, audience, lifetime) and names the user it stands for. The host supplies
/// the JWT implementation; the domain only needs the answer.
/// </summary>
public interface IBearerTokenValidator
{
    /// <summary>What the user claim holds (configuration; never guessed from the value).</summary>
    UserClaimType UserClaimType { get; }

    /// <summary>The user claim's value (a user id or a login, as <see cref="UserClaimType"/> says), or null when the token is not valid.</summary>
    ValueTask<string?> ValidateAsync(string token, CancellationToken cancellationToken);
}

/// <summary>What a Bearer token's user claim holds.</summary>
public enum UserClaimType
{
    /// <summary>A user id (decimal digits); anything else names no user.</summary>
    Id,

    /// <summary>A login name, matched case-insensitively, even when it is all digits.</summary>
    Login,
}

/// <summary>No Bearer tokens are configured: every one is refused.</summary>
public sealed class NoBearerTokens : IBearerTokenValidator
{
    public UserClaimType UserClaimType => UserClaimType.Id;

    public ValueTask<string?> ValidateAsync(string token, CancellationToken cancellationToken) => ValueTask.FromResult<string?>(null);
}
