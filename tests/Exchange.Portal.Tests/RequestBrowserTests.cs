using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Exchange.Portal.Tests;

/// <summary>
/// Issue 15's engineer side of opening a request, walked in Chromium against the four real services
/// and the demo data: coverage before the form (item 1), authorisations listed and withdrawn (item 5),
/// the preview and withheld fields (item 7) and form errors (item 9). Each state worth seeing is
/// screenshotted and checked with axe-core; the phone width is the same page resized (no second sign-in).
/// </summary>
public sealed class RequestBrowserTests(PortalBrowser browser) : IClassFixture<PortalBrowser>
{
    private string Portal => browser.Services.PortalUrl;

    private static Task Check(IPage page, string name) => PortalBrowser.CheckAsync(page, name);

    private static Task PhoneAsync(IPage page) => page.SetViewportSizeAsync(390, 844);

    private static async Task<string?> FocusedIdAsync(IPage page) => await page.EvaluateAsync<string?>("() => document.activeElement && document.activeElement.id");

    [Fact]
    public async Task Item1_the_receiver_picker_shows_each_members_coverage_and_offers_no_form_for_an_uncovered_one()
    {
        var page = await browser.NewPageAsync();
        try
        {
            await browser.SignInAsync(page, "alice@acme.example");
            await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "New request" }).ClickAsync();

            // Both acme and globex have the framework agreement in force; initech has none.
            var globex = page.Locator("#coverage-globex");
            await Expect(globex).ToContainTextAsync("Covered");
            await Expect(globex).ToContainTextAsync("Data it permits: technical, organisation, contact. Regions: EU, UK.");
            var initech = page.Locator("#coverage-initech");
            await Expect(initech).ToContainTextAsync("Not covered");
            await Expect(initech).ToContainTextAsync("There is no agreement in force between your organisation and Initech Inc.");
            await Expect(initech).ToContainTextAsync("What to do: Ask the exchange's legal team");
            await Expect(initech.GetByRole(AriaRole.Link)).ToHaveCountAsync(0);
            await Expect(page.Locator("#receiver option[value=initech]")).ToBeDisabledAsync();
            await Expect(page.Locator("#receiver option[value=globex]")).ToBeEnabledAsync();
            await Check(page, "1-coverage-desktop");
            await PhoneAsync(page);
            await Check(page, "1-coverage-phone");

