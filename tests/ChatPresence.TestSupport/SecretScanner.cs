using System.Text;
using System.Text.RegularExpressions;

namespace ChatPresence.Tests;

/// <summary>One secret found in captured output: where, which rule, and the line with the secret masked.</summary>
public sealed record SecretFinding(int Line, string Rule, string MaskedLine)
{
    public override string ToString() => $"line {Line}: {Rule}: {MaskedLine}";
}

/// <summary>
/// Looks for credentials in log output. Shapes are matched by rule, so a ticket or token the test never saw is still
/// caught; exact values a test knows (a ticket it was given, a password it chose) can be added with
/// <see cref="AddSecret"/>.
/// <para>
/// Passwords: the demo passwords equal the login names (admin/admin, agent2/agent2, …), and login names appear in logs
/// legitimately, so a bare word is never a finding. What is flagged is a password <em>field</em> with a value
/// (<c>"Password":"x"</c>, <c>Password=x</c>, <c>&lt;Password&gt;x&lt;/Password&gt;</c>), a <c>login:password</c> pair of a
/// demo user, and its Base64 (a logged Basic header). A test that wants a password checked as a bare value uses a
/// distinctive one and adds it with <see cref="AddSecret"/>.
/// </para>
/// </summary>
public sealed partial class SecretScanner
{
    /// <summary>login:password of every user in samples/demo-directory.json (passwords equal logins).</summary>
    public static readonly IReadOnlyList<string> DemoCredentials =
        ["admin:admin", "agent2:agent2", "agent3:agent3", "agent4:agent4", "agent5:agent5", "agent6:agent6", "manager7:manager7", "clerk8:clerk8"];

    private static readonly (string Rule, string Value)[] DemoShapes = DemoCredentials
        .SelectMany(pair => new[] { ("demo login:password", pair), ("demo Basic credential (Base64)", Convert.ToBase64String(Encoding.UTF8.GetBytes(pair))) })
        .ToArray();

    private readonly List<string> known = [];

    /// <summary>An exact value that must not appear (also caught URL-encoded). Values shorter than 6 characters are refused: too likely to match by accident.</summary>
    public SecretScanner AddSecret(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        if (value.Length < 6)
        {
            throw new ArgumentException("A secret shorter than 6 characters would match ordinary text; use a distinctive value.", nameof(value));
        }

        lock (known)
        {
            known.Add(value);
            var escaped = Uri.EscapeDataString(value);
            if (escaped != value)
            {
                known.Add(escaped);
            }
        }

        return this;
    }

    public IReadOnlyList<SecretFinding> Scan(string text) => Scan(text.Split('\n'));

    public IReadOnlyList<SecretFinding> Scan(IEnumerable<string> lines)
    {
        string[] exact;
        lock (known)
        {
            exact = [.. known];
        }

        var findings = new List<SecretFinding>();
        var number = 0;
        foreach (var line in lines)
        {
            number++;
            foreach (var (rule, start, length) in Matches(line, exact))
            {
                findings.Add(new SecretFinding(number, rule, Mask(line, start, length)));
            }
        }

        return findings;
    }

    /// <summary>Throws with every finding (secrets masked) when <paramref name="text"/> holds any.</summary>
    public void ThrowIfAny(string text, string where)
    {
        var findings = Scan(text);
        if (findings.Count > 0)
        {
            throw new SecretLeakedException($"{findings.Count} secret(s) in {where}:\n" + string.Join('\n', findings.Take(20)));
        }
    }

