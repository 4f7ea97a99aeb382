using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Exchange.Testing;
using Microsoft.Playwright;
using MimeKit;
using static Microsoft.Playwright.Assertions;

namespace Exchange.Portal.Tests;

/// <summary>The services with mail on, sending to a real SMTP server in the test process.</summary>
public sealed class MailingPortalBrowser : PortalBrowser, IAsyncLifetime
{
    public MailingPortalBrowser()
        : this(SmtpInbox.Start())
    {
    }

    private MailingPortalBrowser(SmtpInbox inbox)
        : base(inbox.Settings.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value!))
    {
        Inbox = inbox;
    }

    public SmtpInbox Inbox { get; }

    Task IAsyncLifetime.InitializeAsync() => InitializeAsync();

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await Inbox.DisposeAsync();
    }

    /// <summary>The newest mail to <paramref name="address"/> after <paramref name="seen"/> earlier ones, polled briefly.</summary>
    public async Task<MimeMessage> MailAsync(string address, int seen = 0)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var mails = Inbox.Messages.Where(m => m.To.Mailboxes.Any(b => b.Address == address)).ToList();
            if (mails.Count > seen)
            {
                return mails[^1];
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("No mail arrived.");
    }

    public int MailCount(string address) => Inbox.Messages.Count(m => m.To.Mailboxes.Any(b => b.Address == address));
}

/// <summary>Issue 15 items 10 and 11: the member admin's users and API clients, and Identity's own pages, in Chromium.</summary>
public sealed partial class IdentityBrowserTests(MailingPortalBrowser browser) : IClassFixture<MailingPortalBrowser>
{
    private const string NewPassword = "Several-words-2026";

    private static string LinkIn(MimeMessage mail) => SetPasswordLink().Match(mail.TextBody ?? "").Value;