            // A link to an uncovered receiver says why and what to do instead of offering the form.
            await page.GotoAsync(Portal + "/cases/new?receiver=initech");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "No request can be sent to Initech Inc. now" })).ToBeVisibleAsync();
            await Expect(page.Locator("#not-covered")).ToContainTextAsync("agreement_missing");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "2. The request to Initech Inc." })).ToHaveCountAsync(0);
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Send request" })).ToHaveCountAsync(0);
            await Check(page, "1-uncovered-receiver-phone");

            // A covered one gets the form, with the terms that apply.
            await page.SetViewportSizeAsync(1280, 900);
            await page.GetByLabel("Receiving member").SelectOptionAsync("globex");
            await page.GetByRole(AriaRole.Button, new() { Name = "Show their intake form" }).ClickAsync();
            await Expect(page.Locator("#receiver-coverage")).ToHaveTextAsync("The agreement in force with Globex Hardware GmbH permits technical, organisation, contact data, to EU, UK.");
            await Check(page, "1-covered-receiver-form");
        }
        finally
        {
            await PortalBrowser.ScreenshotAsync(page, "1-final");
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task Item5_an_engineer_lists_authorisations_tells_look_alikes_apart_and_withdraws_one_after_seeing_the_cases_it_purges()
    {
        var crm = MemberSystem.AcmeCrm(browser.Services);
        var marker = Guid.NewGuid().ToString("N")[..8];
        var twin = await crm.AuthoriseAsync(["globex"], purpose: $"Twin {marker}", organisation: "Northwind Traders");
        var sibling = await crm.AuthoriseAsync(["globex"], purpose: $"Twin {marker}", organisation: "Northwind Traders");
        var caseId = await crm.OpenCaseToAsync("globex", $"Pump controller reboots {marker}", twin,
            new Dictionary<string, string> { ["customerOrganisation"] = "Northwind Traders" });

        var page = await browser.NewPageAsync();
        try
        {
            await browser.SignInAsync(page, "alice@acme.example");
            await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Authorisations" }).ClickAsync();
            var row = page.Locator($"#authorisation-{twin}");
            await Expect(row).ToContainTextAsync("Northwind Traders");
            await Expect(row).ToContainTextAsync("Carla Customer, IT manager");
            await Expect(row).ToContainTextAsync("Globex Hardware GmbH");
            await Expect(row).ToContainTextAsync("technical, organisation");
            await Expect(row).ToContainTextAsync("Active");
            await Expect(row.Locator("time")).ToHaveTextAsync(new Regex("^\\d{4}-\\d{2}-\\d{2}$"));
            await Check(page, "5-authorisations-desktop");
            await PhoneAsync(page);
            await Check(page, "5-authorisations-phone");
            await page.SetViewportSizeAsync(1280, 900);

            // The picker: categories and expiry on each option, and the two look-alikes told apart.
            await page.GotoAsync(Portal + "/cases/new?receiver=globex");
            var choice = page.GetByLabel("Authorisation naming Globex Hardware GmbH");
            var twins = choice.Locator("option", new() { HasText = $"Twin {marker}" });
            await Expect(twins).ToHaveCountAsync(2);
            var texts = await twins.AllTextContentsAsync();
            Assert.All(texts, t => Assert.Matches($"^Northwind Traders · Twin {marker} · technical, organisation · until \\d{{4}}-\\d{{2}}-\\d{{2}} · recorded .+ · id …[0-9a-f]{{8}}$", t));
            Assert.NotEqual(texts[0], texts[1]);
            Assert.Contains(texts, t => t.EndsWith(sibling.ToString()[^8..], StringComparison.Ordinal));
            await Check(page, "5-picker");

            // Withdrawing names the open case it will halt and purge before anything happens.
            await page.GotoAsync(Portal + "/authorisations");
            await page.Locator($"#authorisation-{twin}").GetByRole(AriaRole.Link, new() { Name = "Withdraw" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Withdraw the authorisation from Northwind Traders?");
            await Expect(page.Locator("#open-cases")).ToContainTextAsync($"Pump controller reboots {marker}");
            await Expect(page.Locator("#open-cases")).ToContainTextAsync("Globex Hardware GmbH");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "1 open case(s) will be halted and purged" })).ToBeVisibleAsync();
            Assert.Equal("submitted", (await crm.CaseAsync(caseId)).GetProperty("status").GetString());
            await Check(page, "5-withdraw-confirmation");

            await page.GetByRole(AriaRole.Button, new() { Name = "Withdraw and purge 1 case(s)" }).ClickAsync();
            await Expect(page.Locator("#withdrawn-message")).ToContainTextAsync("The authorisation from Northwind Traders was withdrawn.");
            await Expect(page.Locator($"#authorisation-{twin}")).ToContainTextAsync("Withdrawn");
            await Expect(page.Locator($"#authorisation-{twin}").GetByRole(AriaRole.Link, new() { Name = "Withdraw" })).ToHaveCountAsync(0);
            await Expect(page.Locator($"#authorisation-{sibling}")).ToContainTextAsync("Active");
            Assert.DoesNotContain("Northwind", page.Url, StringComparison.Ordinal);
            Assert.Equal("purged", (await crm.CaseAsync(caseId)).GetProperty("status").GetString());
            await Check(page, "5-withdrawn");
        }
        finally
        {
            await PortalBrowser.ScreenshotAsync(page, "5-final");
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task Item7_the_preview_appears_after_the_button_with_redacted_and_withheld_fields_told_apart_and_the_receiver_sees_why()
    {
        var crm = MemberSystem.AcmeCrm(browser.Services);
        var marker = Guid.NewGuid().ToString("N")[..8];
        var authorisation = await crm.AuthoriseAsync(["globex"], purpose: $"Preview {marker}");

        string? caseHref = null;
        var page = await browser.NewPageAsync();
        try
        {
            await browser.SignInAsync(page, "alice@acme.example");
            await PhoneAsync(page);
            await page.GotoAsync($"{Portal}/cases/new?receiver=globex&authorisation={authorisation}");
            await page.GetByLabel("Your case reference").FillAsync("ACME-" + marker);
            await page.GetByLabel("Summary").FillAsync($"Sync fails {marker}, call +44 20 7946 0958 for access");
            await page.GetByRole(AriaRole.Textbox, new() { Name = "Product", Exact = true }).FillAsync("Acme Billing");
            await page.GetByLabel("Customer organisation").FillAsync("Contoso Retail");
            await page.GetByLabel("Customer contact name").FillAsync("Carla Customer");
            await page.GetByRole(AriaRole.Button, new() { Name = "Preview what Globex Hardware GmbH will see" }).ClickAsync();

            // Right after the buttons, in view and focused.
            var preview = page.Locator("#preview");
            await Expect(preview).ToBeVisibleAsync();
            await Expect(preview).ToBeFocusedAsync();
            await Expect(preview).ToBeInViewportAsync();
            Assert.EndsWith("#preview", page.Url, StringComparison.Ordinal);
            Assert.True(await page.Locator(".toolbar + #preview").CountAsync() == 1, "The preview follows the buttons.");
            await Expect(page.Locator("#preview-redacted")).ToContainTextAsync("Summary: Passed on with the phone number redacted.");
            await Expect(preview).ToContainTextAsync("[redacted:phone]");
            await Expect(preview).Not.ToContainTextAsync("7946");
            var withheld = page.Locator("#preview-withheld");
            await Expect(withheld).ToContainTextAsync("Customer contact name");
            await Expect(withheld).ToContainTextAsync("The customer's authorisation does not cover this kind of data.");
            await Expect(withheld).Not.ToContainTextAsync("Summary");
            await Check(page, "7-preview-phone");

            await page.SetViewportSizeAsync(1280, 900);
            await page.GetByRole(AriaRole.Button, new() { Name = "Send request" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Request sent to Globex Hardware GmbH" })).ToBeVisibleAsync();
            await Expect(page.Locator("#sent-redacted")).ToContainTextAsync("Summary");
            await Expect(page.Locator("#sent-withheld")).ToContainTextAsync("Customer contact name");
            await Check(page, "7-sent");
            caseHref = await page.GetByRole(AriaRole.Link, new() { Name = "Open the case" }).GetAttributeAsync("href");
            Assert.Matches("^/cases/[0-9a-f-]{36}$", caseHref);
        }
        finally
        {
            await PortalBrowser.ScreenshotAsync(page, "7-final-submitter");
            await page.Context.CloseAsync();
        }

        // The receiver sees on the case page what was not passed on to it, and why.
        var receiver = await browser.NewPageAsync();
        try
        {
            await browser.SignInAsync(receiver, "gina@globex.example");
            await receiver.GotoAsync(Portal + caseHref);
            await Expect(receiver.GetByRole(AriaRole.Heading, new() { Name = "Not passed on to you" })).ToBeVisibleAsync();
            await Expect(receiver.Locator("#case-withheld")).ToContainTextAsync("Customer contact name");
            await Expect(receiver.Locator("#case-withheld")).ToContainTextAsync("The customer's authorisation does not cover this kind of data.");
            await Expect(receiver.Locator("#case-redacted")).ToContainTextAsync("Summary: Passed on to you with the phone number redacted.");
            await Expect(receiver.GetByText("Carla Customer")).ToHaveCountAsync(0);
            await Check(receiver, "7-receiver-case-desktop");
            await PhoneAsync(receiver);
            await Check(receiver, "7-receiver-case-phone");
        }
        finally
        {
            await PortalBrowser.ScreenshotAsync(receiver, "7-final-receiver");
            await receiver.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task Item9_validation_problems_are_shown_beside_each_field_by_its_name_and_focus_moves_to_the_summary()
    {
        var crm = MemberSystem.AcmeCrm(browser.Services);
        var authorisation = await crm.AuthoriseAsync(["globex"], purpose: "Errors " + Guid.NewGuid().ToString("N")[..8]);
        var page = await browser.NewPageAsync();
        try
        {
            await browser.SignInAsync(page, "alice@acme.example");
            await PhoneAsync(page);

            // A summary of blanks passes the browser's "required" but not the API: its problem lands on the field.
            await page.GotoAsync($"{Portal}/cases/new?receiver=globex&authorisation={authorisation}");
            await page.GetByLabel("Your case reference").FillAsync("ACME-ERR");
            await page.GetByLabel("Summary").FillAsync("   ");
            await page.GetByRole(AriaRole.Textbox, new() { Name = "Product", Exact = true }).FillAsync("Acme Billing");
            await page.GetByRole(AriaRole.Button, new() { Name = "Send request" }).ClickAsync();

            var summary = page.Locator("#error-summary");
            await Expect(summary).ToBeVisibleAsync();
            await Expect(summary).ToBeFocusedAsync();
            await Expect(summary.GetByRole(AriaRole.Heading)).ToHaveTextAsync("The request was not sent");
            await Expect(summary.GetByRole(AriaRole.Link, new() { Name = "Summary: required by the receiving member's intake policy." })).ToHaveAttributeAsync("href", "#f-summary");
            var field = page.Locator("#f-summary");
            await Expect(field).ToHaveAttributeAsync("aria-invalid", "true");
            await Expect(field).ToHaveAttributeAsync("aria-describedby", "f-summary-error f-summary-hint");
            await Expect(page.Locator("#f-summary-error")).ToHaveTextAsync("Summary: required by the receiving member's intake policy.");
            await Expect(page.Locator("#f-product")).Not.ToHaveAttributeAsync("aria-invalid", "true");
            await Expect(page.Locator("main")).Not.ToContainTextAsync("fields.summary");
            await Check(page, "9-case-form-errors-phone");

            // The authorisation form: FluentValidation's "'receiving Member Ids' must not be empty." said with the form's words.
            await page.SetViewportSizeAsync(1280, 900);
            await page.GotoAsync(Portal + "/authorisations/new");
            await page.GetByLabel("Customer organisation").FillAsync("Contoso Retail");
            await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Carla Customer");
            await page.GetByLabel("Role", new() { Exact = true }).FillAsync("IT manager");
            await page.GetByLabel("Purpose").FillAsync("Diagnose the invoice export failure");
            await page.GetByLabel("Evidence reference in your system").FillAsync("CRM-4711");
            await page.GetByRole(AriaRole.Checkbox, new() { Name = "technical", Exact = true }).UncheckAsync();
            await page.GetByRole(AriaRole.Checkbox, new() { Name = "organisation", Exact = true }).UncheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Record authorisation" }).ClickAsync();

            await Expect(page.Locator("#error-summary")).ToBeFocusedAsync();
            await Expect(page.Locator("#receivers-error")).ToHaveTextAsync("Members it names must not be empty.");
            await Expect(page.Locator("#categories-error")).ToHaveTextAsync("Data it covers must not be empty.");
            await Expect(page.Locator("#receivers")).ToHaveAttributeAsync("aria-invalid", "true");
            await Expect(page.Locator("#org")).Not.ToHaveAttributeAsync("aria-invalid", "true");
            await Expect(page.Locator("main")).Not.ToContainTextAsync("Member Ids");
            await Expect(page.Locator("main")).Not.ToContainTextAsync("Data Categories");
            await Check(page, "9-authorisation-form-errors-desktop");
            await PhoneAsync(page);
            await Check(page, "9-authorisation-form-errors-phone");
        }
        finally
        {
            await PortalBrowser.ScreenshotAsync(page, "9-final");
            await page.Context.CloseAsync();
        }
    }
}
