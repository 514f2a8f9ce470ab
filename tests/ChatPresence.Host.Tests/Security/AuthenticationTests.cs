using ChatPresence.Domain.Security;

namespace ChatPresence.Host.Tests.Security;

/// <summary>
/// The credential catalogue against one host configuration: every (facade, credential) row is one GetChatPresence
/// and one SaveChatPresence. A valid credential must act as agent2; anything else is refused and changes nothing.
/// </summary>
public abstract class CredentialCatalogueTests<TFixture>(TFixture fixture)
    where TFixture : SecurityHostFixture
{
    public static TheoryData<string, string> Rows => SecurityCatalogue.Rows();

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task GetChatPresence(string facade, string credential)
    {
        var @case = SecurityCatalogue.Case(credential);
        var result = await fixture.Caller(facade).GetAsync(await @case.Make(fixture), fixture.DefaultApplicationToken);

        Assert.Equal(@case.Expected(facade, fixture), result.Outcome);
        if (result.Outcome == Outcome.Ok)
        {
            // Acting as agent2: the one row that agent may change is agent2's own.
            Assert.Equal(SecurityCatalogue.UserId, Assert.Single(result.Rows, r => r.TableRight == "Select Update").UserId);
        }
        else
        {
            Assert.Empty(result.Rows);
            AssertChallenge(facade, result);
        }
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task SaveChatPresence(string facade, string credential)
    {
        var @case = SecurityCatalogue.Case(credential);
        var presented = await @case.Make(fixture);
        foreach (var present in new[] { true, false })
        {
            await fixture.SetPresentAsync(SecurityCatalogue.UserId, !present);
            var result = await fixture.Caller(facade).SaveAsync(presented, fixture.DefaultApplicationToken, [(SecurityCatalogue.UserId, present)]);

            Assert.Equal(@case.Expected(facade, fixture), result.Outcome);
            Assert.Equal(result.Outcome == Outcome.Ok ? present : !present, await fixture.PresentAsync(SecurityCatalogue.UserId));
            if (result.Outcome != Outcome.Ok)
            {
                AssertChallenge(facade, result);
                return;
            }
        }
    }

    /// <summary>A REST 401 offers Basic only where Basic would be accepted.</summary>
    private void AssertChallenge(string facade, FacadeResult result)
    {
        if (facade != FacadeCallers.Rest)
        {
            return;
        }

        var basicAccepted = fixture.Mode == InstallationMode.Onsite && fixture is not NoBasicHostFixture;
        Assert.Equal(basicAccepted, result.Response.Headers.WwwAuthenticate.Any(c => c.Scheme == "Basic"));
    }
}

public sealed class OnsiteCredentialTests(SecurityHostFixture fixture)
    : CredentialCatalogueTests<SecurityHostFixture>(fixture), IClassFixture<SecurityHostFixture>;

public sealed class OnlineCredentialTests(OnlineHostFixture fixture)
    : CredentialCatalogueTests<OnlineHostFixture>(fixture), IClassFixture<OnlineHostFixture>;

public sealed class NoBasicCredentialTests(NoBasicHostFixture fixture)
    : CredentialCatalogueTests<NoBasicHostFixture>(fixture), IClassFixture<NoBasicHostFixture>;
