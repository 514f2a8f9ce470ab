using ChatPresence.Contract.Security;
using ChatPresence.Domain.Identity;
using ChatPresence.Domain.Security;
using Microsoft.IdentityModel.Tokens;

namespace ChatPresence.Host.Tests.Security;

/// <summary>
/// One credential, valid or not, always standing for agent2 (user 2) when it is valid. <see cref="Make"/> builds it
/// against a running host (tickets are issued there, JWTs minted with its clock).
/// </summary>
public sealed record CredentialCase(string Name, PresentedKind Kind, bool Valid, Func<SecurityHostFixture, Task<Presented>> Make)
{
    /// <summary>What a call with this credential must come to on <paramref name="facade"/> in <paramref name="fixture"/>'s configuration.</summary>
    public Outcome Expected(string facade, SecurityHostFixture fixture)
    {
        var rest = facade == FacadeCallers.Rest;
        var online = fixture.Mode == InstallationMode.Online;
        var accepted = Kind switch
        {
            // SOAP's Credentials/Ticket header takes a JWT only in online mode.
            PresentedKind.Bearer => rest || online,
            PresentedKind.Basic => !online && fixture is not NoBasicHostFixture,
            _ => true,
        };
        return Valid && accepted ? Outcome.Ok : Outcome.NotAuthenticated;
    }

    public override string ToString() => Name;
}

/// <summary>
/// The shared catalogue of credentials: every scheme valid, then missing, malformed, wrong, expired, revoked and
/// (Bearer) wrong issuer/audience, expired, not yet valid, badly signed. Theories take (facade, case name) rows
/// for every facade that can carry the case.
/// </summary>
public static class SecurityCatalogue
{
    public const int UserId = 2;
    public const string Login = "agent2";
    public const string Password = "agent2";

    /// <summary>Wrong passwords are tried on this login, so the throttle never locks the valid cases' user.</summary>
    public const string WrongPasswordLogin = "agent4";

    private static readonly TimeSpan TenMinutes = TimeSpan.FromMinutes(10);

