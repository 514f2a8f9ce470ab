using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ChatPresence.Host.Tests.Security;

/// <summary>
/// Mints the JWTs the tests present: HS256 with the host's key, issuer and audience unless a case changes one of
/// them. Times come from the test's clock, never from the library's defaults.
/// </summary>
public sealed class JwtMint(string signingKey, string issuer, string audience)
{
    private readonly JsonWebTokenHandler handler = new() { SetDefaultTimesOnTokenCreation = false };

    public string SigningKey { get; } = signingKey;

    public string Issuer { get; } = issuer;

    public string Audience { get; } = audience;

    /// <param name="subject">The <c>sub</c> claim (a user id or a login); null leaves it out.</param>
    /// <param name="now">The token's issue time.</param>
    /// <param name="lifetime">From issue to <c>exp</c>; null leaves <c>exp</c> out.</param>
    public string Create(
        string? subject,
        DateTimeOffset now,
        TimeSpan? lifetime = null,
        string? issuer = null,
        string? audience = null,
        string? key = null,
        string algorithm = SecurityAlgorithms.HmacSha256,
        TimeSpan? notBeforeOffset = null)
    {
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = audience ?? Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = (now + (notBeforeOffset ?? TimeSpan.Zero)).UtcDateTime,
            Expires = lifetime is { } l ? (now + l).UtcDateTime : null,
            Subject = subject is null ? new ClaimsIdentity() : new ClaimsIdentity([new Claim("sub", subject)]),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key ?? SigningKey)), algorithm),
        };
        return handler.CreateToken(descriptor);
    }

    /// <summary>A token with <c>alg: none</c> and no signature, otherwise valid.</summary>
    public string Unsigned(string subject, DateTimeOffset now)
    {
        var header = """{"alg":"none","typ":"JWT"}""";
        var payload = $$"""{"iss":"{{Issuer}}","aud":"{{Audience}}","sub":"{{subject}}","iat":{{now.ToUnixTimeSeconds()}},"nbf":{{now.ToUnixTimeSeconds()}},"exp":{{now.AddMinutes(10).ToUnixTimeSeconds()}}}""";
        return Base64UrlEncoder.Encode(header) + "." + Base64UrlEncoder.Encode(payload) + ".";
    }

    /// <summary>A valid token whose payload is then replaced (another <c>sub</c>), keeping the original signature.</summary>
    public string Tampered(string signedSubject, string presentedSubject, DateTimeOffset now)
    {
        var parts = Create(signedSubject, now, TimeSpan.FromMinutes(10)).Split('.');
        var payload = Base64UrlEncoder.Decode(parts[1]).Replace($"\"sub\":\"{signedSubject}\"", $"\"sub\":\"{presentedSubject}\"", StringComparison.Ordinal);
        Assert.Contains(presentedSubject, payload, StringComparison.Ordinal);
        return parts[0] + "." + Base64UrlEncoder.Encode(payload) + "." + parts[2];
    }
}
