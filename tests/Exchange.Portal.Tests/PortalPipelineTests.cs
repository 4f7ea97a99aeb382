using System.Net;
using Exchange.Testing;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.WebUtilities;

namespace Exchange.Portal.Tests;

/// <summary>The portal hosted in process against a stand-in discovery document: sign-in wiring and headers.</summary>
public sealed class PortalPipelineTests : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private FakeIdentityProvider _identity = null!;
    private ExchangeAppFactory<PortalHost> _portal = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _identity = await FakeIdentityProvider.StartAsync();
        _portal = new ExchangeAppFactory<PortalHost>(_database, new Dictionary<string, string?>
        {
            ["Exchange:Auth:Authority"] = _identity.Authority,
            ["Exchange:Portal:ApiBaseUrl"] = "http://127.0.0.1:9",
            ["Exchange:Portal:ClientSecret"] = "test-portal-secret",
        });
    }

    public async Task DisposeAsync()
    {
        await _portal.DisposeAsync();
        await _identity.DisposeAsync();
        await _database.DisposeAsync();
    }

    private HttpClient Client() => _portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    [Fact]
    public async Task An_anonymous_visit_to_the_inbox_is_sent_to_identity_with_pkce_and_a_nonce()
    {
        var response = await Client().GetAsync("/cases/inbox");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.StartsWith(_identity.Authority + "/connect/authorize?", location.ToString(), StringComparison.Ordinal);
        var query = QueryHelpers.ParseQuery(location.Query);
        Assert.Equal("code", query["response_type"]);
        Assert.Equal("exchange-portal", query["client_id"]);
        Assert.Equal("S256", query["code_challenge_method"]);
        Assert.InRange(query["code_challenge"].ToString().Length, 43, 128);
        Assert.EndsWith("/signin-oidc", query["redirect_uri"].ToString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(query["nonce"]));
        Assert.False(string.IsNullOrEmpty(query["state"]));
        var scopes = query["scope"].ToString().Split(' ');
        Assert.Contains("openid", scopes);
        Assert.Contains("offline_access", scopes);
        Assert.Contains("cases:read", scopes);
        // The correlation cookie binds the state to this browser.
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".AspNetCore.Correlation.", StringComparison.Ordinal) && c.Contains("httponly", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Sign_in_with_a_foreign_return_url_returns_to_the_portal_root()
    {
        var response = await Client().GetAsync("/signin?returnUrl=https%3A%2F%2Fevil.example%2F");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith(_identity.Authority, response.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("evil.example", response.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pages_send_a_csp_without_inline_script_that_forbids_framing()
    {
        var response = await Client().GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.Contains("form-action 'self' " + _identity.Authority, csp, StringComparison.Ordinal);
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        var html = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<script>", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(" style=\"", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<main", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/signin\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_post_without_an_antiforgery_token_is_refused()
    {
        var response = await Client().PostAsync("/signout", new FormUrlEncodedContent(new Dictionary<string, string>()));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_forged_callback_without_correlation_fails_to_the_sign_in_failed_page()
    {
        var response = await Client().GetAsync("/signin-oidc?code=abc&state=not-a-real-state");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/sign-in-failed", response.Headers.Location!.ToString());
    }
}
