using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Exchange.Identity.Tests;

public sealed class AdminApiTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>, IDisposable
{
    private readonly IdentityServer _server = fixture.Server;
    private readonly HttpClient _client = fixture.Server.CreateClient();

    public void Dispose() => _client.Dispose();

    private async Task<string> UserTokenAsync(string email, string scope)
    {
        using var browser = _server.CreateBrowser();
        var verifier = Protocol.NewVerifier();
        var (code, _) = await browser.AuthorizeAsync(verifier, email: email, scope: "openid " + scope);
        using var response = await _client.RedeemCodeAsync(code, verifier);
        return (await response.JsonAsync()).GetProperty("access_token").GetString()!;
    }

    private Task<string> AcmeAdminAsync() => UserTokenAsync("adam@acme.example", "member:admin");

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token != null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (body != null)
        {
            request.Content = JsonContent.Create(body);
        }

        return await _client.SendAsync(request);
    }

    [Fact]
    public async Task Without_a_token_the_admin_api_is_401_and_an_engineer_or_member_system_is_403()
    {
        var engineer = await UserTokenAsync("alice@acme.example", "cases:read");
        var system = await _client.ClientCredentialsTokenAsync("acme-crm", "dev-acme-crm-secret");

        using var anonymous = await SendAsync(HttpMethod.Get, "/api/v1/users", null);
        using var asEngineer = await SendAsync(HttpMethod.Get, "/api/v1/users", engineer);
        using var asSystem = await SendAsync(HttpMethod.Post, "/api/v1/clients", system, new { displayName = "x" });

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Bearer", anonymous.Headers.WwwAuthenticate.Single().ToString());
        Assert.Equal(HttpStatusCode.Forbidden, asEngineer.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, asSystem.StatusCode);
    }

    [Fact]
    public async Task A_member_admin_lists_only_their_own_members_users_and_clients()
    {
        var token = await AcmeAdminAsync();

        using var users = await SendAsync(HttpMethod.Get, "/api/v1/users?memberId=globex", token);
        using var clients = await SendAsync(HttpMethod.Get, "/api/v1/clients", token);

        Assert.Equal(HttpStatusCode.OK, users.StatusCode);
        var userList = (await users.JsonAsync()).EnumerateArray().ToList();
        Assert.NotEmpty(userList);
        Assert.All(userList, u => Assert.Equal("acme", u.GetProperty("memberId").GetString()));
        Assert.All((await clients.JsonAsync()).EnumerateArray(), c => Assert.Equal("acme", c.GetProperty("memberId").GetString()));
        Assert.True(users.Headers.CacheControl!.NoStore);
    }

    [Fact]
    public async Task A_member_admin_invites_a_user_who_sets_a_password_from_the_link_and_deactivating_ends_it()
    {
        var token = await AcmeAdminAsync();

        using var created = await SendAsync(HttpMethod.Post, "/api/v1/users", token,
            new { email = "new.engineer@acme.example", displayName = "New Engineer", roles = new[] { "engineer" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.JsonAsync();
        Assert.False(body.TryGetProperty("temporaryPassword", out _));
        // This server has no mail: the admin gets the single-use link to pass on.
        Assert.False(body.GetProperty("invitationMailed").GetBoolean());
        var link = body.GetProperty("invitationUrl").GetString()!;
        var id = body.GetProperty("user").GetProperty("id").GetString()!;
        Assert.Equal("acme", body.GetProperty("user").GetProperty("memberId").GetString());

        // Before the password is set, no password signs in.
        using (var early = await _server.CreateBrowser().SubmitLoginAsync(Protocol.AuthorizeUrl(Protocol.NewVerifier()), "new.engineer@acme.example", ""))
        {
            Assert.Equal(HttpStatusCode.BadRequest, early.StatusCode);
        }

        using var browser = _server.CreateBrowser();
        const string password = "Several-words-2026";
        using var set = await browser.SetPasswordAsync(link, password);
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        using var login = await browser.SubmitLoginAsync(Protocol.AuthorizeUrl(Protocol.NewVerifier()), "new.engineer@acme.example", password);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);

        using var deactivated = await SendAsync(HttpMethod.Post, $"/api/v1/users/{id}/deactivate", token);
        Assert.Equal(HttpStatusCode.OK, deactivated.StatusCode);
        Assert.False((await deactivated.JsonAsync()).GetProperty("isActive").GetBoolean());
        using var again = await _server.CreateBrowser().SubmitLoginAsync(Protocol.AuthorizeUrl(Protocol.NewVerifier()), "new.engineer@acme.example", password);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);

        using var reactivated = await SendAsync(HttpMethod.Post, $"/api/v1/users/{id}/reactivate", token);
        Assert.Equal(HttpStatusCode.OK, reactivated.StatusCode);
        Assert.True((await reactivated.JsonAsync()).GetProperty("isActive").GetBoolean());
        using var afterReactivation = await _server.CreateBrowser().SubmitLoginAsync(Protocol.AuthorizeUrl(Protocol.NewVerifier()), "new.engineer@acme.example", password);
        Assert.Equal(HttpStatusCode.Redirect, afterReactivation.StatusCode);
    }

    [Fact]
    public async Task A_member_admin_changes_a_users_roles_and_the_next_token_carries_them()
    {
        var token = await AcmeAdminAsync();
        using var created = await SendAsync(HttpMethod.Post, "/api/v1/users", token,
            new { email = "role.change@acme.example", displayName = "Role Change", roles = new[] { "engineer" } });
        var body = await created.JsonAsync();
        var id = body.GetProperty("user").GetProperty("id").GetString()!;
        using (var browser = _server.CreateBrowser())
        {
            using var set = await browser.SetPasswordAsync(body.GetProperty("invitationUrl").GetString()!, "Several-words-2026");
        }

        using var changed = await SendAsync(HttpMethod.Put, $"/api/v1/users/{id}/roles", token, new { roles = new[] { "privacy_officer" } });
        using var operatorRole = await SendAsync(HttpMethod.Put, $"/api/v1/users/{id}/roles", token, new { roles = new[] { "operator" } });
        using var none = await SendAsync(HttpMethod.Put, $"/api/v1/users/{id}/roles", token, new { roles = Array.Empty<string>() });

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal(["privacy_officer"], (await changed.JsonAsync()).GetProperty("roles").EnumerateArray().Select(r => r.GetString()!).ToArray());
        Assert.Equal(HttpStatusCode.BadRequest, operatorRole.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);
        using var signIn = _server.CreateBrowser();
        var verifier = Protocol.NewVerifier();
        var url = Protocol.AuthorizeUrl(verifier, scope: "openid privacy cases:read");
        using var login = await signIn.SubmitLoginAsync(url, "role.change@acme.example", "Several-words-2026");
        using var authorized = await signIn.GetAsync(login.Headers.Location!.OriginalString);
        var code = Protocol.Query(authorized.Headers.Location!)["code"];
        using var redeemed = await _client.RedeemCodeAsync(code, verifier);
        var scopes = (await redeemed.JsonAsync()).GetProperty("scope").GetString()!.Split(' ');
        Assert.Contains("privacy", scopes);
        Assert.DoesNotContain("cases:read", scopes);
    }

    [Fact]
    public async Task An_admin_cannot_deactivate_themselves_or_take_away_their_own_admin_role()
    {
        var token = await AcmeAdminAsync();
        await using var db = _server.Database.CreateContext();
        var self = db.Users.Single(u => u.NormalizedEmail == "ADAM@ACME.EXAMPLE").Id;

        using var deactivate = await SendAsync(HttpMethod.Post, $"/api/v1/users/{self}/deactivate", token);
        using var demote = await SendAsync(HttpMethod.Put, $"/api/v1/users/{self}/roles", token, new { roles = new[] { "engineer" } });

        Assert.Equal(HttpStatusCode.Conflict, deactivate.StatusCode);
        Assert.Equal("self_deactivation", (await deactivate.JsonAsync()).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.Conflict, demote.StatusCode);
        Assert.Equal("self_demotion", (await demote.JsonAsync()).GetProperty("code").GetString());
        await using var after = _server.Database.CreateContext();
        Assert.True(after.Users.Single(u => u.Id == self).IsActive);
    }

    [Fact]
    public async Task A_member_admin_makes_a_user_the_members_privacy_officer()
    {
        var token = await AcmeAdminAsync();

        using var created = await SendAsync(HttpMethod.Post, "/api/v1/users", token,
            new { email = "new.privacy@acme.example", displayName = "New Privacy", roles = new[] { "privacy_officer" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var user = (await created.JsonAsync()).GetProperty("user");
        Assert.Equal("acme", user.GetProperty("memberId").GetString());
        Assert.Equal(["privacy_officer"], user.GetProperty("roles").EnumerateArray().Select(r => r.GetString()!).ToArray());
    }

    [Fact]
    public async Task A_member_admin_cannot_create_for_another_member_or_grant_operator_roles()
    {
        var token = await AcmeAdminAsync();

        using var otherMember = await SendAsync(HttpMethod.Post, "/api/v1/users", token,
            new { email = "x@globex.example", displayName = "X", memberId = "globex", roles = new[] { "engineer" } });
        using var operatorRole = await SendAsync(HttpMethod.Post, "/api/v1/users", token,
            new { email = "y@acme.example", displayName = "Y", roles = new[] { "operator" } });
        using var clientScope = await SendAsync(HttpMethod.Post, "/api/v1/clients", token,
            new { displayName = "Z", scopes = new[] { "operator" } });

        Assert.Equal(HttpStatusCode.BadRequest, otherMember.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, operatorRole.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, clientScope.StatusCode);
        Assert.Equal("application/problem+json", otherMember.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Another_members_user_or_client_is_404()
    {
        var token = await AcmeAdminAsync();
        await using var db = _server.Database.CreateContext();
        var globexUser = db.Users.First(u => u.MemberId == "globex").Id;

        using var user = await SendAsync(HttpMethod.Post, $"/api/v1/users/{globexUser}/deactivate", token);
        using var reactivate = await SendAsync(HttpMethod.Post, $"/api/v1/users/{globexUser}/reactivate", token);
        using var roles = await SendAsync(HttpMethod.Put, $"/api/v1/users/{globexUser}/roles", token, new { roles = new[] { "engineer" } });
        using var invitation = await SendAsync(HttpMethod.Post, $"/api/v1/users/{globexUser}/invitation", token);
        using var client = await SendAsync(HttpMethod.Post, "/api/v1/clients/globex-crm/deactivate", token);
        using var secret = await SendAsync(HttpMethod.Post, "/api/v1/clients/globex-crm/secret", token);
        using var portal = await SendAsync(HttpMethod.Post, "/api/v1/clients/exchange-portal/secret", token);

        Assert.Equal(HttpStatusCode.NotFound, user.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, reactivate.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, roles.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, invitation.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, client.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, secret.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, portal.StatusCode);
        Assert.True(db.Users.Single(u => u.Id == globexUser).IsActive);
    }

    [Fact]
    public async Task A_created_client_gets_tokens_with_its_secret_shown_once_and_a_rotation_replaces_it()
    {
        var token = await AcmeAdminAsync();

        using var created = await SendAsync(HttpMethod.Post, "/api/v1/clients", token,
            new { clientId = "acme-ticketing", displayName = "Acme ticketing", scopes = new[] { "cases:read" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var secret = (await created.JsonAsync()).GetProperty("clientSecret").GetString()!;
        await using (var db = _server.Database.CreateContext())
        {
            Assert.NotEqual(secret, db.OAuthClients.Single(c => c.ClientId == "acme-ticketing").SecretHash);
        }

        var issued = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(await _client.ClientCredentialsTokenAsync("acme-ticketing", secret));
        Assert.Equal("acme", issued.GetClaim("member_id").Value);

        using var rotated = await SendAsync(HttpMethod.Post, "/api/v1/clients/acme-ticketing/secret", token, new { keepPreviousForHours = 0 });
        var newSecret = (await rotated.JsonAsync()).GetProperty("clientSecret").GetString()!;
        using var old = await _client.PostFormAsync("/connect/token", [("grant_type", "client_credentials")], Protocol.Basic("acme-ticketing", secret));
        Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        await _client.ClientCredentialsTokenAsync("acme-ticketing", newSecret);

        using var deactivated = await SendAsync(HttpMethod.Post, "/api/v1/clients/acme-ticketing/deactivate", token);
        Assert.Equal(HttpStatusCode.OK, deactivated.StatusCode);
        using var after = await _client.PostFormAsync("/connect/token", [("grant_type", "client_credentials")], Protocol.Basic("acme-ticketing", newSecret));
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task An_operator_sees_every_member_and_manages_another_members_client()
    {
        var token = await UserTokenAsync("oscar@exchange.example", "operator");

        using var users = await SendAsync(HttpMethod.Get, "/api/v1/users", token);
        using var rotated = await SendAsync(HttpMethod.Post, "/api/v1/clients/initech-crm/secret", token, new { keepPreviousForHours = 1 });

        var members = (await users.JsonAsync()).EnumerateArray().Select(u => u.GetProperty("memberId").GetString()).Distinct().ToList();
        Assert.Contains("acme", members);
        Assert.Contains("globex", members);
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        // With an overlap both secrets work for the hour.
        await _client.ClientCredentialsTokenAsync("initech-crm", "dev-initech-crm-secret");
        await _client.ClientCredentialsTokenAsync("initech-crm", (await rotated.JsonAsync()).GetProperty("clientSecret").GetString()!);
    }

    [Fact]
    public async Task A_member_admin_gives_a_client_only_the_scopes_chosen_from_those_the_member_may_grant()
    {
        var token = await AcmeAdminAsync();

        using var grantable = await SendAsync(HttpMethod.Get, "/api/v1/clients/scopes", token);
        var scopes = (await grantable.JsonAsync()).EnumerateArray().Select(s => s.GetString()!).ToList();
        Assert.Contains("cases:read", scopes);
        Assert.Contains("webhooks:manage", scopes);
        Assert.DoesNotContain("operator", scopes);
        Assert.DoesNotContain("agreements:write", scopes);

        using var created = await SendAsync(HttpMethod.Post, "/api/v1/clients", token,
            new { clientId = "acme-scoped", displayName = "Acme scoped", scopes = new[] { "cases:read", "webhooks:manage" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.JsonAsync();
        Assert.Equal(["cases:read", "webhooks:manage"], body.GetProperty("client").GetProperty("scopes").EnumerateArray().Select(s => s.GetString()!).ToArray());
        var issued = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(await _client.ClientCredentialsTokenAsync("acme-scoped", body.GetProperty("clientSecret").GetString()!));
        Assert.Equal("cases:read webhooks:manage", issued.GetClaim("scope").Value);
        using var wider = await _client.PostFormAsync("/connect/token", [("grant_type", "client_credentials"), ("scope", "cases:write")],
            Protocol.Basic("acme-scoped", body.GetProperty("clientSecret").GetString()!));
        Assert.Equal("invalid_scope", (await wider.JsonAsync()).GetProperty("error").GetString());

        using var notGrantable = await SendAsync(HttpMethod.Post, "/api/v1/clients", token, new { displayName = "Z", scopes = new[] { "agreements:write" } });
        Assert.Equal(HttpStatusCode.BadRequest, notGrantable.StatusCode);
    }

    [Fact]
    public async Task A_rotation_keeps_the_old_secret_for_the_configured_overlap_and_then_it_stops_working()
    {
        var token = await AcmeAdminAsync();
        using var created = await SendAsync(HttpMethod.Post, "/api/v1/clients", token, new { clientId = "acme-overlap", displayName = "Acme overlap" });
        var old = (await created.JsonAsync()).GetProperty("clientSecret").GetString()!;

        // No keepPreviousForHours: Exchange:Identity:ClientSecretOverlap, 24 hours by default.
        using var rotated = await SendAsync(HttpMethod.Post, "/api/v1/clients/acme-overlap/secret", token);
        var body = await rotated.JsonAsync();
        var fresh = body.GetProperty("clientSecret").GetString()!;
        var until = body.GetProperty("client").GetProperty("previousSecretExpiresAt").GetDateTime();
        Assert.InRange(until - DateTime.UtcNow, TimeSpan.FromHours(23), TimeSpan.FromHours(24.5));

        await _client.ClientCredentialsTokenAsync("acme-overlap", old);
        await _client.ClientCredentialsTokenAsync("acme-overlap", fresh);
        _server.Clock.Advance(TimeSpan.FromHours(25));
        try
        {
            using var afterOverlap = await _client.PostFormAsync("/connect/token", [("grant_type", "client_credentials")], Protocol.Basic("acme-overlap", old));
            Assert.Equal(HttpStatusCode.Unauthorized, afterOverlap.StatusCode);
            Assert.Equal("invalid_client", (await afterOverlap.JsonAsync()).GetProperty("error").GetString());
            await _client.ClientCredentialsTokenAsync("acme-overlap", fresh);
        }
        finally
        {
            _server.Clock.Advance(TimeSpan.FromHours(-25));
        }
    }
}
