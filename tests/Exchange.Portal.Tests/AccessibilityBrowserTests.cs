using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Exchange.Portal.Tests;

/// <summary>
/// Every page a role reaches from the header and the home page's cards, at desktop and phone width, held to zero
/// axe-core violations (WCAG 2.2 A/AA), with nothing the browser asks for answered 404 (a missing favicon was).
/// </summary>
public sealed class AccessibilityBrowserTests(PortalBrowser browser) : IClassFixture<PortalBrowser>
{
    [Theory]
    [InlineData("alice@acme.example", "Engineer")]
    [InlineData("adam@acme.example", "Member admin")]
    [InlineData("lena@exchange.example", "Legal admin")]
    [InlineData("paula@acme.example", "Privacy officer")]
    [InlineData("oscar@exchange.example", "Operator")]
    public async Task Every_page_of_a_role_passes_axe_at_both_widths_and_the_header_names_the_role(string email, string role)
    {
        var page = await browser.NewPageAsync();
        var missing = new List<string>();
        page.Response += (_, response) =>
        {
            if (response.Status == 404)
            {
                missing.Add(new Uri(response.Url).AbsolutePath);
            }
        };
        var name = email[..email.IndexOf('@', StringComparison.Ordinal)];
        try
        {
            await browser.SignInAsync(page, email);
            await Expect(page.GetByRole(AriaRole.Banner)).ToContainTextAsync(role);

            // Desktop first, following every link of the header, the cards and a page's own navigation;
            // then the same pages at phone width.
            var paths = new List<string> { "/" };
            await page.SetViewportSizeAsync(1280, 900);
            for (var i = 0; i < paths.Count; i++)
            {
                await VisitAsync(page, paths[i], $"a11y-{name}-desktop");
                paths.AddRange((await LinksAsync(page)).Where(path => !paths.Contains(path)));
            }

            Assert.True(paths.Count > 1, "the role reaches no page from home");
            await page.SetViewportSizeAsync(390, 844);
            foreach (var path in paths)
            {
                await VisitAsync(page, path, $"a11y-{name}-phone");
            }

            Assert.Empty(missing);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task The_signed_out_home_and_identitys_sign_in_page_pass_axe()
    {
        var page = await browser.NewPageAsync(phone: true);
        try
        {
            await page.GotoAsync(browser.Services.PortalUrl + "/");
            await PortalBrowser.CheckAsync(page, "a11y-signed-out-home");

            await page.GetByRole(AriaRole.Link, new() { Name = "Sign in" }).First.ClickAsync();
            await Expect(page.GetByLabel("Password")).ToBeVisibleAsync();
            await PortalBrowser.CheckAsync(page, "a11y-identity-sign-in");
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task The_check_fails_on_a_page_with_a_violation()
    {
        var page = await browser.NewPageAsync();
        try
        {
            await page.GotoAsync(browser.Services.PortalUrl + "/");
            await page.EvaluateAsync("() => { const b = document.createElement('button'); document.querySelector('main').append(b); }");

            var failure = await Assert.ThrowsAnyAsync<Exception>(() => PortalBrowser.AssertAccessibleAsync(page));

            Assert.Contains("button-name", failure.Message, StringComparison.Ordinal);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    private async Task VisitAsync(IPage page, string path, string prefix)
    {
        var response = await page.GotoAsync(browser.Services.PortalUrl + path);
        Assert.True(response?.Ok, $"{path} answered {response?.Status}");
        await PortalBrowser.CheckAsync(page, prefix + (path == "/" ? "-home" : path.Replace('/', '-')));
    }

    /// <summary>The portal's own pages this page links from the header's navigation, its own navigation and its cards.</summary>
    private async Task<IReadOnlyList<string>> LinksAsync(IPage page)
    {
        var hrefs = await page.Locator("header nav a, header .who a, main nav a, main .card a").EvaluateAllAsync<string[]>("links => links.map(l => l.href)");
        var portal = new Uri(browser.Services.PortalUrl);
        return hrefs
            .Select(href => new Uri(href))
            .Where(uri => uri.Authority == portal.Authority)
            .Select(uri => uri.AbsolutePath)
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }
}
