using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;

namespace ChatPresence.Host.Tests.Security;

/// <summary>What a call came to, the same words for SOAP and REST.</summary>
public enum Outcome
{
    Ok,
    NotAuthenticated,
    ApplicationTokenRequired,
    Forbidden,
    Throttled,
}

/// <summary>How a credential travels; each facade carries some of these.</summary>
public enum PresentedKind
{
    None,
    Ticket,
    Bearer,
    Basic,

    /// <summary>A raw Authorization header value (REST), e.g. an unknown scheme.</summary>
    Authorization,

    /// <summary>The session cookie, the XSRF-TOKEN cookie and (when given) an X-XSRF-TOKEN header (REST).</summary>
    Session,
}

/// <summary>A credential as a call presents it. <see cref="ToString"/> leaves the secret out (test names, logs).</summary>
public sealed record Presented(PresentedKind Kind, string? Value = null, string? XsrfHeader = null, string? XsrfCookie = null)
{
    public static Presented None { get; } = new(PresentedKind.None);

    public static Presented Ticket(string ticket) => new(PresentedKind.Ticket, ticket);

    public static Presented Bearer(string token) => new(PresentedKind.Bearer, token);

    public static Presented Basic(string user, string password) => BasicRaw(Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password)));

    public static Presented BasicRaw(string parameter) => new(PresentedKind.Basic, parameter);

    public static Presented Authorization(string header) => new(PresentedKind.Authorization, header);

    /// <param name="xsrfHeader">The X-XSRF-TOKEN header; null sends none.</param>
    public static Presented Session(string ticket, string? xsrfHeader, string? xsrfCookie) => new(PresentedKind.Session, ticket, xsrfHeader, xsrfCookie);

    public override string ToString() => Kind.ToString();
}

/// <summary>One row of a GetChatPresence reply, with the rights the caller sees on it (masks as "Select Update").</summary>
public sealed record PresenceRow(int UserId, bool Present, string TableRight, string TableReason, IReadOnlyDictionary<string, string> FieldRights, string PresentReason);

/// <summary>A call's normalized result, plus the raw parts tests check further.</summary>
public sealed record FacadeResult(Outcome Outcome, int HttpStatus, string? ErrorType, string? Message, IReadOnlyList<PresenceRow> Rows, HttpResponseMessage Response, string Body)
{
    /// <summary>What a successful login gives to present on later calls: a ticket (SOAP) or the session cookies (REST).</summary>
    public Presented? Session { get; init; }
}

/// <summary>
/// GetChatPresence/SaveChatPresence/login through one facade with a given credential. Each implementation also
/// asserts what every reply of its facade must satisfy (status ↔ error type, headers, no stack traces).
/// </summary>
public interface IFacadeCaller
{
    string Name { get; }

    bool Carries(PresentedKind kind);

    Task<FacadeResult> GetAsync(Presented credential, string? applicationToken);

    Task<FacadeResult> SaveAsync(Presented credential, string? applicationToken, IReadOnlyList<(int UserId, bool Present)> presences);

    /// <summary>SoPrincipal AuthenticateUsernamePassword or REST Login. A wrong password is <see cref="Outcome.NotAuthenticated"/>.</summary>
    Task<FacadeResult> LoginAsync(string userName, string password, string? applicationToken);
}

public static class FacadeCallers
{
    public const string Soap11 = "SOAP 1.1";
    public const string Soap12 = "SOAP 1.2";
    public const string Rest = "REST";

    public static readonly string[] All = [Soap11, Soap12, Rest];

    public static IFacadeCaller Create(string facade, HttpClient client) => facade switch
    {
        Soap11 => new SoapCaller(client, soap12: false),
        Soap12 => new SoapCaller(client, soap12: true),
        Rest => new RestCaller(client),
        _ => throw new ArgumentOutOfRangeException(nameof(facade), facade, null),
    };

    /// <summary>SOAP's Credentials/Ticket header carries tickets (and, online, Bearer tokens); it has no Basic or cookies.</summary>
    public static bool Carries(string facade, PresentedKind kind) =>
        facade == Rest || kind is PresentedKind.None or PresentedKind.Ticket or PresentedKind.Bearer;

