using System.Net;
using Exchange.Core.Identity;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Exchange.Identity.Tests;

public sealed class AuthorizationCodeTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>, IDisposable
{
    private readonly IdentityServer _server = fixture.Server;
    private readonly HttpClient _browser = fixture.Server.CreateBrowser();
    private readonly HttpClient _client = fixture.Server.CreateClient();

    public void Dispose()
    {
        _browser.Dispose();
        _client.Dispose();
    }

    [Fact]
    public async Task A_user_signs_in_and_the_code_gives_access_id_and_refresh_tokens_with_state_iss_and_nonce()
    {
        var verifier = Protocol.NewVerifier();
        var (code, response) = await _browser.AuthorizeAsync(verifier, scope: "openid profile email offline_access cases:read operator");

        Assert.Equal("st-123", response["state"]);
        Assert.Equal(IdentityServer.Issuer, response["iss"]);
        using var token = await _client.RedeemCodeAsync(code, verifier);
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        Assert.True(token.Headers.CacheControl!.NoStore);
        var body = await token.JsonAsync();
        Assert.False(string.IsNullOrEmpty(body.GetProperty("refresh_token").GetString()));

        var access = new JsonWebToken(body.GetProperty("access_token").GetString());
        Assert.Equal("at+jwt", access.Typ);
        Assert.Equal("acme", access.GetClaim("member_id").Value);
        Assert.Equal(IdentityServer.AppClient, access.GetClaim("client_id").Value);
        Assert.True(Guid.TryParse(access.Subject, out _));
        Assert.Equal([Roles.Engineer], access.Claims.Where(c => c.Type == "role").Select(c => c.Value));
        // An engineer asked for the operator scope too: a user never gets more than the roles allow.
        Assert.Equal("openid profile email offline_access cases:read", access.GetClaim("scope").Value);
        // The API shows who wrote a note (name and initials): the person's name travels in the access token.
        Assert.Equal("Alice Archer", access.GetClaim("name").Value);

        var id = new JsonWebToken(body.GetProperty("id_token").GetString());
        Assert.Equal("JWT", id.Typ);
        Assert.Equal(IdentityServer.Issuer, id.Issuer);
        Assert.Equal([IdentityServer.AppClient], id.Audiences);
        Assert.Equal(access.Subject, id.Subject);
        Assert.Equal("n-456", id.GetClaim("nonce").Value);
        Assert.Equal("Alice Archer", id.GetClaim("name").Value);
        Assert.Equal("alice@acme.example", id.GetClaim("email").Value);
        Assert.True(id.TryGetClaim("auth_time", out _));
        Assert.True(id.TryGetClaim("at_hash", out _));
    }

