using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Exchange.Identity.Tests;

public sealed class RefreshTokenTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>, IDisposable
{
    private readonly IdentityServer _server = fixture.Server;
    private readonly HttpClient _browser = fixture.Server.CreateBrowser();
    private readonly HttpClient _client = fixture.Server.CreateClient();

    public void Dispose()
    {
        _browser.Dispose();
        _client.Dispose();
    }

    private async Task<JsonElement> SignInAsync(string scope = "openid profile offline_access cases:read cases:write", HttpClient? browser = null)
    {
        var verifier = Protocol.NewVerifier();
        var (code, _) = await (browser ?? _browser).AuthorizeAsync(verifier, scope: scope);
        using var response = await _client.RedeemCodeAsync(code, verifier);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    private Task<HttpResponseMessage> RefreshAsync(string refreshToken, string? scope = null, string clientId = IdentityServer.AppClient)
    {
        var fields = new List<(string, string)> { ("grant_type", "refresh_token"), ("refresh_token", refreshToken) };
        if (scope != null)
        {
            fields.Add(("scope", scope));
        }

        return _client.PostFormAsync("/connect/token", fields, Protocol.Basic(clientId, IdentityServer.AppSecret));
    }

    [Fact]
    public async Task A_refresh_rotates_the_refresh_token_and_replaying_the_old_one_revokes_the_whole_family()
    {
        var tokens = await SignInAsync();
        var first = tokens.GetProperty("refresh_token").GetString()!;

        using var rotated = await RefreshAsync(first);
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        Assert.True(rotated.Headers.CacheControl!.NoStore);
        var second = (await rotated.JsonAsync()).GetProperty("refresh_token").GetString()!;
        Assert.NotEqual(first, second);

        using var replay = await RefreshAsync(first);
        Assert.Equal("invalid_grant", (await replay.JsonAsync()).GetProperty("error").GetString());
        using var afterReplay = await RefreshAsync(second);
        Assert.Equal("invalid_grant", (await afterReplay.JsonAsync()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Another_clients_refresh_token_is_invalid_grant()
    {
        var tokens = await SignInAsync();

        using var response = await RefreshAsync(tokens.GetProperty("refresh_token").GetString()!, clientId: IdentityServer.OtherAppClient);

        Assert.Equal("invalid_grant", (await response.JsonAsync()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_narrower_scope_is_granted_and_a_wider_one_refused()
    {
        var tokens = await SignInAsync();
        var refresh = tokens.GetProperty("refresh_token").GetString()!;

        using var wider = await RefreshAsync(refresh, "openid cases:read agreements:read");
        Assert.Equal("invalid_scope", (await wider.JsonAsync()).GetProperty("error").GetString());

        using var narrower = await RefreshAsync(refresh, "cases:read");
        Assert.Equal(HttpStatusCode.OK, narrower.StatusCode);
        var body = await narrower.JsonAsync();
        Assert.Equal("cases:read", body.GetProperty("scope").GetString());
        Assert.Equal("cases:read", new JsonWebToken(body.GetProperty("access_token").GetString()).GetClaim("scope").Value);
        // The rotated token keeps the original grant, so a later refresh may ask for all of it again.
        using var again = await RefreshAsync(body.GetProperty("refresh_token").GetString()!);
        Assert.Equal("openid profile offline_access cases:read cases:write", (await again.JsonAsync()).GetProperty("scope").GetString());
    }

    [Fact]
    public async Task A_refresh_token_expires_after_its_sliding_lifetime()
    {
        var tokens = await SignInAsync();
        _server.Clock.Advance(TimeSpan.FromHours(13));

        using var response = await RefreshAsync(tokens.GetProperty("refresh_token").GetString()!);

        Assert.Equal("invalid_grant", (await response.JsonAsync()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_password_change_ends_old_refresh_tokens()
    {
        using var browser = _server.CreateBrowser();
        var verifier = Protocol.NewVerifier();
        var (code, _) = await browser.AuthorizeAsync(verifier, email: "greg@globex.example");
        using var redeemed = await _client.RedeemCodeAsync(code, verifier);
        var refresh = (await redeemed.JsonAsync()).GetProperty("refresh_token").GetString()!;
        await using (var db = _server.Database.CreateContext())
        {
            var user = db.Users.Single(u => u.NormalizedEmail == "GREG@GLOBEX.EXAMPLE");
            user.SecurityStamp = Guid.NewGuid().ToString("N");
            await db.SaveChangesAsync();
        }

        using var response = await RefreshAsync(refresh);

        Assert.Equal("invalid_grant", (await response.JsonAsync()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Signing_out_clears_the_session_ends_refresh_tokens_and_returns_only_to_a_registered_address()
    {
        using var browser = _server.CreateBrowser();
        var verifier = Protocol.NewVerifier();
        var (code, _) = await browser.AuthorizeAsync(verifier, email: "irene@initech.example");
        using var redeemed = await _client.RedeemCodeAsync(code, verifier);
        var body = await redeemed.JsonAsync();
        var idToken = body.GetProperty("id_token").GetString()!;

        using var unregistered = await browser.GetAsync($"/connect/endsession?id_token_hint={idToken}&post_logout_redirect_uri={Uri.EscapeDataString("https://evil.example/")}");
        Assert.Null(unregistered.Headers.Location);

        using var registered = await browser.GetAsync($"/connect/endsession?id_token_hint={idToken}&post_logout_redirect_uri={Uri.EscapeDataString(IdentityServer.AppPostLogout)}&state=bye");
        Assert.Equal(HttpStatusCode.Redirect, registered.StatusCode);
        Assert.Equal(IdentityServer.AppPostLogout + "?state=bye", registered.Headers.Location!.OriginalString);

        using var refresh = await RefreshAsync(body.GetProperty("refresh_token").GetString()!);
        Assert.Equal("invalid_grant", (await refresh.JsonAsync()).GetProperty("error").GetString());
        // The session is gone: authorizing again asks for a sign-in.
        using var authorize = await browser.GetAsync(Protocol.AuthorizeUrl(Protocol.NewVerifier()));
        Assert.StartsWith("/account/login", authorize.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Userinfo_answers_for_the_tokens_user_and_refuses_no_token_a_bad_token_and_a_client_token()
    {
        var tokens = await SignInAsync();
        var access = tokens.GetProperty("access_token").GetString()!;

        using var ok = await Get("/connect/userinfo", access);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var info = await ok.JsonAsync();
        Assert.Equal(new JsonWebToken(access).Subject, info.GetProperty("sub").GetString());
        Assert.Equal("acme", info.GetProperty("member_id").GetString());
        Assert.Equal("Alice Archer", info.GetProperty("name").GetString());

        using var none = await _client.GetAsync("/connect/userinfo");
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("Bearer", none.Headers.WwwAuthenticate.Single().ToString());

        using var query = await _client.GetAsync("/connect/userinfo?access_token=" + access);
        Assert.Equal(HttpStatusCode.Unauthorized, query.StatusCode);

        using var tampered = await Get("/connect/userinfo", access[..^4] + (access.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA"));
        Assert.Equal(HttpStatusCode.Unauthorized, tampered.StatusCode);
        Assert.Contains("invalid_token", tampered.Headers.WwwAuthenticate.Single().ToString());

        var clientToken = await _client.ClientCredentialsTokenAsync("acme-crm", "dev-acme-crm-secret");
        using var client = await Get("/connect/userinfo", clientToken);
        Assert.Equal(HttpStatusCode.Forbidden, client.StatusCode);
        Assert.Contains("insufficient_scope", client.Headers.WwwAuthenticate.Single().ToString());
    }

    private async Task<HttpResponseMessage> Get(string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await _client.SendAsync(request);
    }
}
