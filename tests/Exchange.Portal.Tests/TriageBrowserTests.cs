using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Exchange.Portal.Tests;

/// <summary>
/// The services with pages of two lines (so paging shows with a handful of cases), webhook fan-out
/// every second, and endpoints disabled after two failed attempts in a row.
/// </summary>
public sealed class TriageBrowser() : PortalBrowser(new Dictionary<string, string>
{
    ["Exchange__Portal__ListPageSize"] = "2",
    ["Exchange__Jobs__Webhooks__Interval"] = "00:00:01",
    ["Exchange__Jobs__Webhooks__DisableAfterFailures"] = "2",
});

/// <summary>Issue 15 items 4 (triage), 12 (webhook health) and 13 (the member admin's view), walked in Chromium.</summary>
public sealed class TriageBrowserTests(TriageBrowser browser) : IClassFixture<TriageBrowser>
{
    private string Portal => browser.Services.PortalUrl;

    private static Task StateAsync(IPage page, string name) => PortalBrowser.CheckAsync(page, name);

    /// <summary>Three requests from globex to acme, with a marker word only they carry; returns the marker.</summary>
    private async Task<string> SeedInboxAsync()
    {
        var marker = "Tri" + Guid.NewGuid().ToString("N")[..6];
        var globex = MemberSystem.GlobexCrm(browser.Services);
        var authorisation = await globex.AuthoriseAsync(["acme"], purpose: $"Triage {marker}");
        await globex.OpenCaseToAsync("acme", $"{marker} alpha: the router drops VPN tunnels", authorisation, severity: 3, reference: $"GLX-{marker}-1");
        await globex.OpenCaseToAsync("acme", $"{marker} beta: the cluster is down", authorisation, severity: 1, reference: $"GLX-{marker}-2");
        await globex.OpenCaseToAsync("acme", $"{marker} gamma: slow reports", authorisation, severity: 2, reference: $"GLX-{marker}-3");
        return marker;
    }

    private static ILocator Rows(IPage page) => page.Locator("table.responsive tbody tr");