    [Fact]
    public async Task An_unknown_client_gets_an_error_page_never_a_redirect()
    {
        var url = Protocol.AuthorizeUrl(Protocol.NewVerifier(), clientId: "no-such-client");

        using var response = await _browser.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Theory]
    [InlineData("https://app.example/callback/")]
    [InlineData("https://APP.example/callback")]
    [InlineData("https://app.example/callback?x=1")]
    [InlineData("https://evil.example/callback")]
    public async Task A_redirect_uri_not_byte_identical_to_a_registered_one_gets_an_error_page(string redirectUri)
    {
        var url = Protocol.AuthorizeUrl(Protocol.NewVerifier(), redirectUri: redirectUri);

        using var response = await _browser.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Theory]
    [InlineData("code_challenge_method=S256", "invalid_request")]           // no challenge
    [InlineData("code_challenge=CHALLENGE", "invalid_request")]              // no method
    [InlineData("code_challenge=CHALLENGE&code_challenge_method=plain", "invalid_request")]
    [InlineData("code_challenge=short&code_challenge_method=S256", "invalid_request")]
    [InlineData("code_challenge=CHALLENGE&code_challenge_method=S256&response_type=token", "unsupported_response_type")]
    [InlineData("code_challenge=CHALLENGE&code_challenge_method=S256&scope=openid+nonsense", "invalid_scope")]
    [InlineData("code_challenge=CHALLENGE&code_challenge_method=S256&state=again", "invalid_request")]
    public async Task Bad_requests_from_a_genuine_client_are_returned_to_it_with_state_and_iss(string extra, string error)
    {
        var challenge = Protocol.Challenge(Protocol.NewVerifier());
        var parameters = $"client_id={IdentityServer.AppClient}&redirect_uri={Uri.EscapeDataString(IdentityServer.AppRedirect)}&state=st-9";
        if (!extra.Contains("response_type", StringComparison.Ordinal))
        {
            parameters += "&response_type=code";
        }

        if (!extra.Contains("scope=", StringComparison.Ordinal))
        {
            parameters += "&scope=openid";
        }

        using var response = await _browser.GetAsync("/connect/authorize?" + parameters + "&" + extra.Replace("CHALLENGE", challenge));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var query = Protocol.Query(response.Headers.Location!);
        Assert.StartsWith(IdentityServer.AppRedirect + "?", response.Headers.Location!.OriginalString);
        Assert.Equal(error, query["error"]);
        Assert.Equal("st-9", query["state"]);
        Assert.Equal(IdentityServer.Issuer, query["iss"]);
        Assert.False(query.ContainsKey("code"));
    }