    /// <summary>Replies must never carry .NET stack frames (the hosts run as Production).</summary>
    internal static void AssertNoStackTrace(string body)
    {
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception:", body, StringComparison.Ordinal);
        Assert.DoesNotContain(".cs:line", body, StringComparison.Ordinal);
    }

    /// <summary>A full row as the security tests compare it across facades: masks normalized, reasons "" when nil.</summary>
    internal static PresenceRow Normalize(ReplyRow row)
    {
        var fields = row.FieldRights ?? throw new Xunit.Sdk.XunitException($"user {row.UserId}: no FieldProperties");
        return new PresenceRow(
            row.UserId,
            row.Present,
            Mask(row.TableRightMask ?? throw new Xunit.Sdk.XunitException($"user {row.UserId}: no TableRight")),
            row.TableRightReason ?? string.Empty,
            fields.ToDictionary(f => f.Key, f => Mask(f.Value!.Mask)),
            fields["Present"]!.Reason ?? string.Empty);
    }

    /// <summary>"Select, Update" (JSON) and "Select Update" (XML) both become "Select Update".</summary>
    internal static string Mask(string? text) =>
        string.Join(' ', (text ?? string.Empty).Split([',', ' '], StringSplitOptions.RemoveEmptyEntries));
}

/// <summary>Chat.svc and SoPrincipal.svc with hand-written envelopes (SOAP 1.1 or 1.2).</summary>
public sealed class SoapCaller(HttpClient client, bool soap12) : IFacadeCaller
{
    private static readonly XNamespace T = SoapMessages.Tns;
    private static readonly XNamespace I = SoapMessages.Xsi;
    private readonly XNamespace envelope = soap12 ? "http://www.w3.org/2003/05/soap-envelope" : "http://schemas.xmlsoap.org/soap/envelope/";

    public string Name => soap12 ? FacadeCallers.Soap12 : FacadeCallers.Soap11;

    public bool Carries(PresentedKind kind) => FacadeCallers.Carries(Name, kind);

    public Task<FacadeResult> GetAsync(Presented credential, string? applicationToken) =>
        CallAsync("Chat", "GetChatPresence", credential, applicationToken, new XElement(T + "GetChatPresence"));

    public Task<FacadeResult> SaveAsync(Presented credential, string? applicationToken, IReadOnlyList<(int UserId, bool Present)> presences) =>
        CallAsync("Chat", "SaveChatPresence", credential, applicationToken, new XElement(
            T + "SaveChatPresence",
            new XElement(T + "ChatPresence", presences.Select(p => new XElement(
                T + "ChatPresence",
                new XElement(T + "UserId", p.UserId),
                new XElement(T + "Present", p.Present ? "true" : "false"))))));

    public async Task<FacadeResult> LoginAsync(string userName, string password, string? applicationToken)
    {
        var result = await CallAsync("SoPrincipal", "AuthenticateUsernamePassword", Presented.None, applicationToken, new XElement(
            T + "AuthenticateUsernamePassword", new XElement(T + "UserName", userName), new XElement(T + "Password", password)));
        if (result.Outcome != Outcome.Ok)
        {
            return result;
        }

        var response = XDocument.Parse(result.Body).Descendants(T + "AuthenticateUsernamePasswordResponse").Single().Element(T + "Response")!;
        if (response.Element(T + "AuthenticationSucceeded")!.Value != "true")
        {
            Assert.Equal("true", response.Element(T + "Credentials")!.Attribute(I + "nil")?.Value);
            return result with { Outcome = Outcome.NotAuthenticated };
        }

        var ticket = response.Element(T + "Credentials")!.Element(T + "Ticket")!.Value;
        Assert.StartsWith("7T:", ticket, StringComparison.Ordinal);
        return result with { Session = Presented.Ticket(ticket) };
    }

