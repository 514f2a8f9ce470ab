using System.Globalization;
using ChatPresence.Domain.Identity;
using ChatPresence.Domain.Security;
using ChatPresence.Host;
using ChatPresence.Tests;
using Microsoft.Extensions.DependencyInjection;

namespace ChatPresence.Host.Tests.Security;

/// <summary>
/// One real host per test class: Kestrel on 127.0.0.1, its own SQLite file, the demo directory, the Production
/// environment (so no stack traces are allowed to leak), a manual clock, and a JWT signing key, issuer and audience.
/// Subclasses change the configuration (online mode, Basic off).
/// </summary>
public class SecurityHostFixture : IAsyncLifetime
{
    public const string ApplicationToken = "app-token-5b1f0c9e-sectests";
    public const string JwtIssuer = "https://issuer.sectests.example";
    public const string JwtAudience = "chatpresence-sectests";
    // 64 bytes or more, so the same key can also sign an HS512 token (which must still be refused).
    public const string JwtSigningKey = "sectests signing key: at least 32 bytes of UTF-8 text, here 64 or more";

    public ManualClock Clock { get; } = new();

    public ChatPresenceHost Host { get; private set; } = null!;

    public virtual InstallationMode Mode => InstallationMode.Onsite;

    /// <summary>What every call sends as application token unless a test says otherwise.</summary>
    public string? DefaultApplicationToken => Mode == InstallationMode.Online ? ApplicationToken : null;

    public TicketAuthority Tickets => Host.Services.GetRequiredService<TicketAuthority>();

    public JwtMint Jwt { get; } = new(JwtSigningKey, JwtIssuer, JwtAudience);

    protected virtual void Configure(IDictionary<string, string?> settings)
    {
    }

    public async Task InitializeAsync()
    {
        await using var demo = typeof(ChatPresenceApplication).Assembly.GetManifestResourceStream("demo-directory.json")
            ?? throw new InvalidOperationException("the host no longer embeds demo-directory.json");
        using var text = new StreamReader(demo);
        var directory = await text.ReadToEndAsync();
        Host = await ChatPresenceHost.StartAsync(
            settings =>
            {
                settings["ChatPresence:Mode"] = Mode.ToString();
                settings["ChatPresence:Security:Jwt:SigningKey"] = JwtSigningKey;
                settings["ChatPresence:Security:Jwt:Issuer"] = JwtIssuer;
                settings["ChatPresence:Security:Jwt:Audience"] = JwtAudience;
                if (Mode == InstallationMode.Online)
                {
                    settings["ChatPresence:Security:ApplicationTokens:0"] = ApplicationToken;
                }

                Configure(settings);
            },
            directory,
            environment: "Production",
            customize: builder => builder.Services.AddSingleton<TimeProvider>(Clock));
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();

    /// <summary>A client that neither keeps cookies nor follows redirects: every header a test sends is its own.</summary>
    public HttpClient CreateClient() =>
        new(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = Host.BaseAddress };

    public IFacadeCaller Caller(string facade) => FacadeCallers.Create(facade, CreateClient());

    public Task<string> TicketAsync(int userId) => Tickets.IssueTicketAsync(userId, CancellationToken.None);

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
    protected override void Configure(IDictionary<string, string?> settings) => settings["ChatPresence:Security:AllowBasic"] = "false";
}
