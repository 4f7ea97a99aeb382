using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Exchange.Portal.Tests;

/// <summary>The engineer flows of the issue, in Chromium against the four real services and the demo data.</summary>
public sealed class EngineerFlowBrowserTests(PortalBrowser browser) : IClassFixture<PortalBrowser>
{
    private string Portal => browser.Services.PortalUrl;

    [Fact]
    public async Task An_acme_engineer_opens_a_request_to_globex_sees_the_withheld_fields_and_signs_out()
    {
        var page = await browser.NewPageAsync();
        try
        {
            await browser.SignInAsync(page, "alice@acme.example");
            await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "New request" }).ClickAsync();
            await page.GetByLabel("Receiving member").SelectOptionAsync("globex");
            await page.GetByRole(AriaRole.Button, new() { Name = "Show their intake form" }).ClickAsync();

            // No authorisation yet: record the customer's, covering technical and organisation data only.
            await page.GetByRole(AriaRole.Link, new() { Name = "Record a new customer authorisation" }).ClickAsync();
            await page.GetByLabel("Customer organisation").FillAsync("Contoso Retail");
            await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Carla Customer");
            await page.GetByLabel("Role", new() { Exact = true }).FillAsync("IT manager");
            await page.GetByLabel("Purpose").FillAsync("Diagnose the invoice export failure");
            await page.GetByLabel("Evidence reference in your system").FillAsync("CRM-4711");
            await Expect(page.GetByLabel("Globex Hardware GmbH")).ToBeCheckedAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Record authorisation" }).ClickAsync();

