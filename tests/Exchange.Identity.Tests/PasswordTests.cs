using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Exchange.Core.Data;
using Exchange.Testing;
using MimeKit;

namespace Exchange.Identity.Tests;

/// <summary>Identity with mail on, sending to a real SMTP server in the test process.</summary>
public sealed class MailingIdentityFixture : IAsyncLifetime
{
    public SmtpInbox Inbox { get; private set; } = null!;
    public IdentityServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Inbox = SmtpInbox.Start();
        var settings = Inbox.Settings;
        settings["Exchange:Identity:PasswordResetRequestsPerIpPerMinute"] = "1000";
        Server = await IdentityServer.StartAsync(settings);
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await Inbox.DisposeAsync();
    }
}

public sealed partial class PasswordTests(MailingIdentityFixture fixture) : IClassFixture<MailingIdentityFixture>, IDisposable
{
    private const string Password = "Several-words-2026";
    private readonly IdentityServer _server = fixture.Server;
    private readonly SmtpInbox _inbox = fixture.Inbox;
    private readonly HttpClient _client = fixture.Server.CreateClient();

    public void Dispose() => _client.Dispose();

    private async Task<string> AdminTokenAsync()
    {
        using var browser = _server.CreateBrowser();
        var verifier = Protocol.NewVerifier();
        var (code, _) = await browser.AuthorizeAsync(verifier, email: "adam@acme.example", scope: "openid member:admin");
        using var response = await _client.RedeemCodeAsync(code, verifier);
        return (await response.JsonAsync()).GetProperty("access_token").GetString()!;
    }