    private static IEnumerable<(string Rule, int Start, int Length)> Matches(string line, string[] exact)
    {
        foreach (Match m in Ticket().Matches(line))
        {
            yield return ("ticket (7T:…)", m.Index, m.Length);
        }

        foreach (Match m in BasicHeader().Matches(line))
        {
            // "Basic authentication is not allowed" is a message, not a credential: a credential decodes to user:password.
            if (DecodesToPair(m.Groups[1].Value))
            {
                yield return ("Basic credential", m.Groups[1].Index, m.Groups[1].Length);
            }
        }

        foreach (Match m in SchemeHeader().Matches(line))
        {
            // A word after the scheme ("Bearer tokens are …") is prose; a credential has a digit or a symbol.
            var value = m.Groups[2].Value;
            if (value.Any(c => !char.IsLetter(c)))
            {
                yield return ($"{m.Groups[1].Value} credential", m.Groups[2].Index, m.Groups[2].Length);
            }
        }

        foreach (Match m in AuthorizationValue().Matches(line))
        {
            yield return ("Authorization header value", m.Groups[1].Index, m.Groups[1].Length);
        }

        foreach (Match m in Jwt().Matches(line))
        {
            yield return ("JWT", m.Index, m.Length);
        }

        foreach (Match m in SessionCookie().Matches(line))
        {
            yield return ("session cookie value", m.Groups[1].Index, m.Groups[1].Length);
        }

        foreach (Match m in XsrfToken().Matches(line))
        {
            yield return ("XSRF token value", m.Groups[1].Index, m.Groups[1].Length);
        }

        foreach (Match m in PasswordField().Matches(line))
        {
            yield return ("password field", m.Groups[1].Index, m.Groups[1].Length);
        }

        foreach (Match m in PasswordElement().Matches(line))
        {
            yield return ("password element", m.Groups[1].Index, m.Groups[1].Length);
        }

        foreach (var (rule, value) in DemoShapes)
        {
            for (var at = line.IndexOf(value, StringComparison.Ordinal); at >= 0; at = line.IndexOf(value, at + 1, StringComparison.Ordinal))
            {
                yield return (rule, at, value.Length);
            }
        }

        foreach (var value in exact)
        {
            for (var at = line.IndexOf(value, StringComparison.Ordinal); at >= 0; at = line.IndexOf(value, at + 1, StringComparison.Ordinal))
            {
                yield return ("known secret", at, value.Length);
            }
        }
    }

    private static bool DecodesToPair(string base64)
    {
        var bytes = new byte[base64.Length];
        if (!Convert.TryFromBase64String(base64, bytes, out var length))
        {
            return false;
        }

        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 0, length).Contains(':', StringComparison.Ordinal);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    /// <summary>Keeps the first two characters of a secret so a reader can tell which one it was.</summary>
    private static string Mask(string line, int start, int length)
    {
        var shown = Math.Min(2, length);
        return line[..(start + shown)] + "«masked»" + line[(start + length)..];
    }

    // 7T: (or URL-encoded 7T%3A, as in a Set-Cookie) followed by a ticket's Base64; not inside a longer Base64 run.
    [GeneratedRegex(@"(?<![A-Za-z0-9+/])7T(?::|%3[Aa])[A-Za-z0-9+/=%_-]{6,}")]
    private static partial Regex Ticket();

    [GeneratedRegex(@"\bBasic\s+([A-Za-z0-9+/]{4,}={0,2})(?![A-Za-z0-9+/=])", RegexOptions.IgnoreCase)]
    private static partial Regex BasicHeader();

    [GeneratedRegex(@"\b(Bearer|SoTicket)\s+([^\s""',;]{8,})", RegexOptions.IgnoreCase)]
    private static partial Regex SchemeHeader();

    // "Authorization: …" or "Authorization=…" (a logged header); a redaction marker is fine.
    [GeneratedRegex(@"\bAuthorization[""']?\s*[:=]\s*[""']?(?!\[Redacted\]|\*+)([^\s""',;]+)", RegexOptions.IgnoreCase)]
    private static partial Regex AuthorizationValue();

    [GeneratedRegex(@"\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.?[A-Za-z0-9_-]*")]
    private static partial Regex Jwt();

    [GeneratedRegex(@"ChatPresence-Session=([^;\s,""]+)", RegexOptions.IgnoreCase)]
    private static partial Regex SessionCookie();

    [GeneratedRegex(@"\bX?-?XSRF-TOKEN[""']?\s*[:=]\s*[""']?([A-Za-z0-9+/=_%-]{8,})", RegexOptions.IgnoreCase)]
    private static partial Regex XsrfToken();

    // "Password": "x" / Password=x / password: x — a value after a password field label.
    [GeneratedRegex(@"\bpassword[""']?\s*[:=]\s*[""']?(?!\[Redacted\]|\*+)([^\s""',;&}<]+)", RegexOptions.IgnoreCase)]
    private static partial Regex PasswordField();

    // <Password>x</Password>, with or without a namespace prefix.
    [GeneratedRegex(@"<(?:\w+:)?Password>([^<]+)</", RegexOptions.IgnoreCase)]
    private static partial Regex PasswordElement();
}

/// <summary>Captured output held a credential.</summary>
public sealed class SecretLeakedException(string message) : Exception(message);
