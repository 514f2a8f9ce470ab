using System.Net;
using System.Text;

namespace ChatPresence.Host.Tests.Security;

/// <summary>
/// Issue 10: a browser that once answered a Basic prompt sends the cached credentials with any page's form post, so
/// a cross-site form could save presence. Unsafe requests with a body a cross-site page can send without a CORS
/// preflight (form, multipart, text/plain) are refused when the browser says they are cross-site; and a browser is
/// not offered the Basic challenge that would make it cache credentials.
/// </summary>
public sealed class CrossSiteFormTests(SecurityHostFixture fixture) : IClassFixture<SecurityHostFixture>
{
    private const string Form = "[0][UserId]=3&[0][Present]=true";

    public static TheoryData<string, string, string, string?> CrossSite() => new()
    {
        { "application/x-www-form-urlencoded", "Origin", "https://evil.example", null },
        { "application/x-www-form-urlencoded", "Sec-Fetch-Site", "cross-site", null },
        { "application/x-www-form-urlencoded", "Sec-Fetch-Site", "same-site", null },
        { "application/x-www-form-urlencoded", "Origin", "null", null },
        { "text/plain", "Origin", "https://evil.example", null },
        { "multipart/form-data; boundary=x", "Origin", "https://evil.example", null },
        { "application/x-www-form-urlencoded", "Origin", "https://evil.example", "Sec-Fetch-Site: cross-site" },
    };

    [Theory]
    [MemberData(nameof(CrossSite))]
    public async Task A_cross_site_simple_body_with_Basic_is_refused_and_nothing_is_saved(string contentType, string header, string value, string? extra)
    {
        await fixture.SetPresentAsync(3, false);
        using var client = fixture.CreateClient();
        using var request = FormPost(contentType);
        request.Headers.TryAddWithoutValidation(header, value);
        if (extra is not null)
        {
            request.Headers.TryAddWithoutValidation(extra.Split(": ")[0], extra.Split(": ")[1]);
        }

        using var response = await client.SendAsync(request);
        var result = RestCaller.Normalize("Presence/SaveAll", response, await response.Content.ReadAsStringAsync());

        Assert.Equal(Outcome.Forbidden, result.Outcome);
        Assert.False(await fixture.PresentAsync(3), "a refused cross-site post saved nothing");
    }

    public static TheoryData<string, string?> Allowed() => new()
    {
        { "Origin", "{self}" },
        { "Sec-Fetch-Site", "same-origin" },
        { "Sec-Fetch-Site", "none" },
        { "X-XSRF-TOKEN", "anything" }, // a custom header needs a CORS preflight, which the host never grants
        { "User-Agent", "curl/8.0" }, // no browser fetch metadata at all: not a browser's cross-site request
    };

    [Theory]
    [MemberData(nameof(Allowed))]
    public async Task A_same_origin_or_non_browser_form_post_with_Basic_still_saves(string header, string? value)
    {
        await fixture.SetPresentAsync(3, false);
        using var client = fixture.CreateClient();
        using var request = FormPost("application/x-www-form-urlencoded");
        request.Headers.TryAddWithoutValidation(header, value == "{self}" ? fixture.Host.BaseAddress.GetLeftPart(UriPartial.Authority) : value);

        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.True(await fixture.PresentAsync(3));
    }

    [Theory]
    [InlineData("Sec-Fetch-Mode", "navigate", false)]
    [InlineData("Accept", "text/html,application/xhtml+xml,*/*;q=0.8", false)]
    [InlineData("Accept", "application/json", true)]
    public async Task Basic_is_offered_as_a_challenge_to_programs_but_not_to_browsers(string header, string value, bool offered)
    {
        using var client = fixture.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/Presence/GetAll");
        request.Headers.TryAddWithoutValidation(header, value);
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var schemes = response.Headers.WwwAuthenticate.Select(c => c.Scheme).ToArray();
        Assert.Contains("SoTicket", schemes);
        Assert.Equal(offered, schemes.Contains("Basic"));
    }

    private static HttpRequestMessage FormPost(string contentType)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/Presence/SaveAll") { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(Form)) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        request.Headers.TryAddWithoutValidation("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:admin")));
        return request;
    }
}
