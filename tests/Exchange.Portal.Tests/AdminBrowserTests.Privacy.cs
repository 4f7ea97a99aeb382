using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Exchange.Portal.Tests;

/// <summary>The privacy officer's pages, in Chromium against the real services (the admin tests' services: acme's intake policy is not changed there).</summary>
public sealed partial class AdminBrowserTests
{
    [Fact]
    public async Task A_privacy_officer_answers_an_access_request_and_erases_the_person()
    {
        var marker = Guid.NewGuid().ToString("N")[..8];
        var person = $"dora.{marker}@contoso.example";
        var globex = MemberSystem.GlobexCrm(browser.Services);
        var authorisation = await globex.AuthoriseAsync(["acme"], purpose: $"Printer fault {marker}", categories: ["technical", "organisation", "contact"]);
        var caseId = await globex.OpenCaseToAsync("acme", $"Printer queue stalls {marker}", authorisation,
            new Dictionary<string, string> { ["customerContactEmail"] = person });

        var page = await browser.NewPageAsync();
        try
        {
            await browser.SignInAsync(page, "paula@acme.example");
            await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Privacy" }).ClickAsync();
            await page.GetByRole(AriaRole.Link, new() { Name = "Open a data-subject request" }).ClickAsync();
            await page.GetByLabel("The person's e-mail address").FillAsync(person.ToUpperInvariant());
            await page.GetByLabel("How their identity was verified").FillAsync("Replied from the address on file");
            await page.GetByLabel("Access (a copy of their data)").CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Open the request" }).ClickAsync();

            await Expect(page.Locator("#request-state")).ToHaveTextAsync("open");
            Assert.DoesNotContain(marker, page.Url, StringComparison.Ordinal);
            var items = page.Locator("#items tbody tr");
            await Expect(items).ToHaveCountAsync(1);
            await Expect(items).ToContainTextAsync(person);
            await Expect(items).ToContainTextAsync(caseId.ToString());

            var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download CSV" }).ClickAsync());
            var csv = await File.ReadAllLinesAsync((await download.PathAsync())!);
            Assert.StartsWith("kind,caseId", csv[0], StringComparison.Ordinal);
            Assert.Single(csv.Skip(1), line => line.Contains(person, StringComparison.Ordinal) && line.Contains(caseId.ToString(), StringComparison.Ordinal));

            await page.GetByRole(AriaRole.Link, new() { Name = "Printable view" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Your data held through the Support Exchange");
            await Expect(page.GetByRole(AriaRole.Navigation)).ToHaveCountAsync(0);
            await page.EmulateMediaAsync(new() { Media = Media.Print });
            await Expect(page.Locator("table tbody tr")).ToContainTextAsync(person);
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Back to the request" })).ToBeHiddenAsync();
            await page.EmulateMediaAsync(new() { Media = Media.Screen });

            // The person then asks to be erased: the confirmation lists what will go before anything goes.
            await page.GotoAsync(browser.Services.PortalUrl + "/privacy/requests/new");
            await page.GetByLabel("The person's e-mail address").FillAsync(person);
            await page.GetByLabel("How their identity was verified").FillAsync("Replied from the address on file");
            await page.GetByLabel("Erasure (delete their data)").CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Open the request" }).ClickAsync();
            await page.GetByRole(AriaRole.Link, new() { Name = "Erase the person's data…" }).ClickAsync();
            var willGo = page.GetByRole(AriaRole.Region, new() { Name = "What will go" });
            await Expect(willGo).ToContainTextAsync("Cases purged (1)");
            await Expect(willGo).ToContainTextAsync(caseId.ToString());
            await page.GetByRole(AriaRole.Button, new() { Name = "Erase now" }).ClickAsync();

            await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("was erased");
            await Expect(page.Locator("#request-state")).ToHaveTextAsync("erased");
            await Expect(page.Locator("#items")).ToHaveCountAsync(0);
            await Expect(page.GetByText(person)).ToHaveCountAsync(0);
            Assert.Equal("purged", (await globex.CaseAsync(caseId)).GetProperty("status").GetString());
        }
        finally
        {
            await PortalBrowser.ScreenshotAsync(page, nameof(A_privacy_officer_answers_an_access_request_and_erases_the_person));
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task Operator_staff_see_case_counts_across_members_and_no_case_content()
    {
        var summary = $"Scanner firmware hangs {Guid.NewGuid():N}"[..40];
        var caseId = await MemberSystem.AcmeCrm(browser.Services).OpenCaseToAsync("globex", summary);

        var page = await browser.NewPageAsync();
        try
        {
            await browser.SignInAsync(page, "oscar@exchange.example");
            await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Operator" }).ClickAsync();
            var acme = page.Locator("#by-member").GetByRole(AriaRole.Row).Filter(new() { HasText = "Acme Software Ltd" });
            Assert.True(int.Parse((await acme.Locator("td").Nth(1).TextContentAsync())!, System.Globalization.CultureInfo.InvariantCulture) >= 1);
            Assert.True(int.Parse((await page.Locator("#by-state tbody td").First.TextContentAsync())!, System.Globalization.CultureInfo.InvariantCulture) >= 1);
            await page.GetByRole(AriaRole.Button, new() { Name = "Verify the audit chain" }).ClickAsync();
            await Expect(page.Locator("#audit-result")).ToContainTextAsync("Intact");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Background jobs" })).ToBeVisibleAsync();

            var html = await page.ContentAsync();
            Assert.DoesNotContain(summary, html, StringComparison.Ordinal);
            Assert.DoesNotContain(caseId.ToString(), html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("Contoso", html, StringComparison.Ordinal);

            // The operator's privacy officer scopes a breach of acme's CRM client over the last hour.
            await page.Context.CloseAsync();
            page = await browser.NewPageAsync();
            await browser.SignInAsync(page, "piet@exchange.example");
            await page.GotoAsync(browser.Services.PortalUrl + "/privacy");
            await page.GetByRole(AriaRole.Link, new() { Name = "Open a breach assessment" }).ClickAsync();
            var now = DateTime.UtcNow;
            await page.GetByLabel("User or API client id").FillAsync("acme-crm");
            await page.GetByLabel("From (UTC)").FillAsync(now.AddHours(-1).ToString("yyyy-MM-ddTHH:mm", System.Globalization.CultureInfo.InvariantCulture));
            await page.GetByLabel("To (UTC)").FillAsync(now.AddMinutes(5).ToString("yyyy-MM-ddTHH:mm", System.Globalization.CultureInfo.InvariantCulture));
            await page.GetByRole(AriaRole.Button, new() { Name = "Assess" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = caseId.ToString() })).ToContainTextAsync("acme → globex");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Draft notification to the supervisory authority" })).ToBeVisibleAsync();
        }
        finally
        {
            await PortalBrowser.ScreenshotAsync(page, nameof(Operator_staff_see_case_counts_across_members_and_no_case_content));
            await page.Context.CloseAsync();
        }
    }
}
