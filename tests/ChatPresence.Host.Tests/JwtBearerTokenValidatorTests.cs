using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ChatPresence.Host.Tests;

public sealed class JwtBearerTokenValidatorTests
{
    private const string Key = "a-signing-key-of-at-least-32-bytes!!";
    private const string Issuer = "https://issuer.test";
    private const string Audience = "chatpresence";
    private static readonly DateTime Now = new(2026, 1, 5, 10, 0, 0, DateTimeKind.Utc);

    private readonly ManualClock clock = new(new DateTimeOffset(Now));

    private JwtBearerTokenValidator Validator(Action<JwtOptions>? change = null)
    {
        var options = new JwtOptions { SigningKey = Key, Issuer = Issuer, Audience = Audience };
        change?.Invoke(options);
        return new JwtBearerTokenValidator(options, clock);
    }

    private static SigningCredentials Signed(string key = Key, string algorithm = SecurityAlgorithms.HmacSha256) =>
        new(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), algorithm);

    private static string Token(
        Action<SecurityTokenDescriptor>? change = null,
        IDictionary<string, object>? claims = null)
    {
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Claims = claims ?? new Dictionary<string, object> { ["sub"] = "2" },
            IssuedAt = Now.AddMinutes(-1),
            NotBefore = Now.AddMinutes(-1),
            Expires = Now.AddMinutes(10),
            SigningCredentials = Signed(),
        };
        change?.Invoke(descriptor);
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    private static string Base64Url(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));

    [Fact]
    public async Task A_valid_token_names_its_subject()
    {
        Assert.Equal("2", await Validator().ValidateAsync(Token(), CancellationToken.None));
    }

    [Fact]
    public async Task A_token_signed_with_another_key_is_refused()
    {
        var token = Token(d => d.SigningCredentials = Signed("another-signing-key-of-32-bytes-or-more"));
        Assert.Null(await Validator().ValidateAsync(token, CancellationToken.None));
    }

    [Fact]
    public async Task A_token_signed_with_another_algorithm_is_refused()
    {
        var token = Token(d => d.SigningCredentials = Signed(Key + Key, SecurityAlgorithms.HmacSha512));
        Assert.Null(await Validator(o => o.SigningKey = Key + Key).ValidateAsync(token, CancellationToken.None));
    }

    [Fact]
    public async Task A_token_from_another_issuer_is_refused()
    {
        Assert.Null(await Validator().ValidateAsync(Token(d => d.Issuer = "https://other.test"), CancellationToken.None));
    }

    [Fact]
    public async Task A_token_for_another_audience_is_refused()
    {
        Assert.Null(await Validator().ValidateAsync(Token(d => d.Audience = "someone-else"), CancellationToken.None));
    }

    [Fact]
    public async Task Expiry_is_checked_against_the_service_clock_with_the_skew()
    {
        var token = Token();
        var validator = Validator();
        clock.Now = new DateTimeOffset(Now.AddMinutes(10).AddSeconds(30)); // exp + skew: still accepted
        Assert.Equal("2", await validator.ValidateAsync(token, CancellationToken.None));
        clock.Now = new DateTimeOffset(Now.AddMinutes(10).AddSeconds(31));
        Assert.Null(await validator.ValidateAsync(token, CancellationToken.None));
    }

    [Fact]
    public async Task A_token_not_valid_yet_is_refused_beyond_the_skew()
    {
        var token = Token(d => d.NotBefore = Now.AddMinutes(1));
        var validator = Validator();
        Assert.Null(await validator.ValidateAsync(token, CancellationToken.None));
        clock.Now = new DateTimeOffset(Now.AddSeconds(29));
        Assert.Null(await validator.ValidateAsync(token, CancellationToken.None));
        clock.Now = new DateTimeOffset(Now.AddSeconds(30)); // nbf - skew
        Assert.Equal("2", await validator.ValidateAsync(token, CancellationToken.None));
    }

    [Fact]
    public async Task A_token_without_exp_is_refused()
    {
        Assert.Null(await Validator().ValidateAsync(Token(d => d.Expires = null), CancellationToken.None));
    }

    [Fact]
    public async Task An_unsigned_token_is_refused()
    {
        var payload = $"{{\"sub\":\"2\",\"iss\":\"{Issuer}\",\"aud\":\"{Audience}\",\"exp\":{new DateTimeOffset(Now.AddMinutes(10)).ToUnixTimeSeconds()}}}";
        var algNone = Base64Url("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + Base64Url(payload) + ".";
        var validator = Validator();
        Assert.Null(await validator.ValidateAsync(algNone, CancellationToken.None));
        Assert.Null(await validator.ValidateAsync(Token(d => d.SigningCredentials = null), CancellationToken.None));

        // The same claims signed are accepted: what was refused is only the missing signature.
        Assert.Equal("2", await validator.ValidateAsync(Token(), CancellationToken.None));
    }

    [Fact]
    public async Task A_token_without_the_user_claim_is_refused()
    {
        var validator = Validator();
        Assert.Null(await validator.ValidateAsync(Token(claims: new Dictionary<string, object> { ["name"] = "agent2" }), CancellationToken.None));
        Assert.Null(await validator.ValidateAsync(Token(claims: new Dictionary<string, object> { ["sub"] = "" }), CancellationToken.None));
    }

    [Fact]
    public async Task A_custom_user_claim_is_read()
    {
        var token = Token(claims: new Dictionary<string, object> { ["sub"] = "2", ["login"] = "agent3" });
        Assert.Equal("agent3", await Validator(o => o.UserClaim = "login").ValidateAsync(token, CancellationToken.None));
        Assert.Null(await Validator(o => o.UserClaim = "upn").ValidateAsync(token, CancellationToken.None));
    }

    [Fact]
    public async Task A_base64_key_is_decoded()
    {
        var bytes = Enumerable.Range(1, 32).Select(i => (byte)(i * 7)).ToArray();
        var token = Token(d => d.SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(bytes), SecurityAlgorithms.HmacSha256));
        Assert.Equal("2", await Validator(o => o.SigningKey = "base64:" + Convert.ToBase64String(bytes)).ValidateAsync(token, CancellationToken.None));
        Assert.Null(await Validator(o => o.SigningKey = Convert.ToBase64String(bytes)).ValidateAsync(token, CancellationToken.None)); // taken as text
    }

    [Theory]
    [InlineData("31-bytes-is-one-byte-too-short!")]
    [InlineData("base64:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg==")] // 31 bytes
    public void A_too_short_key_is_refused_at_construction(string key)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Validator(o => o.SigningKey = key));
        Assert.Contains("32 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Issuer_and_audience_are_required()
    {
        Assert.Throws<InvalidOperationException>(() => Validator(o => o.Issuer = null));
        Assert.Throws<InvalidOperationException>(() => Validator(o => o.Audience = " "));
    }

    [Fact]
    public async Task An_oversized_or_garbage_token_is_refused()
    {
        var validator = Validator();
        Assert.Null(await validator.ValidateAsync(new string('a', 9000), CancellationToken.None));
        Assert.Null(await validator.ValidateAsync("not.a.jwt", CancellationToken.None));
    }
}