    [Fact]
    public async Task A_code_used_twice_is_invalid_grant_and_revokes_the_tokens_of_its_first_use()
    {
        var verifier = Protocol.NewVerifier();
        var (code, _) = await _browser.AuthorizeAsync(verifier);
        using var first = await _client.RedeemCodeAsync(code, verifier);
        var body = await first.JsonAsync();
        var access = body.GetProperty("access_token").GetString()!;
        var refresh = body.GetProperty("refresh_token").GetString()!;
        Assert.True((await (await _client.IntrospectAsync(access)).JsonAsync()).GetProperty("active").GetBoolean());

        using var second = await _client.RedeemCodeAsync(code, verifier);

        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
        Assert.Equal("invalid_grant", (await second.JsonAsync()).GetProperty("error").GetString());
        Assert.False((await (await _client.IntrospectAsync(access)).JsonAsync()).GetProperty("active").GetBoolean());
        using var refreshed = await _client.PostFormAsync("/connect/token", [("grant_type", "refresh_token"), ("refresh_token", refresh)],
            Protocol.Basic(IdentityServer.AppClient, IdentityServer.AppSecret));
        Assert.Equal("invalid_grant", (await refreshed.JsonAsync()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Twenty_parallel_redemptions_of_one_code_give_exactly_one_success()
    {
        var verifier = Protocol.NewVerifier();
        var (code, _) = await _browser.AuthorizeAsync(verifier);

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => _client.RedeemCodeAsync(code, verifier)));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(19, responses.Count(r => r.StatusCode == HttpStatusCode.BadRequest));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Another_clients_code_is_invalid_grant()
    {
        var verifier = Protocol.NewVerifier();
        var (code, _) = await _browser.AuthorizeAsync(verifier);

        using var response = await _client.RedeemCodeAsync(code, verifier, clientId: IdentityServer.OtherAppClient);

        Assert.Equal("invalid_grant", (await response.JsonAsync()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_different_or_missing_redirect_uri_at_the_token_endpoint_is_invalid_grant()
    {
        var verifier = Protocol.NewVerifier();
        var (code, _) = await _browser.AuthorizeAsync(verifier);
        var (code2, _) = await _browser.AuthorizeAsync(verifier);

        using var different = await _client.RedeemCodeAsync(code, verifier, redirectUri: IdentityServer.AppRedirect + "/");
        using var missing = await _client.PostFormAsync("/connect/token",
            [("grant_type", "authorization_code"), ("code", code2), ("code_verifier", verifier)], Protocol.Basic(IdentityServer.AppClient, IdentityServer.AppSecret));

        Assert.Equal("invalid_grant", (await different.JsonAsync()).GetProperty("error").GetString());
        Assert.Equal("invalid_grant", (await missing.JsonAsync()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_wrong_or_missing_verifier_is_invalid_grant()
    {
        var verifier = Protocol.NewVerifier();
        var (code, _) = await _browser.AuthorizeAsync(verifier);
        var (code2, _) = await _browser.AuthorizeAsync(verifier);

        using var wrong = await _client.RedeemCodeAsync(code, Protocol.NewVerifier());
        using var missing = await _client.PostFormAsync("/connect/token",
            [("grant_type", "authorization_code"), ("code", code2), ("redirect_uri", IdentityServer.AppRedirect)], Protocol.Basic(IdentityServer.AppClient, IdentityServer.AppSecret));

        Assert.Equal("invalid_grant", (await wrong.JsonAsync()).GetProperty("error").GetString());
        Assert.Equal("invalid_grant", (await missing.JsonAsync()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_verifier_where_no_challenge_was_sent_never_matches()
    {
        // PKCE is required of every client, so no code is ever issued without a challenge: the
        // request without one goes back to the client as an error, and there is nothing to redeem.
        await _browser.AuthorizeAsync(Protocol.NewVerifier());
        var url = $"/connect/authorize?client_id={IdentityServer.AppClient}&redirect_uri={Uri.EscapeDataString(IdentityServer.AppRedirect)}&response_type=code&scope=openid&state=s";

        using var response = await _browser.GetAsync(url);

        var query = Protocol.Query(response.Headers.Location!);
        Assert.Equal("invalid_request", query["error"]);
        Assert.False(query.ContainsKey("code"));
        using var redeemed = await _client.RedeemCodeAsync("not-a-code", Protocol.NewVerifier());
        Assert.Equal("invalid_grant", (await redeemed.JsonAsync()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_code_expires_within_minutes()
    {
        var verifier = Protocol.NewVerifier();
        var (code, _) = await _browser.AuthorizeAsync(verifier);
        _server.Clock.Advance(TimeSpan.FromMinutes(3));

        using var response = await _client.RedeemCodeAsync(code, verifier);

        Assert.Equal("invalid_grant", (await response.JsonAsync()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task The_login_page_forbids_framing_and_script_and_the_session_cookie_is_host_prefixed_secure_httponly_lax()
    {
        using var browser = _server.CreateClient();
        var returnUrl = Protocol.AuthorizeUrl(Protocol.NewVerifier());
        using var page = await browser.GetAsync("/account/login?returnUrl=" + Uri.EscapeDataString(returnUrl));
        var csp = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.DoesNotContain("script-src", csp);
        Assert.DoesNotContain("<script", await page.Content.ReadAsStringAsync());

        // Without the cookie container, so the Set-Cookie header itself can be read.
        var antiforgery = page.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("__Host-exchange-antiforgery=", StringComparison.Ordinal)).Split(';')[0];
        var csrf = System.Text.RegularExpressions.Regex.Match(await page.Content.ReadAsStringAsync(), "name=\"__csrf\" value=\"([^\"]+)\"").Groups[1].Value;
        using var raw = _server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/account/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__csrf"] = csrf, ["returnUrl"] = returnUrl, ["email"] = "gina@globex.example", ["password"] = "Demo-Passw0rd!",
            }),
        };
        request.Headers.Add("Cookie", antiforgery);
        using var login = await raw.SendAsync(request);

        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal(returnUrl, login.Headers.Location!.OriginalString);
        var cookie = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("__Host-exchange-identity=", StringComparison.Ordinal)).ToLowerInvariant();
        Assert.Contains("secure", cookie);
        Assert.Contains("httponly", cookie);
        Assert.Contains("samesite=lax", cookie);
        Assert.Contains("path=/", cookie);
        Assert.DoesNotContain("domain=", cookie);
    }

    [Fact]
    public async Task The_login_page_refuses_a_return_url_outside_the_authorize_endpoint()
    {
        using var page = await _browser.GetAsync("/account/login?returnUrl=" + Uri.EscapeDataString("https://evil.example/"));

        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
    }

    [Fact]
    public async Task Repeated_wrong_passwords_lock_the_account_so_even_the_right_one_then_fails()
    {
        using var browser = _server.CreateBrowser();
        var returnUrl = Protocol.AuthorizeUrl(Protocol.NewVerifier());
        for (var i = 0; i < 5; i++)
        {
            using var wrong = await browser.SubmitLoginAsync(returnUrl, "ivan@initech.example", "Wrong-Passw0rd!");
            Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        }

        using var right = await browser.SubmitLoginAsync(returnUrl, "ivan@initech.example");

        Assert.Equal(HttpStatusCode.BadRequest, right.StatusCode);
        await using var db = _server.Database.CreateContext();
        Assert.True(db.Users.Single(u => u.NormalizedEmail == "IVAN@INITECH.EXAMPLE").LockoutEnd > DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task A_login_post_without_the_antiforgery_token_is_refused()
    {
        using var response = await _browser.PostFormAsync("/account/login",
            [("returnUrl", Protocol.AuthorizeUrl(Protocol.NewVerifier())), ("email", "alice@acme.example"), ("password", "Demo-Passw0rd!")]);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.Contains("exchange-identity=", StringComparison.Ordinal)));
    }
}

public sealed class PublicClientAndTokenTypeTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>
{
    [Fact]
    public async Task A_public_client_redeems_its_code_with_pkce_alone_and_may_not_send_a_secret()
    {
        await using (var db = fixture.Server.Database.CreateContext())
        {
            db.OAuthClients.Add(new OAuthClient
            {
                ClientId = "public-app",
                DisplayName = "public",
                MemberId = "operator",
                Type = ClientType.Public,
                AllowedGrantTypes = [GrantTypes.AuthorizationCode],
                AllowedScopes = ["openid", Scopes.CasesRead],
                RedirectUris = [IdentityServer.AppRedirect],
                FirstParty = true,
            });
            await db.SaveChangesAsync();
        }

        using var browser = fixture.Server.CreateBrowser();
        using var client = fixture.Server.CreateClient();
        var verifier = Protocol.NewVerifier();
        var (code, _) = await browser.AuthorizeAsync(verifier, scope: "openid cases:read", clientId: "public-app");
        var (code2, _) = await browser.AuthorizeAsync(verifier, scope: "openid cases:read", clientId: "public-app");

        using var withSecret = await client.PostFormAsync("/connect/token",
            [("grant_type", "authorization_code"), ("code", code2), ("redirect_uri", IdentityServer.AppRedirect), ("code_verifier", verifier), ("client_id", "public-app"), ("client_secret", "anything")]);
        using var ok = await client.PostFormAsync("/connect/token",
            [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", IdentityServer.AppRedirect), ("code_verifier", verifier), ("client_id", "public-app")]);

        Assert.Equal(HttpStatusCode.Unauthorized, withSecret.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.False((await ok.JsonAsync()).TryGetProperty("refresh_token", out _));
    }

    [Fact]
    public async Task An_id_token_is_not_accepted_as_an_access_token()
    {
        using var browser = fixture.Server.CreateBrowser();
        using var client = fixture.Server.CreateClient();
        var verifier = Protocol.NewVerifier();
        var (code, _) = await browser.AuthorizeAsync(verifier);
        using var redeemed = await client.RedeemCodeAsync(code, verifier);
        var idToken = (await redeemed.JsonAsync()).GetProperty("id_token").GetString()!;

        using var request = new HttpRequestMessage(HttpMethod.Get, "/connect/userinfo");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", idToken);
        using var userinfo = await client.SendAsync(request);
        using var introspection = await client.IntrospectAsync(idToken);

        Assert.Equal(HttpStatusCode.Unauthorized, userinfo.StatusCode);
        Assert.False((await introspection.JsonAsync()).GetProperty("active").GetBoolean());
    }
}
