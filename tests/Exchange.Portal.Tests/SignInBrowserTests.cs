using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Exchange.Portal.Tests;

/// <summary>Signing in and out through the real Identity service, in Chromium.</summary>
public sealed class SignInBrowserTests(PortalBrowser browser) : IClassFixture<PortalBrowser>
{
    [Fact]
    public async Task An_engineer_signs_in_sees_their_name_and_signing_out_ends_the_session_at_identity_too()
    {
        var page = await browser.NewPageAsync();
        try
        {
            await browser.SignInAsync(page, "alice@acme.example");

            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Welcome, Alice Archer");
            await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Inbox" })).ToBeVisibleAsync();
            var cookies = await page.Context.CookiesAsync([browser.Services.PortalUrl]);
            var session = Assert.Single(cookies, c => c.Name == "exchange-portal");
            Assert.True(session.HttpOnly);
            Assert.Equal(SameSiteAttribute.Lax, session.SameSite);
            Assert.True(session.Value.Length < 400, "the cookie carries only a session key, not the ticket");

            await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
            await Expect(page).ToHaveURLAsync(browser.Services.PortalUrl + "/");
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Sign in" }).First).ToBeVisibleAsync();

            // Identity's session ended too: signing in again asks for the password.
            await page.GotoAsync(browser.Services.PortalUrl + "/cases/inbox");
            await Expect(page.GetByLabel("Password")).ToBeVisibleAsync();
            Assert.StartsWith(browser.Services.IdentityUrl, page.Url, StringComparison.Ordinal);
        }
        finally
        {
            await PortalBrowser.ScreenshotAsync(page, nameof(An_engineer_signs_in_sees_their_name_and_signing_out_ends_the_session_at_identity_too));
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task An_engineer_cannot_open_the_legal_admin_pages()
    {
        var page = await browser.NewPageAsync(phone: true);
        try
        {
            await browser.SignInAsync(page, "ivan@initech.example");

            await page.GotoAsync(browser.Services.PortalUrl + "/agreements/new");

            await Expect(page).ToHaveURLAsync(new Regex("/access-denied"));
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("This page is not available to your account");
        }
        finally
        {
            await PortalBrowser.ScreenshotAsync(page, nameof(An_engineer_cannot_open_the_legal_admin_pages));
            await page.Context.CloseAsync();
        }
    }
}
