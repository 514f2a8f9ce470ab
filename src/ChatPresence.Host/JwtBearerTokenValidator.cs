using System.ComponentModel.DataAnnotations;

using System.Text;
using ChatPresence.Domain.Security;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ChatPresence.Host;

/// <summary>Bearer token settings (configuration section <c>ChatPresence:Security:Jwt</c>).</summary>
public sealed class JwtOptions
{
    public const string Section = "ChatPresence:Security:Jwt";

    /// <summary>The HMAC-SHA256 signing key: text (at least 32 bytes of UTF-8), or <c>base64:</c> followed by Base64. Unset: Bearer is refused.</summary>
    public string? SigningKey { get; set; }

    public string? Issuer { get; set; }

    public string? Audience { get; set; }

    /// <summary>The claim naming the user.</summary>
    [Required]
    public string UserClaim { get; set; } = "sub";

    /// <summary>Whether <see cref="UserClaim"/> holds a user id (default, as before) or a login name.</summary>
    public UserClaimType UserClaimType { get; set; } = UserClaimType.Id;

    /// <summary>
    /// On a host serving tenants (<c>ChatPresence:Tenants</c>): the claim naming the tenant a token is for; a token is
    /// valid only under that tenant. Ignored without tenants.
    /// </summary>
    [Required]
    public string TenantClaim { get; set; } = "tenant";

    /// <summary>Tolerance for clock differences when checking <c>exp</c> and <c>nbf</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "3650.00:00:00")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Checks a JWT: HS256 signature with the configured key, the configured issuer and audience, and the lifetime
/// (<c>exp</c> required) against the service's clock. The user comes from <see cref="JwtOptions.UserClaim"/>.
/// </summary>
public sealed class JwtBearerTokenValidator : IBearerTokenValidator
{
    private readonly JsonWebTokenHandler handler = new() { MapInboundClaims = false };
    private readonly TokenValidationParameters parameters;
    private readonly string userClaim;
    private readonly string? tenant;
    private readonly string tenantClaim;

    /// <param name="tenant">The tenant this validator serves: the token's <see cref="JwtOptions.TenantClaim"/> must name
    /// it. Null (a host without tenants): no tenant claim is looked at.</param>
    public JwtBearerTokenValidator(JwtOptions options, TimeProvider clock, string? tenant = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Issuer) || string.IsNullOrWhiteSpace(options.Audience))
        {
            throw new InvalidOperationException($"{JwtOptions.Section}: Issuer and Audience are required with a SigningKey.");
        }

        var key = options.SigningKey!.StartsWith("base64:", StringComparison.Ordinal)
            ? Convert.FromBase64String(options.SigningKey["base64:".Length..])
            : Encoding.UTF8.GetBytes(options.SigningKey);
        if (key.Length < 32)
        {
            throw new InvalidOperationException($"{JwtOptions.Section}:SigningKey must be at least 32 bytes.");
        }

        if (!Enum.IsDefined(options.UserClaimType))
        {
            throw new InvalidOperationException($"{JwtOptions.Section}:UserClaimType must be Id or Login.");
        }

        userClaim = options.UserClaim;
        UserClaimType = options.UserClaimType;
        this.tenant = tenant;
        tenantClaim = options.TenantClaim;
        var skew = options.ClockSkew;
        parameters = new TokenValidationParameters
        {
            IssuerSigningKey = new SymmetricSecurityKey(key),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ValidIssuer = options.Issuer,
            ValidAudience = options.Audience,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateLifetime = true,
            // Lifetime against the service's clock (injectable), not DateTime.UtcNow.
            LifetimeValidator = (notBefore, expires, _, _) =>
            {
                var now = clock.GetUtcNow().UtcDateTime;
                return expires is { } exp && now <= exp + skew && (notBefore is not { } nbf || now >= nbf - skew);
            },
        };
    }

    public UserClaimType UserClaimType { get; }

    public async ValueTask<string?> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        if (token.Length > 8192)
        {
            return null;
        }

        var result = await handler.ValidateTokenAsync(token, parameters);
        return result.IsValid
            && (tenant is null || string.Equals(result.ClaimsIdentity.FindFirst(tenantClaim)?.Value, tenant, StringComparison.OrdinalIgnoreCase))
            && result.ClaimsIdentity.FindFirst(userClaim)?.Value is { Length: > 0 } user
                ? user
                : null;
    }
}
