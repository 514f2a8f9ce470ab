using System.Net;
using System.Text.RegularExpressions;
using ChatPresence.Domain.Identity;
using ChatPresence.Host.Tests.Security;
using ChatPresence.Tests;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace ChatPresence.Host.Tests.Live;

/// <summary>
/// The host and one headless Chromium (Debian's <c>/usr/bin/chromium</c>, driven by Playwright; no browser download)
/// for the board page tests.
/// </summary>
public sealed class BrowserFixture : HostFixture
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? playwright;

    public IBrowser Browser { get; private set; } = null!;

    protected override string Environment => "Development";

    protected override string? DirectoryJson => null;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"The browser tests need Chromium at {ChromiumPath}: `apt-get install chromium` (.ci/run installs it).");
        }

        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = ChromiumPath, Args = ["--no-sandbox"] });
    }

    public override async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        playwright?.Dispose();
        await base.DisposeAsync();
    }

    public HttpClient CreateClient() => Host.CreateClient(keepCookies: false);
}

public sealed class BoardPageTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private const float OneSecond = 1000;

    [Fact]
    public async Task The_page_and_its_files_are_served_with_a_strict_CSP_at_the_root_and_under_a_tenant()
    {
        using var client = fixture.CreateClient();
        foreach (var path in new[] { "/", "/acme/", "/board/board.js", "/acme/board/board.css" })
        {
            using var reply = await client.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
            var csp = string.Join(";", reply.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        }

        var page = await client.GetStringAsync(new Uri("/", UriKind.Relative));
        Assert.DoesNotMatch(new Regex("<script>|<script [^>]*>[^<]|<style|style=", RegexOptions.IgnoreCase), page);

        using var redirect = fixture.Host.CreateClient(followRedirects: false);
        using var bare = await redirect.GetAsync(new Uri("/acme", UriKind.Relative));
        Assert.Equal("/acme/", bare.Headers.Location?.OriginalString);
        using var missing = await client.GetAsync(new Uri("/board/secrets.txt", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task An_agent_signs_in_toggles_own_presence_sees_an_admin_save_live_and_a_manager_toggles_another_agent()
    {
        var problems = new List<string>();
        using var soapClient = fixture.CreateClient();
        var soap = FacadeCallers.Create(FacadeCallers.Soap11, soapClient);
        var admin = Presented.Ticket(await fixture.TicketAsync(1));

        // Agent 2, at 1280×720.
        await using (var context = await NewContextAsync(problems, 1280, 720))
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync(fixture.Host.BaseAddress.ToString());
            await Assertions.Expect(page.Locator("#sign-in")).ToBeVisibleAsync();
            await page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "board-sign-in-1280x720.png") });
            await SignInAsync(page, "agent2");
            var me = page.Locator("#me [data-user-id='2']");
            await Assertions.Expect(me).ToContainTextAsync("Bjørn Agent");

            // Own presence, one click; read back over SOAP.
            var wasPresent = await IsPresentAsync(me);
            await me.GetByRole(AriaRole.Button).ClickAsync();
            await Assertions.Expect(me).ToHaveClassAsync(new Regex(wasPresent ? "is-away" : "is-present"), new() { Timeout = OneSecond * 2 });
            Assert.Equal(!wasPresent, await SoapPresentAsync(soap, admin, 2));

            // An agent may not toggle others: no button on another agent's row.
            Assert.Equal(0, await page.Locator(".topic [data-user-id='3'] button").CountAsync());

            // An administrator's SOAP save appears without a reload, within a second.
            var row3 = page.Locator(".topic [data-user-id='3']").First;
            var was3 = await IsPresentAsync(row3);
            Assert.Equal(Outcome.Ok, (await soap.SaveAsync(admin, null, [(3, !was3)])).Outcome);
            await Assertions.Expect(row3).ToHaveClassAsync(new Regex(was3 ? "is-away" : "is-present"), new() { Timeout = OneSecond });

            // The filter narrows the board to matching agents.
            await page.FillAsync("#filter", "cecilia");
            await Assertions.Expect(page.Locator(".topic [data-user-id='4']")).ToHaveCountAsync(0);
            await Assertions.Expect(page.Locator(".topic [data-user-id='3']").First).ToBeVisibleAsync();
            await page.FillAsync("#filter", string.Empty);

            await page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "board-agent2-1280x720.png"), FullPage = true });

            await page.ClickAsync("#sign-out");
            await Assertions.Expect(page.Locator("#sign-in")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#board")).ToBeHiddenAsync();
            await page.ReloadAsync();
            await Assertions.Expect(page.Locator("#sign-in")).ToBeVisibleAsync();
        }

        // The manager, on a phone.
        await using (var context = await NewContextAsync(problems, 390, 844))
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync(fixture.Host.BaseAddress + "acme/");
            await SignInAsync(page, "manager7");
            var row4 = page.Locator(".topic [data-user-id='4']").First;
            var was4 = await IsPresentAsync(row4);
            await row4.GetByRole(AriaRole.Button).ClickAsync();
            await Assertions.Expect(row4).ToHaveClassAsync(new Regex(was4 ? "is-away" : "is-present"), new() { Timeout = OneSecond * 2 });
            Assert.Equal(!was4, await SoapPresentAsync(soap, admin, 4));
            await page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "board-manager7-phone.png"), FullPage = true });
            await page.ClickAsync("#sign-out");
            await Assertions.Expect(page.Locator("#sign-in")).ToBeVisibleAsync();
        }

        Assert.True(problems.Count == 0, "browser problems:\n" + string.Join('\n', problems));
    }

    private async Task<IBrowserContext> NewContextAsync(List<string> problems, int width, int height)
    {
        var context = await fixture.Browser.NewContextAsync(new() { Locale = "en-US", ViewportSize = new() { Width = width, Height = height } });
        context.Page += (_, page) =>
        {
            // CSP violations are reported as console errors ("Refused to …").
            page.Console += (_, message) =>
            {
                if (message.Type is "error" or "warning")
                {
                    problems.Add($"console {message.Type}: {message.Text}");
                }
            };
            page.PageError += (_, error) => problems.Add("page error: " + error);
        };
        return context;
    }

    private static async Task SignInAsync(IPage page, string login)
    {
        await Assertions.Expect(page.Locator("#sign-in")).ToBeVisibleAsync();
        await page.FillAsync("#user-name", login);
        await page.FillAsync("#password", login);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#board")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".topic").First).ToBeVisibleAsync();
    }

    private static async Task<bool> IsPresentAsync(ILocator row) =>
        (await row.GetAttributeAsync("class"))!.Contains("is-present", StringComparison.Ordinal);

    private static async Task<bool> SoapPresentAsync(IFacadeCaller soap, Presented admin, int userId)
    {
        var result = await soap.GetAsync(admin, null);
        Assert.Equal(Outcome.Ok, result.Outcome);
        return result.Rows.Single(r => r.UserId == userId).Present;
    }
}