    private async Task<FacadeResult> CallAsync(string service, string operation, Presented credential, string? applicationToken, XElement body)
    {
        Assert.True(Carries(credential.Kind), $"{Name} cannot carry {credential.Kind}");
        var header = new XElement(envelope + "Header");
        if (applicationToken is not null)
        {
            header.Add(new XElement(T + "ApplicationToken", applicationToken));
        }

        if (credential.Kind != PresentedKind.None)
        {
            header.Add(new XElement(T + "Credentials", new XElement(T + "Ticket", credential.Value)));
        }

        var document = new XElement(envelope + "Envelope", new XAttribute(XNamespace.Xmlns + "s", envelope), new XAttribute(XNamespace.Xmlns + "t", T), header, new XElement(envelope + "Body", body));
        // The address, content type and action of the request's SOAP version, as every test project builds them.
        using var request = SoapMessages.Request(soap12, $"Remote/Services86/{service}.svc", operation, document.ToString(SaveOptions.DisableFormatting));
        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        FacadeCallers.AssertNoStackTrace(text);

        // Authentication and business refusals are replies, never faults: generated proxies read Succeeded.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reply = XDocument.Parse(text);
        var soapHeader = reply.Root!.Element(envelope + "Header")!;
        var succeeded = soapHeader.Element(T + "Succeeded")!.Value == "true";
        var info = soapHeader.Element(T + "ExceptionInfo")!;
        if (succeeded)
        {
            Assert.Equal("true", info.Attribute(I + "nil")?.Value);
            var rows = operation == "GetChatPresence" ? RowsOf(reply) : [];
            return new FacadeResult(Outcome.Ok, 200, null, null, rows, response, text);
        }

        var type = info.Element(T + "ExceptionType")!.Value;
        var message = info.Element(T + "Message")!.Value;
        Assert.False(string.IsNullOrWhiteSpace(message));
        Assert.Equal("true", info.Element(T + "StackTrace")!.Attribute(I + "nil")?.Value);
        var outcome = Enum.TryParse<Outcome>(type, out var parsed) && parsed != Outcome.Ok
            ? parsed
            : throw new Xunit.Sdk.XunitException($"{Name} {operation}: unexpected ExceptionType {type}: {message}");
        return new FacadeResult(outcome, 200, type, message, [], response, text);
    }

    private static IReadOnlyList<PresenceRow> RowsOf(XDocument reply) => [.. SoapRows.Of(reply).Select(FacadeCallers.Normalize)];
}

/// <summary>The /api/v1 facade in JSON.</summary>
public sealed class RestCaller(HttpClient client) : IFacadeCaller
{
    public const string SessionCookie = "ChatPresence-Session";
    public const string XsrfCookie = "XSRF-TOKEN";

    public string Name => FacadeCallers.Rest;

    public bool Carries(PresentedKind kind) => true;

    public Task<FacadeResult> GetAsync(Presented credential, string? applicationToken) =>
        CallAsync("Agents/Chat/GetChatPresence", credential, applicationToken, null);

    public Task<FacadeResult> SaveAsync(Presented credential, string? applicationToken, IReadOnlyList<(int UserId, bool Present)> presences) =>
        CallAsync("Agents/Chat/SaveChatPresence", credential, applicationToken, JsonSerializer.Serialize(new
        {
            ChatPresence = presences.Select(p => new { p.UserId, p.Present }).ToArray(),
        }));

    public async Task<FacadeResult> LoginAsync(string userName, string password, string? applicationToken)
    {
        var result = await CallAsync("Login", Presented.None, applicationToken, JsonSerializer.Serialize(new { UserName = userName, Password = password }));
        if (result.Outcome != Outcome.Ok)
        {
            Assert.False(result.Response.Headers.Contains("Set-Cookie"), "a refused login sets no cookie");
            return result;
        }

        var cookies = SetCookies(result.Response);
        var session = cookies[SessionCookie];
        var xsrf = cookies[XsrfCookie];
        return result with { Session = Presented.Session(session.Value, xsrf.Value, xsrf.Value) };
    }

    /// <summary>The Set-Cookie headers of a reply by name: value and attributes (lower-cased names).</summary>
    public static IReadOnlyDictionary<string, (string Value, IReadOnlyDictionary<string, string> Attributes)> SetCookies(HttpResponseMessage response) =>
        (response.Headers.TryGetValues("Set-Cookie", out var values) ? values : []).Select(header =>
        {
            var parts = header.Split(';', StringSplitOptions.TrimEntries);
            var equals = parts[0].IndexOf('=', StringComparison.Ordinal);
            var attributes = parts.Skip(1).ToDictionary(
                p => p.Split('=', 2)[0].ToLowerInvariant(),
                p => p.Contains('=', StringComparison.Ordinal) ? p.Split('=', 2)[1] : string.Empty);
            return (Name: parts[0][..equals], Value: Uri.UnescapeDataString(parts[0][(equals + 1)..]), Attributes: (IReadOnlyDictionary<string, string>)attributes);
        }).ToDictionary(c => c.Name, c => (c.Value, c.Attributes));

