using System.Globalization;
using ChatPresence.Domain.Identity;
using ChatPresence.Domain.Security;
using ChatPresence.Tests;
using Microsoft.Extensions.DependencyInjection;

namespace ChatPresence.Host.Tests.Security;

/// <summary>
/// The shared <see cref="HostFixture"/> (Kestrel on 127.0.0.1, its own SQLite file, the demo directory, Production so
/// no stack trace may leak) with a manual clock and a JWT signing key, issuer and audience, plus the security tests'
/// vocabulary: callers per facade, tickets of a given age, the administrator's view of a presence.
/// Subclasses change the configuration (online mode, Basic off).
/// </summary>
public class SecurityHostFixture : HostFixture
{
    public const string ApplicationToken = "app-token-5b1f0c9e-sectests";
    public const string JwtIssuer = "https://issuer.sectests.example";
    public const string JwtAudience = "chatpresence-sectests";
    // 64 bytes or more, so the same key can also sign an HS512 token (which must still be refused).
    public const string JwtSigningKey = "sectests signing key: at least 32 bytes of UTF-8 text, here 64 or more";

    public ManualClock Clock { get; } = new();

    public virtual InstallationMode Mode => InstallationMode.Onsite;

    /// <summary>What every call sends as application token unless a test says otherwise.</summary>
    public string? DefaultApplicationToken => Mode == InstallationMode.Online ? ApplicationToken : null;

    public TicketAuthority Tickets => Host.Services.GetRequiredService<TicketAuthority>();

    public JwtMint Jwt { get; } = new(JwtSigningKey, JwtIssuer, JwtAudience);

    protected override TimeProvider HostClock => Clock;

    protected override void Configure(IDictionary<string, string?> settings)
    {
        settings["ChatPresence:Mode"] = Mode.ToString();
        settings["ChatPresence:Security:Jwt:SigningKey"] = JwtSigningKey;
        settings["ChatPresence:Security:Jwt:Issuer"] = JwtIssuer;
        settings["ChatPresence:Security:Jwt:Audience"] = JwtAudience;
        if (Mode == InstallationMode.Online)
        {
            settings["ChatPresence:Security:ApplicationTokens:0"] = ApplicationToken;
        }
    }

    /// <summary>A client that neither keeps cookies nor follows redirects: every header a test sends is its own.</summary>
    public HttpClient CreateClient() => Host.CreateClient(keepCookies: false, followRedirects: false);

    public IFacadeCaller Caller(string facade) => FacadeCallers.Create(facade, CreateClient());

    /// <summary>A ticket in the store whose last use lies <paramref name="idle"/> in the past.</summary>
    public async Task<string> TicketLastUsedAsync(int userId, TimeSpan idle)
    {
        var ticket = TicketAuthority.TicketPrefix + Convert.ToBase64String(Guid.NewGuid().ToByteArray().Concat(Guid.NewGuid().ToByteArray()).ToArray());
        var then = Clock.Now - idle;
        await Host.Services.GetRequiredService<ICredentialStore>()
            .AddTicketAsync(new StoredTicket(TicketAuthority.HashTicket(ticket), userId, then, then), CancellationToken.None);
        return ticket;
    }

    /// <summary>Sets a user's presence (as the administrator, over REST) so a later refusal can be seen to change nothing.</summary>
    public async Task SetPresentAsync(int userId, bool present)
    {
        var admin = Caller(FacadeCallers.Rest);
        var result = await admin.SaveAsync(AdministratorBearer(), DefaultApplicationToken, [(userId, present)]);
        Assert.Equal(Outcome.Ok, result.Outcome);
    }

    /// <summary>A user's presence as the administrator reads it (over REST).</summary>
    public async Task<bool> PresentAsync(int userId)
    {
        var admin = Caller(FacadeCallers.Rest);
        var result = await admin.GetAsync(AdministratorBearer(), DefaultApplicationToken);
        Assert.Equal(Outcome.Ok, result.Outcome);
        return result.Rows.Single(r => r.UserId == userId).Present;
    }

    /// <summary>The administrator as a fresh Bearer token (no store write, whatever the clock says).</summary>
    public Presented AdministratorBearer() => Presented.Bearer(Jwt.Create("1", Clock.Now, TimeSpan.FromMinutes(5)));

    internal static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Hosted installation: an application token is required, Basic is refused, SOAP tickets may be JWTs.</summary>
public sealed class OnlineHostFixture : SecurityHostFixture
{
    public override InstallationMode Mode => InstallationMode.Online;
}

/// <summary>On-site with <c>ChatPresence:Security:AllowBasic=false</c>.</summary>
public sealed class NoBasicHostFixture : SecurityHostFixture
{
    protected override void Configure(IDictionary<string, string?> settings)
    {
        base.Configure(settings);
        settings["ChatPresence:Security:AllowBasic"] = "false";
    }
}
