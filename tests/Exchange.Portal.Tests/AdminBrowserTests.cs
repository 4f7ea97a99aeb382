using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Exchange.Portal.Tests;

/// <summary>The legal admin's agreement register and the member admin's settings, in Chromium against the real services.</summary>
public sealed partial class AdminBrowserTests(PortalBrowser browser) : IClassFixture<PortalBrowser>
{
    [Fact]
    public async Task A_member_admin_creates_an_api_client_sees_its_secret_once_rotates_it_and_revokes_it()
    {
        var page = await browser.NewPageAsync();
        try
        {
            await browser.SignInAsync(page, "greg@globex.example");
            await page.GotoAsync(browser.Services.PortalUrl + "/admin");
            await page.GetByRole(AriaRole.Navigation, new() { Name = "Member admin" }).GetByRole(AriaRole.Link, new() { Name = "API clients" }).ClickAsync();

            await page.GetByLabel("Name of the system").FillAsync("Globex ticketing");
            await page.GetByRole(AriaRole.Button, new() { Name = "Create client" }).ClickAsync();
            var first = await page.Locator("#client-secret").TextContentAsync();
            Assert.False(string.IsNullOrWhiteSpace(first));
            var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Globex ticketing" });
            var clientId = (await row.Locator("code").TextContentAsync())!;
            Assert.StartsWith("globex-", clientId, StringComparison.Ordinal);

            await row.GetByRole(AriaRole.Button, new() { Name = "Rotate secret of " + clientId }).ClickAsync();
            var second = await page.Locator("#client-secret").TextContentAsync();
            Assert.NotEqual(first, second);

            await page.GotoAsync(browser.Services.PortalUrl + "/admin/clients");
            await Expect(page.Locator("#client-secret")).ToHaveCountAsync(0);
            await page.GetByRole(AriaRole.Button, new() { Name = "Revoke " + clientId }).ClickAsync();
            await page.Locator("#confirm-revoke").GetByRole(AriaRole.Button, new() { Name = "Revoke " + clientId }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("was revoked");
            await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = clientId })).ToContainTextAsync("revoked");
        }
        finally
        {
            await PortalBrowser.ScreenshotAsync(page, nameof(A_member_admin_creates_an_api_client_sees_its_secret_once_rotates_it_and_revokes_it));
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task A_member_admin_adds_a_webhook_endpoint_sees_its_secret_once_and_deletes_it()
    {
        var page = await browser.NewPageAsync();
        const string url = "http://127.0.0.1:9/hook";
        try
        {
            await browser.SignInAsync(page, "adam@acme.example");
            await page.GotoAsync(browser.Services.PortalUrl + "/admin");
            await page.GetByRole(AriaRole.Navigation, new() { Name = "Member admin" }).GetByRole(AriaRole.Link, new() { Name = "Webhook endpoints" }).ClickAsync();

            await page.GetByLabel("Endpoint URL").FillAsync(url);
            await page.GetByRole(AriaRole.Checkbox, new() { Name = "case.created" }).CheckAsync();
            await page.GetByRole(AriaRole.Checkbox, new() { Name = "case.resolved" }).CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Add endpoint" }).ClickAsync();

            Assert.False(string.IsNullOrWhiteSpace(await page.Locator("#webhook-secret").TextContentAsync()));
            var row = page.Locator("#endpoints").GetByRole(AriaRole.Row).Filter(new() { HasText = url });
            await Expect(row).ToContainTextAsync("case.created, case.resolved");
            await Expect(row).ToContainTextAsync("active");
            Assert.Equal("?handler=Create", new Uri(page.Url).Query);

            await page.GotoAsync(browser.Services.PortalUrl + "/admin/webhooks");
            await Expect(page.Locator("#webhook-secret")).ToHaveCountAsync(0);
            await row.GetByRole(AriaRole.Button, new() { Name = "Delete " + url }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("was deleted");
            await Expect(page.Locator("#endpoints").GetByRole(AriaRole.Row).Filter(new() { HasText = url })).ToHaveCountAsync(0);
        }
        finally
        {
            await PortalBrowser.ScreenshotAsync(page, nameof(A_member_admin_adds_a_webhook_endpoint_sees_its_secret_once_and_deletes_it));
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task A_member_admin_invites_an_engineer_and_deactivates_them()
    {
        var page = await browser.NewPageAsync();
        try
        {
            await browser.SignInAsync(page, "irene@initech.example");
            await page.GotoAsync(browser.Services.PortalUrl + "/admin/users");
            await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "ivan@initech.example" })).ToBeVisibleAsync();
            await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "alice@acme.example" })).ToHaveCountAsync(0);

            await page.GetByLabel("E-mail").FillAsync("nina@initech.example");
            await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Nina Novak");
            await page.GetByRole(AriaRole.Button, new() { Name = "Invite" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Nina Novak was invited");
            // These services have no mail: the admin gets the single-use link to pass on, once.
            await Expect(page.Locator("#invitation-link")).ToContainTextAsync("/account/set-password?");
            Assert.DoesNotContain("nina", page.Url, StringComparison.OrdinalIgnoreCase);
            await page.ReloadAsync();
            await Expect(page.Locator("#invitation-link")).ToHaveCountAsync(0);

            await page.GetByRole(AriaRole.Button, new() { Name = "Deactivate Nina Novak" }).ClickAsync();
            await page.Locator("#confirm-deactivation").GetByRole(AriaRole.Button, new() { Name = "Deactivate Nina Novak" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("deactivated");
            await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "nina@initech.example" })).ToContainTextAsync("deactivated");
        }
        finally
        {
            await PortalBrowser.ScreenshotAsync(page, nameof(A_member_admin_invites_an_engineer_and_deactivates_them));
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task A_member_admin_narrows_the_intake_policy_and_sets_a_response_target()
    {
        var page = await browser.NewPageAsync(phone: true);
        try
        {
            await browser.SignInAsync(page, "greg@globex.example");
            await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Member admin" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Globex Hardware GmbH");

            await page.GetByRole(AriaRole.Checkbox, new() { Name = "Accept Customer contact e-mail" }).UncheckAsync();
            await page.GetByLabel("Severity 1 - critical").FillAsync("2");
            await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();

            await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("The intake policy was saved.");
            await Expect(page.GetByRole(AriaRole.Checkbox, new() { Name = "Accept Customer contact e-mail" })).Not.ToBeCheckedAsync();
            await Expect(page.GetByRole(AriaRole.Checkbox, new() { Name = "Accept Customer contact name" })).ToBeCheckedAsync();
            await Expect(page.GetByLabel("Severity 1 - critical")).ToHaveValueAsync("2");
            Assert.True(await page.EvaluateAsync<int>("document.documentElement.scrollWidth") <= 390, "the page scrolls sideways at phone width");
        }
        finally
        {
            await PortalBrowser.ScreenshotAsync(page, nameof(A_member_admin_narrows_the_intake_policy_and_sets_a_response_target));
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task A_legal_admin_registers_a_bilateral_agreement_and_records_both_signatures_until_it_is_in_force()
    {
        var page = await browser.NewPageAsync();
        try
        {
            await browser.SignInAsync(page, "lena@exchange.example");
            await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Agreements" }).ClickAsync();
            await page.GetByRole(AriaRole.Link, new() { Name = "Register a new agreement" }).ClickAsync();

            await page.GetByLabel("Bilateral collaboration agreement").CheckAsync();
            await page.GetByLabel("Acme Software Ltd").CheckAsync();
            await page.GetByLabel("Initech Inc.").CheckAsync();
            await page.GetByLabel("Document reference").FillAsync("bilateral/2026/acme-initech.pdf");
            await page.GetByLabel("Document SHA-256").FillAsync(new string('a', 64));
            await page.GetByLabel("Regions data may go to").FillAsync("EU, US");
            await page.GetByRole(AriaRole.Button, new() { Name = "Register agreement" }).ClickAsync();

            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Bilateral agreement: acme / initech");
            foreach (var party in new[] { "acme", "initech" })
            {
                await page.GetByLabel("Party").SelectOptionAsync(party);
                await page.GetByLabel("Signer's name").FillAsync(party == "acme" ? "Ada Acme" : "Ian Initech");
                await page.GetByLabel("Signer's role").FillAsync("General counsel");
                await page.GetByRole(AriaRole.Button, new() { Name = "Record signature" }).ClickAsync();
                await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"The signature of {party} was recorded.");
            }

            await Expect(page.Locator("#agreement-status")).ToHaveTextAsync("in force");
            await Expect(page.Locator("#signatures")).ToContainTextAsync("Ian Initech, General counsel");

            await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Agreements" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "acme-initech" })).ToContainTextAsync("in force");
        }
        finally
        {
            await PortalBrowser.ScreenshotAsync(page, nameof(A_legal_admin_registers_a_bilateral_agreement_and_records_both_signatures_until_it_is_in_force));
            await page.Context.CloseAsync();
        }
    }
}