            // Back on globex's intake form with the new authorisation chosen in the list.
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "2. The request to Globex Hardware GmbH" })).ToBeVisibleAsync();
            var choice = page.GetByLabel("Authorisation naming Globex Hardware GmbH");
            Assert.Matches("^[0-9a-f-]{36}$", await choice.InputValueAsync());
            await Expect(choice.Locator("option:checked")).ToHaveTextAsync(new Regex("^Contoso Retail · Diagnose the invoice export failure · technical, organisation · until \\d{4}-\\d{2}-\\d{2}$"));
            Assert.DoesNotContain("Contoso", page.Url, StringComparison.Ordinal);
            Assert.DoesNotContain("Carla", page.Url, StringComparison.Ordinal);
            await page.GetByLabel("Your case reference").FillAsync("ACME-1001");
            await page.GetByLabel("Summary").FillAsync("Invoice export fails with E42 after upgrade");
            await page.GetByRole(AriaRole.Textbox, new() { Name = "Product", Exact = true }).FillAsync("Acme Billing");
            await page.GetByLabel("Customer organisation").FillAsync("Contoso Retail");
            await page.GetByLabel("Customer contact name").FillAsync("Carla Customer");
            await page.GetByRole(AriaRole.Button, new() { Name = "Send request" }).ClickAsync();

            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Request sent to Globex Hardware GmbH" })).ToBeVisibleAsync();
            var withheld = page.Locator("#sent-withheld");
            await Expect(withheld).ToContainTextAsync("Customer contact name");
            await Expect(withheld).ToContainTextAsync("The customer's authorisation does not cover this kind of data.");
            Assert.DoesNotContain("Carla", page.Url, StringComparison.Ordinal);

            await page.GetByRole(AriaRole.Link, new() { Name = "Open the case" }).ClickAsync();
            await Expect(page.Locator("#case-state")).ToHaveTextAsync("Submitted");
            await Expect(page.GetByText("Carla Customer")).ToHaveCountAsync(0);

            await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
            await Expect(page).ToHaveURLAsync(Portal + "/");
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Sign in" }).First).ToBeVisibleAsync();
        }
        finally
        {
            await PortalBrowser.ScreenshotAsync(page, nameof(An_acme_engineer_opens_a_request_to_globex_sees_the_withheld_fields_and_signs_out));
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task An_acme_engineer_picks_an_existing_authorisation_from_the_list_of_those_naming_the_receiver()
    {
        var crm = MemberSystem.AcmeCrm(browser.Services);
        var marker = Guid.NewGuid().ToString("N")[..8];
        var usable = await crm.AuthoriseAsync(["globex"], purpose: $"Usable {marker}", organisation: "Fabrikam Foods");
        await crm.AuthoriseAsync(["initech"], purpose: $"Other receiver {marker}");
        var withdrawn = await crm.AuthoriseAsync(["globex"], purpose: $"Withdrawn {marker}");
        await crm.WithdrawAsync(withdrawn);

        var page = await browser.NewPageAsync();
        try
        {
            await browser.SignInAsync(page, "alice@acme.example");
            await page.GotoAsync(Portal + "/cases/new");
            await page.GetByLabel("Receiving member").SelectOptionAsync("globex");
            await page.GetByRole(AriaRole.Button, new() { Name = "Show their intake form" }).ClickAsync();

            // Only the usable one naming globex is offered; recording another stays possible; no id to type.
            var choice = page.GetByLabel("Authorisation naming Globex Hardware GmbH");
            await Expect(choice.Locator("option", new() { HasText = marker })).ToHaveCountAsync(1);
            var option = choice.Locator("option", new() { HasText = $"Usable {marker}" });
            await Expect(option).ToHaveTextAsync(new Regex($"^Fabrikam Foods · Usable {marker} · technical, organisation · until \\d{{4}}-\\d{{2}}-\\d{{2}}$"));
            Assert.Equal(usable.ToString(), await option.GetAttributeAsync("value"));
            await Expect(page.GetByLabel("Authorisation id")).ToHaveCountAsync(0);
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Record a new customer authorisation" })).ToBeVisibleAsync();

            await choice.SelectOptionAsync(usable.ToString());
            await page.GetByLabel("Your case reference").FillAsync("ACME-" + marker);
            await page.GetByLabel("Summary").FillAsync($"Picked from the list {marker}");
            await page.GetByRole(AriaRole.Textbox, new() { Name = "Product", Exact = true }).FillAsync("Acme Billing");
            await page.GetByRole(AriaRole.Button, new() { Name = "Send request" }).ClickAsync();

            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Request sent to Globex Hardware GmbH" })).ToBeVisibleAsync();
            Assert.DoesNotContain("Fabrikam", page.Url, StringComparison.Ordinal);
            Assert.DoesNotContain("Carla", page.Url, StringComparison.Ordinal);
        }
        finally
        {
            await PortalBrowser.ScreenshotAsync(page, nameof(An_acme_engineer_picks_an_existing_authorisation_from_the_list_of_those_naming_the_receiver));
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task A_globex_engineer_accepts_a_request_adds_a_note_and_resolves_it()
    {
        var caseId = await MemberSystem.AcmeCrm(browser.Services).OpenCaseToAsync("globex", "Checkout times out at the payment step");
        var page = await browser.NewPageAsync();
        try
        {
            await browser.SignInAsync(page, "gina@globex.example");
            await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Inbox" }).ClickAsync();
            var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Checkout times out at the payment step" });
            await Expect(row).ToContainTextAsync("Submitted");
            await Expect(row).ToContainTextAsync("acme");
            await Expect(row).ToContainTextAsync("left");
            await row.GetByRole(AriaRole.Link).ClickAsync();
            await Expect(page).ToHaveURLAsync(Portal + "/cases/" + caseId);

            await page.GetByLabel("Your own case reference (optional)").FillAsync("GLX-77");
            await page.GetByRole(AriaRole.Button, new() { Name = "Accept" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("You accepted the case.");
            await Expect(page.Locator("#case-state")).ToHaveTextAsync("Accepted");

            await page.GetByLabel("Add a note").FillAsync("Reproduced with gateway build 7.2; a fix is on its way.");
            await page.GetByRole(AriaRole.Button, new() { Name = "Add note" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Your note was added.");
            await Expect(page.Locator("ol.notes")).ToContainTextAsync("Reproduced with gateway build 7.2");

            await page.GetByLabel("Steps taken").FillAsync("Raised the gateway timeout to 30 seconds.");
            await page.GetByLabel("Conclusion").FillAsync("Timeout too short for the customer's network.");
            await page.GetByRole(AriaRole.Button, new() { Name = "Resolve" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("The case is resolved.");
            await Expect(page.Locator("#case-state")).ToHaveTextAsync("Resolved");
            await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Audit trail" })).ToContainTextAsync("Accepted");
        }
        finally
        {
            await PortalBrowser.ScreenshotAsync(page, nameof(A_globex_engineer_accepts_a_request_adds_a_note_and_resolves_it));
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task A_globex_engineer_still_sees_a_purged_case_as_its_tombstone_with_when_and_why()
    {
        var acme = MemberSystem.AcmeCrm(browser.Services);
        var authorisation = await acme.AuthoriseAsync(["globex"]);
        var caseId = await acme.OpenCaseToAsync("globex", "Label printer jams after the firmware update", authorisation);
        await acme.WithdrawAsync(authorisation);
        var page = await browser.NewPageAsync();
        try
        {
            await browser.SignInAsync(page, "gina@globex.example");

            var response = await page.GotoAsync($"{Portal}/cases/{caseId}");
            Assert.Equal(200, response!.Status);
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Label printer jams after the firmware update");
            await Expect(page.Locator("#case-state")).ToHaveTextAsync("Purged");
            await Expect(page.Locator("#purge-facts")).ToContainTextAsync("The customer withdrew the authorisation");
            await Expect(page.Locator("#purge-facts")).ToContainTextAsync("Halted");
            await Expect(page.GetByText("Acme Billing")).ToHaveCountAsync(0);
        }
        finally
        {
            await PortalBrowser.ScreenshotAsync(page, nameof(A_globex_engineer_still_sees_a_purged_case_as_its_tombstone_with_when_and_why));
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task An_initech_engineer_cannot_see_a_case_between_acme_and_globex()
    {
        var caseId = await MemberSystem.AcmeCrm(browser.Services).OpenCaseToAsync("globex", "Confidential fault between acme and globex");
        var page = await browser.NewPageAsync();
        try
        {
            await browser.SignInAsync(page, "ivan@initech.example");

            var response = await page.GotoAsync($"{Portal}/cases/{caseId}");
            Assert.Equal(404, response!.Status);
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Not found");
            await Expect(page.GetByText("Confidential fault")).ToHaveCountAsync(0);

            await page.GotoAsync(Portal + "/cases/inbox");
            await Expect(page.GetByText("Confidential fault")).ToHaveCountAsync(0);
            await Expect(page.Locator(".empty")).ToContainTextAsync("No requests");

            // Initech has no agreement in force, so no form is offered for globex; acme's authorisations never show.
            await page.GotoAsync(Portal + "/cases/new?receiver=globex");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "No request can be sent to Globex Hardware GmbH now" })).ToBeVisibleAsync();
            await Expect(page.GetByLabel("Authorisation naming Globex Hardware GmbH")).ToHaveCountAsync(0);
            await Expect(page.GetByText("Contoso Retail")).ToHaveCountAsync(0);
        }
        finally
        {
            await PortalBrowser.ScreenshotAsync(page, nameof(An_initech_engineer_cannot_see_a_case_between_acme_and_globex));
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task The_member_dashboard_draws_the_weekly_charts_as_svg()
    {
        await MemberSystem.AcmeCrm(browser.Services).OpenCaseToAsync("globex", "A case for the dashboard");
        var page = await browser.NewPageAsync();
        try
        {
            await browser.SignInAsync(page, "alice@acme.example");
            await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Dashboard" }).ClickAsync();

            var weekly = page.Locator("svg#chart-weekly");
            await Expect(weekly).ToBeVisibleAsync();
            await Expect(weekly.Locator("desc")).ToContainTextAsync("Opened:");
            Assert.True(await weekly.Locator("rect").CountAsync() >= 16);
            await Expect(page.Locator("svg#chart-deadline")).ToBeVisibleAsync();
        }
        finally
        {
            await PortalBrowser.ScreenshotAsync(page, nameof(The_member_dashboard_draws_the_weekly_charts_as_svg));
            await page.Context.CloseAsync();
        }
    }
}
