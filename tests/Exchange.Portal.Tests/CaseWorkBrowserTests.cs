using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Exchange.Portal.Tests;

/// <summary>
/// Issue 15's case page, walked in Chromium against the four real services: the people on a case and
/// who wrote each note (item 2), actions from the API and an audit trail of changes with reads summed
/// up (item 3), withdrawing a request (item 6), and what remains after the purge, with dashboard
/// counts that survive it (item 8).
/// </summary>
public sealed class CaseWorkBrowserTests(PortalBrowser browser) : IClassFixture<PortalBrowser>
{
    private string Portal => browser.Services.PortalUrl;

    private static Task CheckAsync(IPage page, string state) => PortalBrowser.CheckAsync(page, state);

    [Fact]
    public async Task A_receiver_accepts_sees_who_owns_the_case_and_who_wrote_each_note_and_reads_a_trail_of_changes()
    {
        var caseId = await MemberSystem.AcmeCrm(browser.Services).OpenCaseToAsync("globex", "Scanner drops jobs after the driver update");
        var page = await browser.NewPageAsync();
        try
        {
            await browser.SignInAsync(page, "gina@globex.example");
            await page.GotoAsync($"{Portal}/cases/{caseId}");

            // The buttons are the API's allowedActions for the receiver of a submitted case: no withdrawal, no answer.
            var actions = page.GetByRole(AriaRole.Complementary, new() { Name = "Actions" });
            await Expect(actions.GetByRole(AriaRole.Button, new() { Name = "Accept" })).ToBeVisibleAsync();
            await Expect(actions.Locator("summary", new() { HasText = "Ask the submitter for information" })).ToBeVisibleAsync();
            await Expect(actions.Locator("summary", new() { HasText = "Reject" })).ToBeVisibleAsync();
            await Expect(actions.Locator("summary", new() { HasText = "Withdraw this request" })).ToHaveCountAsync(0);
            await Expect(page.Locator("#people")).ToContainTextAsync("once globex accepts the request");
            await CheckAsync(page, "item3-receiver-submitted");

            await page.GetByLabel("Your own case reference (optional)").FillAsync("GLX-501");
            await actions.GetByRole(AriaRole.Button, new() { Name = "Accept" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("You accepted the case.");
            await Expect(page.Locator("#case-state")).ToHaveTextAsync("Accepted");

            // Who owns the case on each side: the person who accepted, the system that submitted.
            var people = page.Locator("#people");
            await Expect(people).ToContainTextAsync("Gina Gale");
            await Expect(people.GetByRole(AriaRole.Link, new() { Name = "gina@globex.example" })).ToHaveAttributeAsync("href", "mailto:gina@globex.example");
            await Expect(people).ToContainTextAsync("support contact: support@acme.example");

            await page.GetByLabel("Add a note").FillAsync("Reproduced on driver 5.1; rolling back fixes it.");
            await page.GetByRole(AriaRole.Button, new() { Name = "Add note" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Your note was added.");
            var note = page.Locator("ol.notes li").Filter(new() { HasText = "Reproduced on driver 5.1" });
            await Expect(note.Locator(".author")).ToHaveTextAsync("Gina Gale (GG)");
            await CheckAsync(page, "item2-owners-and-note-author");

            // Page views are summed up per member; the trail lists the changes.
            for (var i = 0; i < 3; i++)
            {
                await page.ReloadAsync();
            }

            var audit = page.GetByRole(AriaRole.Region, new() { Name = "Audit trail" });
            await Expect(audit.Locator("#audit-reads")).ToContainTextAsync(new Regex("Read \\d+ times by globex"));
            var rows = audit.Locator("tbody tr");
            await Expect(rows.Filter(new() { HasText = "Accepted" })).ToHaveCountAsync(1);
            await Expect(rows.Filter(new() { HasText = "Added a note" })).ToHaveCountAsync(1);
            await Expect(rows.Filter(new() { HasText = "Opened the request" })).ToHaveCountAsync(1);
            await Expect(rows.Filter(new() { HasText = "case.read" })).ToHaveCountAsync(0);
            await CheckAsync(page, "item3-audit-trail");

            // On a phone the actions come before the case's details.
            await page.SetViewportSizeAsync(390, 844);
            await page.ReloadAsync();
            var actionsTop = (await page.GetByRole(AriaRole.Heading, new() { Name = "Actions" }).BoundingBoxAsync())!.Y;
            var sharedTop = (await page.GetByRole(AriaRole.Heading, new() { Name = "Shared with both members" }).BoundingBoxAsync())!.Y;
            Assert.True(actionsTop < sharedTop, $"Actions at {actionsTop}px should come before the shared fields at {sharedTop}px on a phone.");
            await Expect(actions.GetByRole(AriaRole.Button, new() { Name = "Resolve" })).ToBeVisibleAsync();
            await CheckAsync(page, "item3-phone-actions-first");
        }
        finally
        {
            await PortalBrowser.ScreenshotAsync(page, nameof(A_receiver_accepts_sees_who_owns_the_case_and_who_wrote_each_note_and_reads_a_trail_of_changes));
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task A_submitter_withdraws_a_request_after_confirming_and_after_the_purge_sees_the_tombstone_with_dashboard_counts_unchanged()
    {
        var crm = MemberSystem.AcmeCrm(browser.Services);
        var authorisation = await crm.AuthoriseAsync(["globex"]);
        var caseId = await crm.OpenCaseToAsync("globex", "Badge readers reject valid cards", authorisation);
        var page = await browser.NewPageAsync();
        try
        {
            await browser.SignInAsync(page, "alice@acme.example");
            await page.GotoAsync($"{Portal}/cases/{caseId}");

            // The submitter of a submitted request: it may withdraw (behind a confirmation) or add a note, not accept.
            var actions = page.GetByRole(AriaRole.Complementary, new() { Name = "Actions" });
            await Expect(actions.GetByRole(AriaRole.Button, new() { Name = "Accept" })).ToHaveCountAsync(0);
            var confirm = actions.GetByRole(AriaRole.Button, new() { Name = "Yes, withdraw the request" });
            await Expect(confirm).ToBeHiddenAsync();
            await actions.Locator("summary", new() { HasText = "Withdraw this request" }).ClickAsync();
            await Expect(confirm).ToBeVisibleAsync();
            await Expect(actions).ToContainTextAsync("globex is told");
            await CheckAsync(page, "item6-withdraw-confirmation");

            await confirm.ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("You withdrew the request; the receiver has been told.");
            await Expect(page.Locator("#case-state")).ToHaveTextAsync("Withdrawn");
            await Expect(actions).ToContainTextAsync("This case is withdrawn; no further actions.");
            await Expect(page.GetByLabel("Add a note")).ToHaveCountAsync(0);
            await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Audit trail" }).Locator("tbody")).ToContainTextAsync("Withdrew the request");
            Assert.Equal("withdrawn", (await crm.CaseAsync(caseId)).GetProperty("status").GetString());
            await CheckAsync(page, "item6-withdrawn");

            // The dashboard before and after the purge: the tombstone keeps the request counted.
            await page.GotoAsync(Portal + "/dashboard");
            var weekly = page.Locator("svg#chart-weekly desc");
            await Expect(weekly).ToContainTextAsync("Opened:");
            var before = await weekly.TextContentAsync();

            await crm.WithdrawAsync(authorisation); // purges every case under the authorisation at once
            Assert.Equal("purged", (await crm.CaseAsync(caseId)).GetProperty("status").GetString());

            await page.GotoAsync($"{Portal}/cases/{caseId}");
            await Expect(page.Locator("#case-state")).ToHaveTextAsync("Purged");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "What remains of the case" })).ToBeVisibleAsync();
            await Expect(page.Locator("#purge-facts")).ToContainTextAsync("Withdrawn");
            await Expect(page.Locator("#purge-facts")).ToContainTextAsync("The customer withdrew the authorisation");
            await Expect(page.GetByText("Acme Billing")).ToHaveCountAsync(0);
            await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Audit trail" }).Locator("tbody")).ToContainTextAsync("Purged the case's data");
            await CheckAsync(page, "item8-tombstone");

            await page.GotoAsync(Portal + "/dashboard");
            await Expect(weekly).ToHaveTextAsync(before!);
            await CheckAsync(page, "item8-dashboard-after-purge");
        }
        finally
        {
            await PortalBrowser.ScreenshotAsync(page, nameof(A_submitter_withdraws_a_request_after_confirming_and_after_the_purge_sees_the_tombstone_with_dashboard_counts_unchanged));
            await page.Context.CloseAsync();
        }
    }
}
