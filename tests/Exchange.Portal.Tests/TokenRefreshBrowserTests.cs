using OpenIddict.EntityFrameworkCore.Models;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Exchange.Portal.Tests;

/// <summary>The portal renews the user's access token with the refresh token, with Identity's rotation.</summary>
public sealed class TokenRefreshBrowserTests(ShortLivedTokensBrowser browser) : IClassFixture<ShortLivedTokensBrowser>
{
    [Fact]
    public async Task An_expiring_access_token_is_refreshed_on_the_way_in_and_the_session_carries_on()
    {
        var page = await browser.NewPageAsync();
        try
        {
            await browser.SignInAsync(page, "gina@globex.example");

            // Each request finds the token inside the refresh margin, so each one rotates the refresh token;
            // a replayed (not rotated) refresh token would revoke the family and end the session.
            foreach (var path in new[] { "/cases/inbox", "/cases/outbox", "/cases/inbox", "/dashboard" })
            {
                await page.GotoAsync(browser.Services.PortalUrl + path);
                await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
                await Expect(page.Locator(".alert.error")).ToHaveCountAsync(0);
            }

            await using var db = browser.Services.Database.CreateContext();
            var refreshTokens = await db.Set<OpenIddictEntityFrameworkCoreToken>()
                .Where(t => t.Application!.ClientId == "exchange-portal" && t.Type!.Contains("refresh")).ToListAsync();
            Assert.True(refreshTokens.Count >= 4, $"expected the refresh token to have rotated on every request, found {refreshTokens.Count} refresh tokens");
            Assert.True(refreshTokens.Count(t => t.RedemptionDate != null) >= 3);
            Assert.All(refreshTokens, t => Assert.NotEqual("revoked", t.Status));
        }
        finally
        {
            await PortalBrowser.ScreenshotAsync(page, nameof(An_expiring_access_token_is_refreshed_on_the_way_in_and_the_session_carries_on));
            await page.Context.CloseAsync();
        }
    }
}
