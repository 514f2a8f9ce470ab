namespace ChatPresence.Host.Tests.Security;

/// <summary>
/// 20 wrong passwords for one login: the first 10 are plain refusals, then the login is locked (60 s) — even for
/// its right password — while other logins from the same client go on working. Each row uses its own login.
/// </summary>
public sealed class ThrottleTests(SecurityHostFixture fixture) : IClassFixture<SecurityHostFixture>
{
    private const int FailuresPerLogin = 10;

    /// <summary>(how the password is presented, the login to lock).</summary>
    public static TheoryData<string, string> Ways() => new()
    {
        { "REST Basic", "agent3" },
        { "REST Login", "agent4" },
        { "SOAP 1.1 AuthenticateUsernamePassword", "agent5" },
        { "SOAP 1.2 AuthenticateUsernamePassword", "agent6" },
    };

    [Theory]
    [MemberData(nameof(Ways))]
    public async Task Twenty_wrong_passwords_lock_the_login_but_not_the_client(string way, string login)
    {
        for (var attempt = 1; attempt <= 20; attempt++)
        {
            var result = await TryAsync(way, login, "wrong" + attempt);
            if (attempt <= FailuresPerLogin)
            {
                Assert.Equal(Outcome.NotAuthenticated, result.Outcome);
            }
            else
            {
                AssertThrottled(way, result);
            }
        }

        // The right password is not even looked at while the login is locked.
        AssertThrottled(way, await TryAsync(way, login, login));
        AssertThrottled(way, await TryAsync(way, login.ToUpperInvariant(), login));

        // The same client, another login: not locked.
        Assert.Equal(Outcome.Ok, (await TryAsync(way, "manager7", "manager7")).Outcome);

        // The lock lasts 60 s from the 10th failure.
        fixture.Clock.Advance(TimeSpan.FromSeconds(59));
        AssertThrottled(way, await TryAsync(way, login, login));
        fixture.Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(Outcome.Ok, (await TryAsync(way, login, login)).Outcome);
    }

    private async Task<FacadeResult> TryAsync(string way, string login, string password) => way switch
    {
        "REST Basic" => await fixture.Caller(FacadeCallers.Rest).GetAsync(Presented.Basic(login, password), null),
        "REST Login" => await fixture.Caller(FacadeCallers.Rest).LoginAsync(login, password, null),
        "SOAP 1.1 AuthenticateUsernamePassword" => await fixture.Caller(FacadeCallers.Soap11).LoginAsync(login, password, null),
        "SOAP 1.2 AuthenticateUsernamePassword" => await fixture.Caller(FacadeCallers.Soap12).LoginAsync(login, password, null),
        _ => throw new ArgumentOutOfRangeException(nameof(way)),
    };

    private static void AssertThrottled(string way, FacadeResult result)
    {
        Assert.Equal(Outcome.Throttled, result.Outcome);
        Assert.Equal("Throttled", result.ErrorType);
        Assert.Null(result.Session);
        Assert.Matches(@"^Too many failed logins\. Try again in [1-6]?[0-9] seconds\.$", result.Message);
        if (way.StartsWith("REST", StringComparison.Ordinal))
        {
            Assert.Equal(429, result.HttpStatus);
            var retryAfter = result.Response.Headers.RetryAfter?.Delta;
            Assert.NotNull(retryAfter);
            Assert.InRange(retryAfter.Value.TotalSeconds, 1, 60);
            Assert.False(result.Response.Headers.Contains("Set-Cookie"));
        }
        else
        {
            Assert.Equal(200, result.HttpStatus);
            Assert.DoesNotContain("7T:", result.Body, StringComparison.Ordinal);
        }
    }
}
