using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Exchange.Testing;
using Microsoft.Playwright;

namespace Exchange.Portal.Tests;

/// <summary>The services with access tokens that live 50 seconds, inside the portal's one-minute refresh margin: every request refreshes.</summary>
public sealed class ShortLivedTokensBrowser() : PortalBrowser(new Dictionary<string, string> { ["Exchange__Identity__AccessTokenLifetime"] = "00:00:50" });

/// <summary>
/// The four services plus one headless Debian Chromium, per test class. Playwright drives the
/// system browser at /usr/bin/chromium; it never downloads one.
/// </summary>
public class PortalBrowser : IAsyncLifetime
{
    public PortalBrowser()
        : this(null)
    {
    }

    protected PortalBrowser(IReadOnlyDictionary<string, string>? settings)
    {
        Services = new ExchangeServices(settings);
    }

    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public ExchangeServices Services { get; }
    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        // Two shared cores and four services: give the page and the assertions time, not flakiness.
        Assertions.SetDefaultExpectTimeout(30_000);
        await Services.InitializeAsync();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        await Services.DisposeAsync();
    }

    /// <summary>A fresh browser profile (no cookies) with a page at phone or desktop width.</summary>
    public async Task<IPage> NewPageAsync(bool phone = false)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = phone ? new ViewportSize { Width = 390, Height = 844 } : new ViewportSize { Width = 1280, Height = 900 },
            Locale = "en-GB",
        });
        context.SetDefaultTimeout(30_000);
        context.SetDefaultNavigationTimeout(45_000);
        var page = await context.NewPageAsync();
        return page;
    }

    /// <summary>Signs in through the portal's button and Identity's login form, back to the portal's start page.</summary>
    public async Task SignInAsync(IPage page, string email)
    {
        await page.GotoAsync(Services.PortalUrl + "/");
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in" }).First.ClickAsync();
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(Exchange.Core.Data.DemoSeed.UserPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
        Assert.StartsWith(Services.PortalUrl, page.Url, StringComparison.Ordinal);
    }

    /// <summary>Saves the page as TestResults/screenshots/&lt;provider&gt;-&lt;name&gt;.png under the test output.</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new PageScreenshotOptions
        {
            Path = Path.Combine(folder, $"{TestDatabase.CurrentProvider}-{name}.png"),
            FullPage = true,
        });
    }

    /// <summary>
    /// A page state worth keeping: saves its screenshot (the CI artefact) and then holds it to zero axe-core
    /// violations. Call it in the test body at each state a test reaches; <see cref="ScreenshotAsync"/> alone is
    /// for the finally block, where a failing check would hide the test's own failure.
    /// </summary>
    public static async Task CheckAsync(IPage page, string name)
    {
        await ScreenshotAsync(page, name);
        await AssertAccessibleAsync(page);
    }

    /// <summary>The WCAG 2.2 A and AA rule sets axe-core checks (issue 15 holds every page state at zero violations).</summary>
    private static readonly AxeRunOptions WcagRules = new()
    {
        RunOnly = new RunOnlyOptions
        {
            Type = "tag",
            Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"],
        },
    };

    /// <summary>
    /// Runs axe-core on the page as it is now and fails with every violation's rule, impact and elements.
    /// Call it on each page state a test reaches (after the state is visible), at each width it uses.
    /// </summary>
    public static async Task AssertAccessibleAsync(IPage page)
    {
        var result = await page.RunAxe(WcagRules);
        if (result.Violations.Length == 0)
        {
            return;
        }

        var report = string.Join(Environment.NewLine, result.Violations.Select(violation =>
            $"{violation.Id} ({violation.Impact}): {violation.Help}{Environment.NewLine}" +
            string.Join(Environment.NewLine, violation.Nodes.Select(node => $"    {node.Target}: {Shorten(node.Html)}"))));
        Assert.Fail($"axe-core found {result.Violations.Length} WCAG violation(s) on {page.Url}:{Environment.NewLine}{report}");
    }

    private static string Shorten(string? html) =>
        html is null ? "" : html.Length <= 160 ? html.ReplaceLineEndings(" ") : html[..160].ReplaceLineEndings(" ") + "...";
}
