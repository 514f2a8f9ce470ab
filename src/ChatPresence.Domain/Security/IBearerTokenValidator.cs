namespace ChatPresence.Domain.Security;

/// <summary>
/// Checks a Bearer token (signature, issuer, audience, lifetime) and names the user it stands for. The host supplies
/// the JWT implementation; the domain only needs the answer.
/// </summary>
public interface IBearerTokenValidator
{
    /// <summary>The user the token names (a user id or a login), or null when the token is not valid.</summary>
    ValueTask<string?> ValidateAsync(string token, CancellationToken cancellationToken);
}

/// <summary>No Bearer tokens are configured: every one is refused.</summary>
public sealed class NoBearerTokens : IBearerTokenValidator
{
    public ValueTask<string?> ValidateAsync(string token, CancellationToken cancellationToken) => ValueTask.FromResult<string?>(null);
}