    private async Task<MimeMessage> MailToAsync(string address, int count = 1)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            var mails = _inbox.Messages.Where(m => m.To.Mailboxes.Any(b => b.Address == address)).ToList();
            if (mails.Count >= count)
            {
                return mails[count - 1];
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"Mail number {count} did not arrive.");
    }

    private static string LinkIn(MimeMessage mail) => LinkPattern().Match(mail.TextBody ?? "").Value;

    private async Task<string> InviteAsync(string email)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/users")
        {
            Content = JsonContent.Create(new { email, displayName = "Invited Person", roles = new[] { "engineer" } }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await AdminTokenAsync());
        using var response = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.True(body.GetProperty("invitationMailed").GetBoolean());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, body.GetProperty("invitationUrl").ValueKind);
        return body.GetProperty("user").GetProperty("id").GetString()!;
    }

    private async Task<string> RefreshTokenOfAsync(string email, string password)
    {
        using var browser = _server.CreateBrowser();
        var verifier = Protocol.NewVerifier();
        var url = Protocol.AuthorizeUrl(verifier, scope: "openid offline_access cases:read");
        using var login = await browser.SubmitLoginAsync(url, email, password);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        using var authorized = await browser.GetAsync(login.Headers.Location!.OriginalString);
        using var redeemed = await _client.RedeemCodeAsync(Protocol.Query(authorized.Headers.Location!)["code"], verifier);
        return (await redeemed.JsonAsync()).GetProperty("refresh_token").GetString()!;
    }

    private Task<HttpResponseMessage> RefreshAsync(string refreshToken) =>
        _client.PostFormAsync("/connect/token", [("grant_type", "refresh_token"), ("refresh_token", refreshToken)], Protocol.Basic(IdentityServer.AppClient, IdentityServer.AppSecret));

    private static async Task<(HttpStatusCode Status, string Body)> ForgotAsync(HttpClient browser, string email)
    {
        var page = await browser.GetStringAsync("/account/forgot-password");
        using var response = await browser.PostFormAsync("/account/forgot-password", [("__csrf", Protocol.Csrf(page)), ("email", email)]);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_invited_user_gets_a_mail_whose_link_sets_the_password_once()
    {
        const string email = "invited.mail@acme.example";
        await InviteAsync(email);

        var mail = await MailToAsync(email);
        Assert.Contains("invited you", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("Acme", mail.TextBody, StringComparison.Ordinal);
        var link = LinkIn(mail);
        Assert.StartsWith(IdentityServer.Issuer + "/account/set-password?", link, StringComparison.Ordinal);

        using var browser = _server.CreateBrowser();
        using var mismatch = await browser.SetPasswordAsync(link, Password, confirm: Password + "x");
        Assert.Equal(HttpStatusCode.BadRequest, mismatch.StatusCode);
        Assert.Contains("aria-invalid=\"true\"", await mismatch.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var tooShort = await browser.SetPasswordAsync(link, "short");
        Assert.Equal(HttpStatusCode.BadRequest, tooShort.StatusCode);

        using var set = await browser.SetPasswordAsync(link, Password);
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        using var signedIn = await _server.CreateBrowser().SubmitLoginAsync(Protocol.AuthorizeUrl(Protocol.NewVerifier()), email, Password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);

        // Single use: the password change renewed the stamp the token was bound to.
        using var again = await _server.CreateBrowser().GetAsync(new Uri(link).PathAndQuery);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Contains("no longer works", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_invitation_voids_the_old_link()
    {
        const string email = "invited.late@acme.example";
        var id = await InviteAsync(email);
        var first = LinkIn(await MailToAsync(email));

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/users/{id}/invitation");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await AdminTokenAsync());
        using var resent = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, resent.StatusCode);
        var second = LinkIn(await MailToAsync(email, count: 2));
        using var browser = _server.CreateBrowser();
        using var old = await browser.GetAsync(new Uri(first).PathAndQuery);
        Assert.Equal(HttpStatusCode.BadRequest, old.StatusCode);
        using var newest = await browser.GetAsync(new Uri(second).PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, newest.StatusCode);
    }

    [Fact]
    public async Task Invitation_and_reset_links_stop_working_after_their_lifetimes()
    {
        // Identity's data-protection tokens read the system clock, not the test clock: a server of
        // its own with lifetimes of two seconds, then a short wait.
        await using var inbox = SmtpInbox.Start();
        var settings = inbox.Settings;
        settings["Exchange:Identity:InvitationLifetime"] = "00:00:02";
        settings["Exchange:Identity:PasswordResetLifetime"] = "00:00:02";
        await using var server = await IdentityServer.StartAsync(settings);
        using var client = server.CreateClient();
        using var browser = server.CreateBrowser();
        await ForgotAsync(browser, "gina@globex.example");
        using var adminBrowser = server.CreateBrowser();
        var verifier = Protocol.NewVerifier();
        var (code, _) = await adminBrowser.AuthorizeAsync(verifier, email: "adam@acme.example", scope: "openid member:admin");
        using var redeemed = await client.RedeemCodeAsync(code, verifier);
        using var invite = new HttpRequestMessage(HttpMethod.Post, "/api/v1/users")
        {
            Content = JsonContent.Create(new { email = "expiring@acme.example", displayName = "Expiring", roles = new[] { "engineer" } }),
        };
        invite.Headers.Authorization = new AuthenticationHeaderValue("Bearer", (await redeemed.JsonAsync()).GetProperty("access_token").GetString());
        using var invited = await client.SendAsync(invite);
        Assert.Equal(HttpStatusCode.Created, invited.StatusCode);

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (inbox.Messages.Count < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        var links = inbox.Messages.Select(LinkIn).ToList();
        Assert.Equal(2, links.Count);
        await Task.Delay(TimeSpan.FromSeconds(3));
        foreach (var link in links)
        {
            using var late = await browser.GetAsync(new Uri(link).PathAndQuery);
            Assert.Equal(HttpStatusCode.BadRequest, late.StatusCode);
        }
    }

    [Fact]
    public async Task Forgot_password_answers_alike_for_any_address_and_the_reset_ends_the_users_other_sessions()
    {
        const string email = "forgetful@acme.example";
        await InviteAsync(email);
        using (var browser = _server.CreateBrowser())
        {
            using var set = await browser.SetPasswordAsync(LinkIn(await MailToAsync(email)), Password);
        }

        var refreshToken = await RefreshTokenOfAsync(email, Password);
        using var otherSession = _server.CreateBrowser();
        using (await otherSession.SubmitLoginAsync(Protocol.AuthorizeUrl(Protocol.NewVerifier()), email, Password))
        {
        }

        using var asker = _server.CreateBrowser();
        var known = await ForgotAsync(asker, email);
        var unknown = await ForgotAsync(asker, "nobody.here@acme.example");
        Assert.Equal(HttpStatusCode.OK, known.Status);
        Assert.Equal(known.Status, unknown.Status);
        Assert.Equal(Csrfless(known.Body), Csrfless(unknown.Body));
        Assert.Contains("If an account uses that address", known.Body, StringComparison.Ordinal);

        var mail = await MailToAsync(email, count: 2);
        Assert.Contains("reset the password", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("30 minutes", mail.TextBody, StringComparison.Ordinal);
        var link = LinkIn(mail);
        Assert.Contains("kind=reset", link, StringComparison.Ordinal);
        await Task.Delay(200);
        Assert.DoesNotContain(_inbox.Messages, m => m.To.Mailboxes.Any(b => b.Address == "nobody.here@acme.example"));

        const string newPassword = "Another-phrase-2027";
        using var reset = await asker.SetPasswordAsync(link, newPassword);
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);

        using var refreshed = await RefreshAsync(refreshToken);
        Assert.Equal("invalid_grant", (await refreshed.JsonAsync()).GetProperty("error").GetString());
        // The other browser's Identity session ended: authorize sends it to the login page again.
        using var authorize = await otherSession.GetAsync(Protocol.AuthorizeUrl(Protocol.NewVerifier()));
        Assert.StartsWith("/account/login", authorize.Headers.Location!.OriginalString, StringComparison.Ordinal);
        using var oldPassword = await _server.CreateBrowser().SubmitLoginAsync(Protocol.AuthorizeUrl(Protocol.NewVerifier()), email, Password);
        Assert.Equal(HttpStatusCode.BadRequest, oldPassword.StatusCode);
        using var newOne = await _server.CreateBrowser().SubmitLoginAsync(Protocol.AuthorizeUrl(Protocol.NewVerifier()), email, newPassword);
        Assert.Equal(HttpStatusCode.Redirect, newOne.StatusCode);
        using var reused = await _server.CreateBrowser().GetAsync(new Uri(link).PathAndQuery);
        Assert.Equal(HttpStatusCode.BadRequest, reused.StatusCode);
    }

    [Fact]
    public async Task A_reset_link_is_no_invitation_link()
    {
        var user = "gina@globex.example";
        using var asker = _server.CreateBrowser();
        var before = _inbox.Messages.Count(m => m.To.Mailboxes.Any(b => b.Address == user));
        await ForgotAsync(asker, user);
        var link = LinkIn(await MailToAsync(user, before + 1));

        var swapped = link.Replace("kind=reset", "kind=invite", StringComparison.Ordinal);
        using var wrongKind = await asker.GetAsync(new Uri(swapped).PathAndQuery);
        Assert.Equal(HttpStatusCode.BadRequest, wrongKind.StatusCode);
        using var fresh = await asker.GetAsync(new Uri(link).PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);

    }

    [Fact]
    public async Task A_signed_in_user_changes_the_password_only_with_the_current_one_and_old_refresh_tokens_end()
    {
        const string email = "changer@acme.example";
        await InviteAsync(email);
        using var browser = _server.CreateBrowser();
        using (var set = await browser.SetPasswordAsync(LinkIn(await MailToAsync(email)), Password))
        {
        }

        var refreshToken = await RefreshTokenOfAsync(email, Password);
        using (await browser.SubmitLoginAsync(Protocol.AuthorizeUrl(Protocol.NewVerifier()), email, Password))
        {
        }

        using var anonymous = await _server.CreateBrowser().GetAsync("/account/password");
        Assert.Equal(HttpStatusCode.BadRequest, anonymous.StatusCode);

        const string newPassword = "Brand-new-phrase-2028";
        var page = await browser.GetStringAsync("/account/password");
        using var wrong = await browser.PostFormAsync("/account/password",
            [("__csrf", Protocol.Csrf(page)), ("current", "not my password at all"), ("password", newPassword), ("confirm", newPassword)]);
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Contains("current password is wrong", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        page = await browser.GetStringAsync("/account/password");
        using var changed = await browser.PostFormAsync("/account/password",
            [("__csrf", Protocol.Csrf(page)), ("current", Password), ("password", newPassword), ("confirm", newPassword)]);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);

        using var refreshed = await RefreshAsync(refreshToken);
        Assert.Equal("invalid_grant", (await refreshed.JsonAsync()).GetProperty("error").GetString());
        // This browser keeps its session: authorize goes straight back to the app.
        using var authorize = await browser.GetAsync(Protocol.AuthorizeUrl(Protocol.NewVerifier()));
        Assert.StartsWith(IdentityServer.AppRedirect, authorize.Headers.Location!.OriginalString, StringComparison.Ordinal);
        using var withNew = await _server.CreateBrowser().SubmitLoginAsync(Protocol.AuthorizeUrl(Protocol.NewVerifier()), email, newPassword);
        Assert.Equal(HttpStatusCode.Redirect, withNew.StatusCode);
    }

    [Fact]
    public async Task The_sign_in_page_wears_the_portals_stylesheet_and_links_to_forgot_password()
    {
        using var browser = _server.CreateBrowser();
        var returnUrl = Protocol.AuthorizeUrl(Protocol.NewVerifier());
        var page = await browser.GetStringAsync("/account/login?returnUrl=" + Uri.EscapeDataString(returnUrl));
        var css = await browser.GetStringAsync("/account/site.css");

        Assert.Contains("Support Exchange", page, StringComparison.Ordinal);
        Assert.Contains("href=\"/account/forgot-password?returnUrl=", page, StringComparison.Ordinal);
        var portalCss = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "src", "Exchange.Portal", "wwwroot", "css", "portal.css"));
        Assert.StartsWith(portalCss, css, StringComparison.Ordinal);
        using var icon = await browser.GetAsync("/favicon.svg");
        Assert.Equal(HttpStatusCode.OK, icon.StatusCode);
        Assert.Equal("image/svg+xml", icon.Content.Headers.ContentType!.MediaType);
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory != null && !File.Exists(Path.Combine(directory.FullName, "Exchange.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("No repository root above the test binaries.");
    }

    private static string Csrfless(string page) => CsrfValue().Replace(page, "");

    [GeneratedRegex(@"https://\S+/account/set-password\?\S+")]
    private static partial Regex LinkPattern();

    [GeneratedRegex("value=\"[^\"]{40,}\"")]
    private static partial Regex CsrfValue();
}