    public static void Present(HttpRequestMessage request, Presented credential)
    {
        switch (credential.Kind)
        {
            case PresentedKind.Ticket:
                request.Headers.TryAddWithoutValidation("Authorization", "SoTicket " + credential.Value);
                break;
            case PresentedKind.Bearer:
                request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + credential.Value);
                break;
            case PresentedKind.Basic:
                request.Headers.TryAddWithoutValidation("Authorization", "Basic " + credential.Value);
                break;
            case PresentedKind.Authorization:
                request.Headers.TryAddWithoutValidation("Authorization", credential.Value);
                break;
            case PresentedKind.Session:
                var cookie = $"{SessionCookie}={Uri.EscapeDataString(credential.Value!)}";
                if (credential.XsrfCookie is not null)
                {
                    cookie += $"; {XsrfCookie}={credential.XsrfCookie}";
                }

                request.Headers.TryAddWithoutValidation("Cookie", cookie);
                if (credential.XsrfHeader is not null)
                {
                    request.Headers.TryAddWithoutValidation("X-XSRF-TOKEN", credential.XsrfHeader);
                }

                break;
        }
    }

    public async Task<FacadeResult> CallAsync(string route, Presented credential, string? applicationToken, string? json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/" + route)
        {
            Content = new StringContent(json ?? string.Empty, Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/json");
        Present(request, credential);
        if (applicationToken is not null)
        {
            request.Headers.TryAddWithoutValidation("SO-AppToken", applicationToken);
        }

        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return Normalize(route, response, text);
    }

    /// <summary>Checks what every /api/v1 reply must have and turns it into an outcome.</summary>
    public static FacadeResult Normalize(string route, HttpResponseMessage response, string text)
    {
        FacadeCallers.AssertNoStackTrace(text);
        Assert.Equal(["nosniff"], response.Headers.GetValues("X-Content-Type-Options"));
        Assert.True(response.Headers.CacheControl?.NoStore, $"{route}: Cache-Control no-store");
        var status = (int)response.StatusCode;
        if (response.IsSuccessStatusCode)
        {
            Assert.False(response.Headers.Contains("WWW-Authenticate"));
            var rows = route == "Agents/Chat/GetChatPresence" ? RowsOf(text) : [];
            return new FacadeResult(Outcome.Ok, status, null, null, rows, response, text);
        }

        var root = RestReplies.ErrorBody(response.Content.Headers.ContentType?.MediaType, text);
        var type = root.GetProperty("ErrorType").GetString()!;
        var message = root.GetProperty("ErrorMessage").GetString()!;
        Assert.Equal(route, root.GetProperty("ErrorSource").GetString());
        var outcome = Enum.TryParse<Outcome>(type, out var parsed) && parsed != Outcome.Ok
            ? parsed
            : throw new Xunit.Sdk.XunitException($"REST {route}: unexpected {status} {type}: {message}");

        // The status goes with the error type, and 401/429 carry their headers.
        Assert.Equal(outcome switch { Outcome.Forbidden => 403, Outcome.Throttled => 429, _ => 401 }, status);
        if (status == 401)
        {
            var challenges = response.Headers.WwwAuthenticate.Select(c => c.Scheme).ToArray();
            Assert.Contains("SoTicket", challenges);
            Assert.Contains("Bearer", challenges);
        }
        else
        {
            Assert.False(response.Headers.Contains("WWW-Authenticate"));
        }

        if (status == 429)
        {
            var seconds = response.Headers.RetryAfter?.Delta;
            Assert.True(seconds is { TotalSeconds: >= 1 }, "429 carries Retry-After in seconds");
        }

        return new FacadeResult(outcome, status, type, message, [], response, text);
    }

    private static IReadOnlyList<PresenceRow> RowsOf(string json) => [.. RestReplies.FromJson(Encoding.UTF8.GetBytes(json)).Select(FacadeCallers.Normalize)];
}