    public static readonly CredentialCase[] Cases =
    [
        // Valid.
        Valid("ticket", PresentedKind.Ticket, async f => Presented.Ticket(await f.TicketAsync(UserId))),
        Valid("ticket used 7 h ago (within the idle timeout)", PresentedKind.Ticket, async f => Presented.Ticket(await f.TicketLastUsedAsync(UserId, TimeSpan.FromHours(7)))),
        Valid("bearer sub=user id", PresentedKind.Bearer, f => Bearer(f.Jwt.Create("2", f.Clock.Now, TenMinutes))),
        Valid("bearer expired within the clock skew", PresentedKind.Bearer, f => Bearer(f.Jwt.Create("2", f.Clock.Now - TenMinutes, TenMinutes - TimeSpan.FromSeconds(20)))),
        Valid("basic", PresentedKind.Basic, _ => Task.FromResult(Presented.Basic(Login, Password))),
        Valid("basic, login in other case", PresentedKind.Basic, _ => Task.FromResult(Presented.Basic("AGENT2", Password))),
        Valid("scheme in lower case: soticket", PresentedKind.Authorization, async f => Presented.Authorization("soticket " + await f.TicketAsync(UserId))),
        Valid("scheme in lower case: bearer", PresentedKind.Authorization, f => Task.FromResult(Presented.Authorization("bearer " + f.Jwt.Create("2", f.Clock.Now, TenMinutes)))),
        Valid("session cookie + X-XSRF-TOKEN", PresentedKind.Session, async f => Session(await f.TicketAsync(UserId))),

        // Missing.
        Invalid("nothing", PresentedKind.None, _ => Task.FromResult(Presented.None)),
        Invalid("ticket empty", PresentedKind.Ticket, _ => Task.FromResult(Presented.Ticket(string.Empty))),
        Invalid("Authorization scheme without a value", PresentedKind.Authorization, _ => Task.FromResult(Presented.Authorization("SoTicket"))),
        Invalid("session cookie without X-XSRF-TOKEN", PresentedKind.Session, async f => Session(await f.TicketAsync(UserId)) with { XsrfHeader = null }),

        // Malformed.
        Invalid("ticket without the 7T: prefix", PresentedKind.Ticket, _ => Task.FromResult(Presented.Ticket("not-a-ticket"))),
        Invalid("ticket of 5000 characters", PresentedKind.Ticket, _ => Task.FromResult(Presented.Ticket("7T:" + new string('A', 5000)))),
        Invalid("bearer not a JWT", PresentedKind.Bearer, _ => Bearer("abc.def.ghi")),
        Invalid("basic not Base64", PresentedKind.Basic, _ => Task.FromResult(Presented.BasicRaw("%%%not-base64%%%"))),
        Invalid("basic without a colon", PresentedKind.Basic, _ => Task.FromResult(Presented.BasicRaw(Convert.ToBase64String("agent2agent2"u8)))),
        Invalid("basic not UTF-8", PresentedKind.Basic, _ => Task.FromResult(Presented.BasicRaw(Convert.ToBase64String([0x61, 0x3a, 0xff, 0xfe])))),
        Invalid("unknown scheme", PresentedKind.Authorization, _ => Task.FromResult(Presented.Authorization("Negotiate YWdlbnQyOmFnZW50Mg=="))),
        Invalid("ticket sent as Bearer", PresentedKind.Authorization, async f => Presented.Authorization("Bearer " + await f.TicketAsync(UserId))),

        // Wrong.
        Invalid("ticket unknown", PresentedKind.Ticket, _ => Task.FromResult(Presented.Ticket("7T:" + Convert.ToBase64String(Guid.NewGuid().ToByteArray())))),
        Invalid("basic wrong password", PresentedKind.Basic, _ => Task.FromResult(Presented.Basic(WrongPasswordLogin, "wrong"))),
        Invalid("basic unknown login", PresentedKind.Basic, _ => Task.FromResult(Presented.Basic("nobody", "nobody"))),
        Invalid("basic empty password", PresentedKind.Basic, _ => Task.FromResult(Presented.Basic(WrongPasswordLogin, string.Empty))),
        Invalid("bearer wrong issuer", PresentedKind.Bearer, f => Bearer(f.Jwt.Create("2", f.Clock.Now, TenMinutes, issuer: "https://other.example"))),
        Invalid("bearer wrong audience", PresentedKind.Bearer, f => Bearer(f.Jwt.Create("2", f.Clock.Now, TenMinutes, audience: "someone-else"))),
        Invalid("bearer signed with another key", PresentedKind.Bearer, f => Bearer(f.Jwt.Create("2", f.Clock.Now, TenMinutes, key: "another signing key of at least thirty-two bytes"))),
        Invalid("bearer signed HS512 with the right key", PresentedKind.Bearer, f => Bearer(f.Jwt.Create("2", f.Clock.Now, TenMinutes, algorithm: SecurityAlgorithms.HmacSha512))),
        Invalid("bearer unsigned (alg none)", PresentedKind.Bearer, f => Bearer(f.Jwt.Unsigned("2", f.Clock.Now))),
        Invalid("bearer payload changed after signing", PresentedKind.Bearer, f => Bearer(f.Jwt.Tampered("8", "1", f.Clock.Now))),
        Invalid("bearer without exp", PresentedKind.Bearer, f => Bearer(f.Jwt.Create("2", f.Clock.Now, lifetime: null))),
        Invalid("bearer without sub", PresentedKind.Bearer, f => Bearer(f.Jwt.Create(null, f.Clock.Now, TenMinutes))),
        Invalid("bearer for an unknown user", PresentedKind.Bearer, f => Bearer(f.Jwt.Create("999", f.Clock.Now, TenMinutes))),
        Invalid("session cookie with a wrong X-XSRF-TOKEN", PresentedKind.Session, async f => Session(await f.TicketAsync(UserId)) with { XsrfHeader = "wrong" }),
        Invalid("session cookie with another session's X-XSRF-TOKEN", PresentedKind.Session, async f => Session(await f.TicketAsync(UserId)) with
        {
            XsrfHeader = XsrfToken.For(await f.TicketAsync(UserId)),
        }),
        Invalid("session cookie unknown", PresentedKind.Session, _ => Task.FromResult(Session("7T:" + Convert.ToBase64String(Guid.NewGuid().ToByteArray())))),

        // Expired.
        Invalid("ticket idle 8 h 1 min", PresentedKind.Ticket, async f => Presented.Ticket(await f.TicketLastUsedAsync(UserId, TimeSpan.FromHours(8) + TimeSpan.FromMinutes(1)))),
        Invalid("session cookie idle 8 h 1 min", PresentedKind.Session, async f => Session(await f.TicketLastUsedAsync(UserId, TimeSpan.FromHours(8) + TimeSpan.FromMinutes(1)))),
        Invalid("bearer sub=login where UserClaimType is Id (the default)", PresentedKind.Bearer, f => Bearer(f.Jwt.Create(Login, f.Clock.Now, TenMinutes))),
        Invalid("bearer expired", PresentedKind.Bearer, f => Bearer(f.Jwt.Create("2", f.Clock.Now - TimeSpan.FromHours(1), TenMinutes))),
        Invalid("bearer not yet valid", PresentedKind.Bearer, f => Bearer(f.Jwt.Create("2", f.Clock.Now, TenMinutes, notBeforeOffset: TimeSpan.FromMinutes(5)))),

        // Revoked.
        Invalid("ticket revoked", PresentedKind.Ticket, async f =>
        {
            var ticket = await f.TicketAsync(UserId);
            Assert.True(await f.Tickets.RevokeTicketAsync(ticket, CancellationToken.None));
            return Presented.Ticket(ticket);
        }),
        Invalid("ticket of a user whose tickets were all revoked", PresentedKind.Ticket, async f =>
        {
            // Revoking agent2's tickets would disturb other rows: use agent3's.
            var ticket = await f.TicketAsync(3);
            await f.Tickets.RevokeTicketsAsync(3, CancellationToken.None);
            return Presented.Ticket(ticket);
        }),
    ];

    /// <summary>(facade, case) for every facade that can carry the case.</summary>
    public static TheoryData<string, string> Rows()
    {
        var rows = new TheoryData<string, string>();
        foreach (var facade in FacadeCallers.All)
        {
            foreach (var credential in Cases)
            {
                if (FacadeCallers.Carries(facade, credential.Kind))
                {
                    rows.Add(facade, credential.Name);
                }
            }
        }

        return rows;
    }

    public static CredentialCase Case(string name) => Cases.Single(c => c.Name == name);

    public static Presented Session(string ticket)
    {
        var xsrf = XsrfToken.For(ticket);
        return Presented.Session(ticket, xsrf, xsrf);
    }

    private static CredentialCase Valid(string name, PresentedKind kind, Func<SecurityHostFixture, Task<Presented>> make) => new(name, kind, true, make);

    private static CredentialCase Invalid(string name, PresentedKind kind, Func<SecurityHostFixture, Task<Presented>> make) => new(name, kind, false, make);

    private static Task<Presented> Bearer(string token) => Task.FromResult(Presented.Bearer(token));
}