    [Fact]
    public async Task An_engineer_searches_sorts_and_pages_the_inbox_and_sees_what_waits_on_them()
    {
        var marker = await SeedInboxAsync();
        var page = await browser.NewPageAsync();
        try
        {
            await browser.SignInAsync(page, "alice@acme.example");
            await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Inbox" }).ClickAsync();

            // Search by summary words: three cases in all, two on this page, all waiting on acme.
            await page.GetByLabel("Search", new() { Exact = true }).FillAsync(marker.ToLowerInvariant());
            await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
            await Expect(page.Locator("caption")).ToContainTextAsync("3 case(s) matching the search");
            await Expect(Rows(page)).ToHaveCountAsync(2);
            await Expect(Rows(page).First).ToContainTextAsync("gamma");
            await Expect(page.Locator("caption")).ToContainTextAsync("2 on this page waiting on you");
            await Expect(Rows(page).First.GetByText("Waiting on you")).ToBeVisibleAsync();
            await StateAsync(page, "4-search");

            // Page forwards and back with the search kept.
            await page.GetByRole(AriaRole.Link, new() { Name = "Next page" }).ClickAsync();
            await Expect(Rows(page)).ToHaveCountAsync(1);
            await Expect(Rows(page).First).ToContainTextAsync("alpha");
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Next page" })).ToHaveCountAsync(0);
            await Expect(page.Locator("caption")).ToContainTextAsync("3 case(s)");
            await StateAsync(page, "4-next-page");
            await page.GetByRole(AriaRole.Link, new() { Name = "Previous page" }).ClickAsync();
            await Expect(Rows(page)).ToHaveCountAsync(2);
            await Expect(Rows(page).First).ToContainTextAsync("gamma");
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Previous page" })).ToHaveCountAsync(0);

            // Most severe first.
            await page.GetByLabel("Sort", new() { Exact = true }).SelectOptionAsync("severity");
            await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
            await Expect(Rows(page).First).ToContainTextAsync("beta");
            await Expect(Rows(page).First).ToContainTextAsync("1 - critical", new() { IgnoreCase = true });
            await Expect(Rows(page).Nth(1)).ToContainTextAsync("gamma");
            await StateAsync(page, "4-severity");

            // Soonest response due first: severity 1's four-hour target is the nearest deadline.
            await page.GetByLabel("Sort", new() { Exact = true }).SelectOptionAsync("due");
            await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
            await Expect(Rows(page).First).ToContainTextAsync("beta");

            // A reference, exactly, whatever its case.
            await page.GetByLabel("Search", new() { Exact = true }).FillAsync($"glx-{marker}-3");
            await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
            await Expect(Rows(page)).ToHaveCountAsync(1);
            await Expect(Rows(page).First).ToContainTextAsync("gamma");
            await Expect(page.Locator("caption")).ToContainTextAsync("1 case(s)");

            // Nothing found says what search covers.
            await page.GetByLabel("Search", new() { Exact = true }).FillAsync("no-such-reference-" + marker);
            await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("No cases match");
            await StateAsync(page, "4-no-match");
        }
        finally
        {
            await PortalBrowser.ScreenshotAsync(page, nameof(An_engineer_searches_sorts_and_pages_the_inbox_and_sees_what_waits_on_them));
            await page.Context.CloseAsync();
        }

        // The same list on a phone.
        var phone = await browser.NewPageAsync(phone: true);
        try
        {
            await browser.SignInAsync(phone, "alice@acme.example");
            await phone.GotoAsync($"{Portal}/cases/inbox?q={marker}&sort=due");
            await Expect(Rows(phone)).ToHaveCountAsync(2);
            await StateAsync(phone, "4-phone");
        }
        finally
        {
            await phone.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task A_member_admin_reads_the_members_cases_and_agreements_without_changing_them()
    {
        var marker = await SeedInboxAsync();
        var page = await browser.NewPageAsync();
        try
        {
            await browser.SignInAsync(page, "adam@acme.example");
            var nav = page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
            await Expect(nav.GetByRole(AriaRole.Link, new() { Name = "New request" })).ToHaveCountAsync(0);
            await nav.GetByRole(AriaRole.Link, new() { Name = "Inbox" }).ClickAsync();
            await page.GetByLabel("Search", new() { Exact = true }).FillAsync(marker);
            await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
            await Expect(page.Locator("caption")).ToContainTextAsync("3 case(s)");
            await StateAsync(page, "13-admin-inbox");

            await nav.GetByRole(AriaRole.Link, new() { Name = "Outbox" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Outbox: requests you sent");
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Open a new request" })).ToHaveCountAsync(0);

            // Opening a request is the engineers' work.
            await page.GotoAsync(Portal + "/cases/new");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("This page is not available to your account");

            await nav.GetByRole(AriaRole.Link, new() { Name = "Agreements" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Agreements");
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Register a new agreement" })).ToHaveCountAsync(0);
            var first = page.Locator("table.responsive tbody tr a").First;
            await Expect(first).ToBeVisibleAsync();
            await StateAsync(page, "13-admin-agreements");
            await first.ClickAsync();
            await Expect(page.Locator("#read-only")).ToBeVisibleAsync();
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Terminate agreement" })).ToHaveCountAsync(0);
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Record signature" })).ToHaveCountAsync(0);
            await Expect(page.GetByRole(AriaRole.Table)).ToContainTextAsync("acme");
            await StateAsync(page, "13-admin-agreement");
        }
        finally
        {
            await PortalBrowser.ScreenshotAsync(page, nameof(A_member_admin_reads_the_members_cases_and_agreements_without_changing_them));
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task A_member_admin_tests_a_failing_endpoint_sees_why_it_was_disabled_re_enables_it_and_pages_its_deliveries()
    {
        var page = await browser.NewPageAsync();
        // Nothing listens on the discard port: every attempt fails to connect.
        const string url = "http://127.0.0.1:9/triage-hook";
        try
        {
            await browser.SignInAsync(page, "greg@globex.example");
            await page.GotoAsync(Portal + "/admin/webhooks");
            await page.GetByLabel("Endpoint URL").FillAsync(url);
            // An event type no other step of this class causes: the deliveries are the test events only.
            await page.GetByRole(AriaRole.Checkbox, new() { Name = "agreement.expiring" }).CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Add endpoint" }).ClickAsync();
            await page.GotoAsync(Portal + "/admin/webhooks");

            var row = page.Locator("#endpoints").GetByRole(AriaRole.Row).Filter(new() { HasText = url });
            await row.GetByRole(AriaRole.Button, new() { Name = "Send test event to " + url }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("test event");
            await row.GetByRole(AriaRole.Button, new() { Name = "Send test event to " + url }).ClickAsync();

            // Two failed attempts in a row disable it: the page says so, and why, at the top.
            var notice = page.Locator(".disabled-notice").Filter(new() { HasText = url });
            await ReloadUntilAsync(page, notice);
            await Expect(notice).ToContainTextAsync("kept failing");
            await Expect(row).ToContainTextAsync("disabled");
            var deliveries = page.Locator("#deliveries");
            await Expect(deliveries).ToContainTextAsync("webhook.ping");
            await Expect(deliveries.Locator("td.outcome").First).ToContainTextAsync(new Regex("connection failed|target refused"));
            await StateAsync(page, "12-disabled");

            await row.GetByRole(AriaRole.Button, new() { Name = "Re-enable " + url }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("enabled again");
            await Expect(notice).ToHaveCountAsync(0);
            await Expect(row).ToContainTextAsync("active");

            // A third test event makes three deliveries: two pages of two.
            await row.GetByRole(AriaRole.Button, new() { Name = "Send test event to " + url }).ClickAsync();
            await ReloadUntilAsync(page, page.GetByRole(AriaRole.Link, new() { Name = "Older deliveries" }));
            await Expect(deliveries.GetByRole(AriaRole.Row)).ToHaveCountAsync(3);
            await StateAsync(page, "12-deliveries");
            await page.GetByRole(AriaRole.Link, new() { Name = "Older deliveries" }).ClickAsync();
            await Expect(deliveries.GetByRole(AriaRole.Row)).ToHaveCountAsync(2);
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Older deliveries" })).ToHaveCountAsync(0);
            await page.GetByRole(AriaRole.Link, new() { Name = "Newer deliveries" }).ClickAsync();
            await Expect(deliveries.GetByRole(AriaRole.Row)).ToHaveCountAsync(3);
            await StateAsync(page, "12-newer");

            await row.GetByRole(AriaRole.Button, new() { Name = "Delete " + url }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("was deleted");
        }
        finally
        {
            await PortalBrowser.ScreenshotAsync(page, nameof(A_member_admin_tests_a_failing_endpoint_sees_why_it_was_disabled_re_enables_it_and_pages_its_deliveries));
            await page.Context.CloseAsync();
        }
    }

    /// <summary>Reloads the page until the element shows (the Jobs service delivers in the background), for at most a minute.</summary>
    private static async Task ReloadUntilAsync(IPage page, ILocator locator)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await locator.CountAsync() == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting for the Jobs service's deliveries to show.");
            await Task.Delay(500);
            await page.ReloadAsync();
        }
    }
}
