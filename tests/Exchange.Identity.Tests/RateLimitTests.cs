using System.Net;

namespace Exchange.Identity.Tests;

public sealed class RateLimitTests : IAsyncLifetime
{
    private IdentityServer _server = null!;

    public async Task InitializeAsync() => _server = await IdentityServer.StartAsync(new()
    {
        ["Exchange:Identity:TokenRequestsPerClientPerMinute"] = "8",
        ["Exchange:Identity:FailedClientAuthenticationsPerMinute"] = "5",
        ["Exchange:Identity:LoginAttemptsPerIpPerMinute"] = "3",
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Repeated_bad_secrets_for_one_client_are_throttled_with_retry_after_even_with_the_right_secret_while_other_clients_go_on()
    {
        using var client = _server.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            using var response = await client.PostFormAsync("/connect/token", [("grant_type", "client_credentials")], Protocol.Basic("acme-crm", "guess-" + i));
            statuses.Add(response.StatusCode);
        }

        using var right = await client.PostFormAsync("/connect/token", [("grant_type", "client_credentials")], Protocol.Basic("acme-crm", "dev-acme-crm-secret"));
        using var other = await client.PostFormAsync("/connect/token", [("grant_type", "client_credentials")], Protocol.Basic("globex-crm", "dev-globex-crm-secret"));

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Unauthorized, 5), HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
        Assert.True(int.Parse(right.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task Ten_bad_secrets_for_a_known_client_from_one_address_do_not_lock_the_real_client_out_elsewhere()
    {
        string secret;
        await using (var db = _server.Database.CreateContext())
        {
            secret = await Exchange.Testing.IdentityTokens.AddMachineClientAsync(db, "lockout-crm", "acme", [Exchange.Core.Identity.Roles.Engineer], [Exchange.Core.Identity.Scopes.CasesRead]);
        }

        var attacker = IPAddress.Parse("198.51.100.7");
        var realClient = IPAddress.Parse("203.0.113.20");
        var statuses = new List<int>();
        for (var i = 0; i < 10; i++)
        {
            var (status, _) = await _server.PostFormFromAsync(attacker, "/connect/token", [("grant_type", "client_credentials")], Protocol.Basic("lockout-crm", "guess-" + i));
            statuses.Add(status);
        }

        var (real, _) = await _server.PostFormFromAsync(realClient, "/connect/token", [("grant_type", "client_credentials")], Protocol.Basic("lockout-crm", secret));
        var (attackerWithSecret, headers) = await _server.PostFormFromAsync(attacker, "/connect/token", [("grant_type", "client_credentials")], Protocol.Basic("lockout-crm", secret));

        // Guessing is still throttled where it comes from, even once the guesser has the secret...
        Assert.Equal([.. Enumerable.Repeat(401, 5), .. Enumerable.Repeat(429, 5)], statuses);
        Assert.Equal(429, attackerWithSecret);
        Assert.True(headers.ContainsKey("Retry-After"));
        // ...but the real client, calling from its own address, still gets its token.
        Assert.Equal(200, real);
    }

    [Fact]
    public async Task Many_good_requests_of_one_client_are_throttled_too_with_retry_after()
    {
        using var client = _server.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 9; i++)
        {
            using var response = await client.PostFormAsync("/connect/token", [("grant_type", "client_credentials")], Protocol.Basic("initech-crm", "dev-initech-crm-secret"));
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.True(response.Headers.Contains("Retry-After"));
            }
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, 8), HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task Repeated_sign_in_attempts_from_one_address_are_throttled_with_retry_after()
    {
        using var browser = _server.CreateBrowser();
        var returnUrl = Protocol.AuthorizeUrl(Protocol.NewVerifier());
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await browser.SubmitLoginAsync(returnUrl, "nobody@acme.example", "Wrong-Passw0rd!");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.True(response.Headers.Contains("Retry-After"));
            }
        }

        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task Forgot_password_requests_from_one_address_are_throttled_while_another_address_goes_on()
    {
        var address = System.Net.IPAddress.Parse("203.0.113.77");
        var statuses = new List<int>();
        for (var i = 0; i < 6; i++)
        {
            var (status, _) = await _server.PostFormFromAsync(address, "/account/forgot-password", [("email", $"someone{i}@acme.example")]);
            statuses.Add(status);
        }

        var (other, _) = await _server.PostFormFromAsync(System.Net.IPAddress.Parse("203.0.113.78"), "/account/forgot-password", [("email", "someone@acme.example")]);

        // Five answered (refused here for want of the form's antiforgery field), then 429 (the default: 5 a minute).
        Assert.Equal([.. Enumerable.Repeat(400, 5), 429], statuses);
        Assert.Equal(400, other);
    }
}
