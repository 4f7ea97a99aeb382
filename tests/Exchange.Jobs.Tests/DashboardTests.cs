using System.Net;
using System.Text.RegularExpressions;
using Exchange.Core.Data;
using Exchange.Core.Identity;
using Exchange.Identity;
using Exchange.Jobs.Dashboard;
using Exchange.Testing;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Exchange.Jobs.Tests;

/// <summary>Exchange.Identity and Exchange.Jobs in process; the dashboard signs people in through Identity with OpenID Connect.</summary>
public sealed class DashboardHosts : IdentityBackedHosts<IdentityHost, JobsHost>
{
    public const string Secret = "test-jobs-dashboard-secret";

    protected override IDictionary<string, string?> ServiceSettings => new Dictionary<string, string?>
    {
        ["Exchange:Jobs:Dashboard:ClientSecret"] = Secret,
        ["Exchange:Jobs:Purge:Interval"] = "01:00:00",
        ["Exchange:Jobs:Webhooks:Interval"] = "01:00:00",
        ["Exchange:Jobs:Deadlines:Interval"] = "01:00:00",
        ["Exchange:Jobs:PurgeReceipts:Interval"] = "01:00:00",
        ["Exchange:Jobs:Housekeeping:Interval"] = "01:00:00",
    };

    // The client as the demo seeds it, with the address the in-memory Jobs host answers on.
    protected override Task SeedAsync(ExchangeDbContext db) =>
        JobsDashboardClient.RegisterAsync(db, Secret, $"{Issuer}/signin-oidc", null, DateTime.UtcNow);

    protected override void ConfigureService(IServiceCollection services, HttpMessageHandler identity) =>
        services.Configure<OpenIdConnectOptions>(DashboardExtensions.IdentityScheme, o => o.BackchannelHttpHandler = identity);
}

public sealed partial class DashboardTests(DashboardHosts hosts) : IClassFixture<DashboardHosts>
{
    [Fact]
    public async Task Anyone_not_signed_in_is_sent_to_Identity_to_sign_in()
    {
        using var browser = hosts.Service.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var response = await browser.GetAsync(DashboardExtensions.Path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.Equal("/connect/authorize", location.AbsolutePath);
        Assert.Contains("client_id=jobs-dashboard", location.Query, StringComparison.Ordinal);
        Assert.Contains("code_challenge_method=S256", location.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_operator_gets_the_dashboard_read_only()
    {
        using var browser = await SignInAsync("oscar@exchange.example");

        using var home = await browser.GetAsync(DashboardExtensions.Path);
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Contains("Exchange jobs", await home.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The recurring jobs are listed; triggering one is refused to a read-only user.
        var (page, trigger) = await TriggerAsync(browser, "Housekeeping");
        Assert.Contains("Housekeeping", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, trigger);
    }

    [Fact]
    public async Task An_operator_admin_may_act_on_jobs()
    {
        using var browser = await SignInAsync("olga@exchange.example");

        var (_, trigger) = await TriggerAsync(browser, "Housekeeping");

        Assert.Equal(HttpStatusCode.NoContent, trigger);
    }

    [Fact]
    public async Task A_member_engineer_is_refused()
    {
        using var browser = await SignInAsync("alice@acme.example");

        using var response = await browser.GetAsync(DashboardExtensions.Path);
        using var api = await browser.GetAsync(DashboardExtensions.Path + "/stats");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain("Exchange jobs", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, api.StatusCode);
    }

    [Fact]
    public async Task Operator_staff_of_another_role_is_refused()
    {
        using var browser = await SignInAsync("lena@exchange.example");

        using var response = await browser.GetAsync(DashboardExtensions.Path);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    /// <summary>Opens the recurring jobs page and posts its "trigger now" with the page's antiforgery token.</summary>
    private static async Task<(string Page, HttpStatusCode Trigger)> TriggerAsync(HttpClient browser, string job)
    {
        var page = await browser.GetStringAsync(DashboardExtensions.Path + "/recurring");
        var header = CsrfHeader().Match(page).Groups[1].Value;
        var token = CsrfToken().Match(page).Groups[1].Value;
        using var request = new HttpRequestMessage(HttpMethod.Post, DashboardExtensions.Path + "/recurring/trigger")
        {
            Content = new FormUrlEncodedContent([new("jobs[]", job)]),
        };
        request.Headers.Add(header, token);
        using var response = await browser.SendAsync(request);
        return (page, response.StatusCode);
    }

    /// <summary>Walks the sign-in as a browser would: dashboard, Identity's login page, the callback, and back.</summary>
    private async Task<HttpClient> SignInAsync(string email)
    {
        var browser = hosts.Service.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        using var identity = hosts.Identity.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

        using var challenge = await browser.GetAsync(DashboardExtensions.Path);
        var authorize = challenge.Headers.Location!.PathAndQuery;
        using var toLogin = await identity.GetAsync(authorize);
        var login = toLogin.Headers.Location!.OriginalString;
        var form = await identity.GetStringAsync(login);
        using var posted = await identity.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__csrf"] = CsrfField().Match(form).Groups[1].Value,
            ["returnUrl"] = authorize,
            ["email"] = email,
            ["password"] = DemoSeed.UserPassword,
        }));
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        using var authorized = await identity.GetAsync(posted.Headers.Location!.OriginalString);
        var callback = authorized.Headers.Location!;
        Assert.Equal("/signin-oidc", callback.AbsolutePath);

        using var signedIn = await browser.GetAsync(callback.PathAndQuery);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal(DashboardExtensions.Path, signedIn.Headers.Location!.OriginalString);
        return browser;
    }

    [GeneratedRegex("name=\"__csrf\" value=\"([^\"]+)\"")]
    private static partial Regex CsrfField();

    [GeneratedRegex("<meta name=\"csrf-header\" content=\"([^\"]+)\">")]
    private static partial Regex CsrfHeader();

    [GeneratedRegex("<meta name=\"csrf-token\" content=\"([^\"]+)\">")]
    private static partial Regex CsrfToken();
}
