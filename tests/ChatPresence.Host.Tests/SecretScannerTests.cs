using System.Text;
using ChatPresence.Tests;

namespace ChatPresence.Host.Tests;

/// <summary>The scanner that checks every test host's log: it must find what it is for, and not cry wolf.</summary>
public sealed class SecretScannerTests
{
    private const string Ticket = "7T:q3Xf0w1Jm5tq9oV8m6m2c1aQz2Yt7s9kP0o4R2x8L1E=";
    private const string Jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIyIiwiZXhwIjoxNzY3MjI1NjAwfQ.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWc";

    private static string Basic(string pair) => Convert.ToBase64String(Encoding.UTF8.GetBytes(pair));

    [Theory]
    [InlineData("info: Request with ticket " + Ticket + " refused", "ticket (7T:…)")]
    [InlineData("Set-Cookie: ChatPresence-Session=7T%3Aq3Xf0w1Jm5tq9oV8m6m2c1aQz2Yt7s9kP0o4R2x8L1E%3D; path=/; httponly", "ticket (7T:…)")]
    [InlineData("Set-Cookie: ChatPresence-Session=opaque-session-value; path=/", "session cookie value")]
    [InlineData("Authorization: SoTicket " + Ticket, "ticket (7T:…)")]
    [InlineData("Authorization: Bearer " + Jwt, "JWT")]
    [InlineData("token was " + Jwt + ".", "JWT")]
    [InlineData("Bearer abc123def456ghi789", "Bearer credential")]
    [InlineData("bearer abc123def456ghi789", "bearer credential")]
    [InlineData("SoTicket 0123456789abcdef", "SoTicket credential")]
    [InlineData("Header Authorization=xyz", "Authorization header value")]
    [InlineData("X-XSRF-TOKEN: aGVsbG8td29ybGQtdG9rZW4=", "XSRF token value")]
    [InlineData("body {\"UserName\":\"kim\",\"Password\":\"hunter22\"}", "password field")]
    [InlineData("form UserName=kim&Password=hunter22", "password field")]
    [InlineData("<t:UserName>kim</t:UserName><t:Password>hunter22</t:Password>", "password element")]
    [InlineData("tried admin:admin", "demo login:password")]
    [InlineData("tried agent2:agent2 again", "demo login:password")]
    public void A_credential_in_a_line_is_reported(string line, string rule)
    {
        var findings = new SecretScanner().Scan(["first line is clean", line]);
        var finding = Assert.Single(findings, f => f.Rule == rule);
        Assert.Equal(2, finding.Line);
        Assert.Contains("«masked»", finding.MaskedLine, StringComparison.Ordinal);
    }

    [Fact]
    public void A_Basic_header_is_reported_whoever_it_is_for()
    {
        var credential = Basic("somebody:S3cret!");
        var findings = new SecretScanner().Scan("Authorization: Basic " + credential);
        Assert.DoesNotContain(credential, Assert.Single(findings, f => f.Rule == "Basic credential").MaskedLine, StringComparison.Ordinal);
        Assert.Contains(findings, f => f.Rule == "Authorization header value");
    }

    [Fact]
    public void A_demo_Basic_credential_is_reported_even_without_the_scheme()
    {
        Assert.Contains(new SecretScanner().Scan("cache key " + Basic("manager7:manager7")), f => f.Rule == "demo Basic credential (Base64)");
    }

    [Fact]
    public void A_known_secret_is_reported_plain_and_url_encoded()
    {
        var scanner = new SecretScanner().AddSecret("pa ss/word+1");
        Assert.Single(scanner.Scan("value pa ss/word+1 seen"));
        Assert.Single(scanner.Scan("value pa%20ss%2Fword%2B1 seen"));
        Assert.Empty(scanner.Scan("value pa ss/word seen"));
    }

    [Fact]
    public void ThrowIfAny_throws_with_masked_lines()
    {
        var error = Assert.Throws<SecretLeakedException>(() => new SecretScanner().ThrowIfAny("ok\nticket " + Ticket, "test text"));
        Assert.Contains("line 2", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Ticket, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    // Ordinary host log lines, including the words the rules look for.
    [InlineData("info: Microsoft.AspNetCore.Hosting.Diagnostics[1] Request starting HTTP/1.1 POST http://127.0.0.1:5000/api/v1/Login - application/json 40")]
    [InlineData("User admin logged in; login agent2 refused; manager7 saved presence")]
    [InlineData("Basic authentication is not allowed in online mode.")]
    [InlineData("No Bearer tokens are configured: every one is refused.")]
    [InlineData("WWW-Authenticate: SoTicket, Bearer, Basic")]
    [InlineData("Wrong user name or password.")]
    [InlineData("ChatPresence:Identity:PasswordIterations=1000")]
    [InlineData("Authorization failed for the request")]
    [InlineData("Set-Cookie: ChatPresence-Session=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/")]
    [InlineData("Connection id \"0HNAB7T:12\" started; TraceId 4bf92f3577b34da6a3ce929d0e0e4736")]
    [InlineData("7T:short")]
    public void An_ordinary_line_is_not_reported(string line)
    {
        Assert.Empty(new SecretScanner().Scan(line));
    }

    [Fact]
    public void A_short_known_secret_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new SecretScanner().AddSecret("admin"));
    }
}