    [Fact]
    public async Task A_member_admin_invites_by_mail_the_user_sets_a_password_and_the_admin_changes_roles_deactivates_and_reactivates()
    {
        var admin = await browser.NewPageAsync();
        var invited = await browser.NewPageAsync();
        const string email = "nora@initech.example";
        try
        {
            await browser.SignInAsync(admin, "irene@initech.example");
            await admin.GotoAsync(browser.Services.PortalUrl + "/admin/users");
            // No way to deactivate oneself in the page (and Identity refuses it: self_deactivation).
            await Expect(admin.GetByRole(AriaRole.Button, new() { Name = "Deactivate Irene" })).ToHaveCountAsync(0);
            await PortalBrowser.CheckAsync(admin, "10-users");

            await admin.GetByLabel("E-mail").FillAsync(email);
            await admin.GetByLabel("Name", new() { Exact = true }).FillAsync("Nora Novak");
            await admin.GetByRole(AriaRole.Button, new() { Name = "Invite" }).ClickAsync();
            await Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("Nora Novak was invited: an e-mail with a link");
            Assert.Equal(browser.Services.PortalUrl + "/admin/users", admin.Url);
            await PortalBrowser.CheckAsync(admin, "10-invited");

            // The invited user follows the link from the mail and sets a password.
            var mail = await browser.MailAsync(email);
            Assert.Contains("Initech", mail.TextBody, StringComparison.Ordinal);
            await invited.GotoAsync(LinkIn(mail));
            await Expect(invited.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Set your password");
            await PortalBrowser.CheckAsync(invited, "10-set-password");
            await invited.GetByLabel("New password", new() { Exact = true }).FillAsync(NewPassword);
            await invited.GetByLabel("New password again").FillAsync(NewPassword + " typo");
            await invited.GetByRole(AriaRole.Button, new() { Name = "Set password" }).ClickAsync();
            await Expect(invited.Locator("#confirm")).ToHaveAttributeAsync("aria-invalid", "true");
            await Expect(invited.Locator("#error-summary")).ToBeFocusedAsync();
            await PortalBrowser.CheckAsync(invited, "10-set-password-error");
            await invited.GetByLabel("New password", new() { Exact = true }).FillAsync(NewPassword);
            await invited.GetByLabel("New password again").FillAsync(NewPassword);
            await invited.GetByRole(AriaRole.Button, new() { Name = "Set password" }).ClickAsync();
            await Expect(invited.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Your password is set");
            await PortalBrowser.CheckAsync(invited, "10-password-set");
            await invited.GetByRole(AriaRole.Link, new() { Name = "Go to the portal" }).ClickAsync();
            await invited.GetByRole(AriaRole.Link, new() { Name = "Sign in" }).First.ClickAsync();
            await invited.GetByLabel("Email").FillAsync(email);
            await invited.GetByLabel("Password").FillAsync(NewPassword);
            await invited.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await Expect(invited.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Welcome, Nora Novak");

            // Roles: Nora becomes privacy officer as well.
            await admin.ReloadAsync();
            var row = admin.GetByRole(AriaRole.Row).Filter(new() { HasText = email });
            await row.GetByText("Change roles").ClickAsync();
            await row.GetByRole(AriaRole.Checkbox, new() { Name = "Privacy officer" }).CheckAsync();
            await row.GetByRole(AriaRole.Button, new() { Name = "Save roles of Nora Novak" }).ClickAsync();
            await Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("The roles of Nora Novak are now: Engineer, Privacy officer");
            await Expect(row).ToContainTextAsync("Engineer, Privacy officer");

            // Deactivating asks first; Cancel changes nothing.
            await row.GetByRole(AriaRole.Button, new() { Name = "Deactivate Nora Novak" }).ClickAsync();
            await Expect(admin.Locator("#confirm-deactivation")).ToContainTextAsync("Deactivate Nora Novak?");
            await PortalBrowser.CheckAsync(admin, "10-confirm-deactivation");
            await admin.GetByRole(AriaRole.Link, new() { Name = "Cancel" }).ClickAsync();
            await Expect(admin.Locator("#confirm-deactivation")).ToHaveCountAsync(0);
            await Expect(row.GetByRole(AriaRole.Cell).Nth(3)).ToHaveTextAsync("active");
            await row.GetByRole(AriaRole.Button, new() { Name = "Deactivate Nora Novak" }).ClickAsync();
            await admin.Locator("#confirm-deactivation").GetByRole(AriaRole.Button, new() { Name = "Deactivate Nora Novak" }).ClickAsync();
            await Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("Nora Novak was deactivated");
            await Expect(row).ToContainTextAsync("deactivated");
            await PortalBrowser.CheckAsync(admin, "10-deactivated");
            await row.GetByRole(AriaRole.Button, new() { Name = "Reactivate Nora Novak" }).ClickAsync();
            await Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("Nora Novak was reactivated");
            await Expect(row.GetByRole(AriaRole.Cell).Nth(3)).ToHaveTextAsync("active");
        }
        finally
        {
            await PortalBrowser.ScreenshotAsync(admin, "10-users-final");
            await PortalBrowser.ScreenshotAsync(invited, "10-invited-final");
            await admin.Context.CloseAsync();
            await invited.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task A_user_who_forgot_the_password_resets_it_by_mail_and_then_changes_it_with_the_current_one()
    {
        var page = await browser.NewPageAsync(phone: true);
        const string email = "ivan@initech.example";
        const string changed = "Changed-again-2027";
        try
        {
            await page.GotoAsync(browser.Services.PortalUrl + "/");
            await page.GetByRole(AriaRole.Link, new() { Name = "Sign in" }).First.ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Sign in to the exchange");
            await Expect(page.GetByText("Support Exchange").First).ToBeVisibleAsync();
            await PortalBrowser.CheckAsync(page, "10-sign-in");
            await page.GetByRole(AriaRole.Link, new() { Name = "Forgot your password?" }).ClickAsync();
            await PortalBrowser.CheckAsync(page, "10-forgot-password");
            var before = browser.MailCount(email);
            await page.GetByLabel("Email").FillAsync(email);
            await page.GetByRole(AriaRole.Button, new() { Name = "Send the link" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("If an account uses that address");
            await PortalBrowser.CheckAsync(page, "10-forgot-password-sent");

            await page.GotoAsync(LinkIn(await browser.MailAsync(email, before)));
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Choose a new password");
            await page.GetByLabel("New password", new() { Exact = true }).FillAsync(NewPassword);
            await page.GetByLabel("New password again").FillAsync(NewPassword);
            await page.GetByRole(AriaRole.Button, new() { Name = "Set password" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Every other session of yours was signed out");

            await page.GotoAsync(browser.Services.PortalUrl + "/account");
            await page.GetByLabel("Email").FillAsync(email);
            await page.GetByLabel("Password").FillAsync(NewPassword);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Your account");
            await PortalBrowser.CheckAsync(page, "10-account");
            await page.GetByRole(AriaRole.Link, new() { Name = "Change your password" }).ClickAsync();
            await page.GetByLabel("Current password").FillAsync("not the password");
            await page.GetByLabel("New password", new() { Exact = true }).FillAsync(changed);
            await page.GetByLabel("New password again").FillAsync(changed);
            await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
            await Expect(page.Locator("#current")).ToHaveAttributeAsync("aria-invalid", "true");
            await PortalBrowser.CheckAsync(page, "10-change-password-error");
            await page.GetByLabel("Current password").FillAsync(NewPassword);
            await page.GetByLabel("New password", new() { Exact = true }).FillAsync(changed);
            await page.GetByLabel("New password again").FillAsync(changed);
            await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Your password is changed");
            await PortalBrowser.CheckAsync(page, "10-password-changed");
        }
        finally
        {
            await PortalBrowser.ScreenshotAsync(page, "10-password-final");
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task A_member_admin_creates_a_client_with_chosen_scopes_a_reload_repeats_nothing_rotation_keeps_the_old_secret_and_revoking_asks_first()
    {
        var page = await browser.NewPageAsync();
        using var http = new HttpClient { BaseAddress = new Uri(browser.Services.IdentityUrl) };
        try
        {
            await browser.SignInAsync(page, "greg@globex.example");
            await page.GotoAsync(browser.Services.PortalUrl + "/admin/clients");
            await PortalBrowser.CheckAsync(page, "11-clients");

            await page.GetByLabel("Name of the system").FillAsync("Globex monitoring");
            await page.GetByRole(AriaRole.Checkbox, new() { Name = "Open and work on cases" }).UncheckAsync();
            await page.GetByRole(AriaRole.Checkbox, new() { Name = "Record customer authorisations" }).UncheckAsync();
            await page.GetByRole(AriaRole.Checkbox, new() { Name = "Manage webhook endpoints" }).CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Create client" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("with the scopes cases:read, webhooks:manage");
            var first = (await page.Locator("#client-secret").TextContentAsync())!;
            Assert.Equal(browser.Services.PortalUrl + "/admin/clients", page.Url);
            var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Globex monitoring" });
            var clientId = (await row.Locator("code").TextContentAsync())!;
            await PortalBrowser.CheckAsync(page, "11-secret-shown-once");

            // A reload neither shows the secret again nor creates a second client.
            await page.ReloadAsync();
            await Expect(page.Locator("#client-secret")).ToHaveCountAsync(0);
            await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Globex monitoring" })).ToHaveCountAsync(1);

            var token = await TokenAsync(http, clientId, first);
            Assert.Equal(HttpStatusCode.OK, token.Status);
            Assert.Contains("\"scope\":\"cases:read webhooks:manage\"", token.Body, StringComparison.Ordinal);

            await row.GetByRole(AriaRole.Button, new() { Name = "Rotate secret of " + clientId }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("The old secret keeps working until");
            var second = (await page.Locator("#client-secret").TextContentAsync())!;
            Assert.NotEqual(first, second);
            await Expect(row).ToContainTextAsync("old secret works until");
            Assert.Equal(HttpStatusCode.OK, (await TokenAsync(http, clientId, first)).Status);
            Assert.Equal(HttpStatusCode.OK, (await TokenAsync(http, clientId, second)).Status);

            await row.GetByRole(AriaRole.Button, new() { Name = "Revoke " + clientId }).ClickAsync();
            await Expect(page.Locator("#confirm-revoke")).ToContainTextAsync($"Revoke {clientId}?");
            await PortalBrowser.CheckAsync(page, "11-confirm-revoke");
            Assert.Equal(HttpStatusCode.OK, (await TokenAsync(http, clientId, second)).Status);
            await page.Locator("#confirm-revoke").GetByRole(AriaRole.Button, new() { Name = "Revoke " + clientId }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("was revoked");
            await Expect(row).ToContainTextAsync("revoked");
            await PortalBrowser.CheckAsync(page, "11-revoked");
            Assert.Equal(HttpStatusCode.Unauthorized, (await TokenAsync(http, clientId, second)).Status);
        }
        finally
        {
            await PortalBrowser.ScreenshotAsync(page, "11-clients-final");
            await page.Context.CloseAsync();
        }
    }

    private static async Task<(HttpStatusCode Status, string Body)> TokenAsync(HttpClient http, string clientId, string secret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/token")
        {
            Content = new FormUrlEncodedContent([KeyValuePair.Create("grant_type", "client_credentials")]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(clientId)}:{Uri.EscapeDataString(secret)}")));
        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [GeneratedRegex(@"http://\S+/account/set-password\?\S+")]
    private static partial Regex SetPasswordLink();
}
