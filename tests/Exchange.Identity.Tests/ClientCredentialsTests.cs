using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Exchange.Core.Identity;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Exchange.Identity.Tests;

public sealed class ClientCredentialsTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>, IDisposable
{
    private readonly IdentityServer _server = fixture.Server;
    private readonly HttpClient _client = fixture.Server.CreateClient();

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task A_member_system_gets_an_at_jwt_naming_its_member_roles_and_scopes()
    {
        using var response = await _client.PostFormAsync("/connect/token", [("grant_type", "client_credentials")], Protocol.Basic("acme-crm", "dev-acme-crm-secret"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl!.NoStore);
        var body = await response.JsonAsync();
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        Assert.Equal(600, body.GetProperty("expires_in").GetInt32());
        Assert.False(body.TryGetProperty("refresh_token", out _));
        var token = new JsonWebToken(body.GetProperty("access_token").GetString());
        Assert.Equal("at+jwt", token.Typ);
        Assert.Equal("ES256", token.Alg);
        Assert.Equal(IdentityServer.Issuer, token.Issuer);
        Assert.Equal(["exchange-api"], token.Audiences);
        Assert.Equal("acme-crm", token.Subject);
        Assert.Equal("acme-crm", token.GetClaim("client_id").Value);
        Assert.Equal("acme", token.GetClaim("member_id").Value);
        Assert.Equal([Roles.Engineer], token.Claims.Where(c => c.Type == "role").Select(c => c.Value));
        Assert.Equal("cases:read cases:write authorisations:write agreements:read webhooks:manage", token.GetClaim("scope").Value);
        Assert.False(string.IsNullOrEmpty(token.Id));
        Assert.Equal(token.IssuedAt, token.ValidFrom);
        Assert.Equal(TimeSpan.FromMinutes(10), token.ValidTo - token.IssuedAt);
    }

    [Fact]
    public async Task A_wrong_secret_with_basic_is_401_invalid_client_with_a_basic_challenge_exactly_like_an_unknown_client()
    {
        using var wrong = await _client.PostFormAsync("/connect/token", [("grant_type", "client_credentials")], Protocol.Basic("acme-crm", "not-the-secret"));
        using var unknown = await _client.PostFormAsync("/connect/token", [("grant_type", "client_credentials")], Protocol.Basic("nobody-crm", "not-the-secret"));

        foreach (var response in new[] { wrong, unknown })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.StartsWith("Basic", response.Headers.WwwAuthenticate.Single().ToString());
            Assert.True(response.Headers.CacheControl!.NoStore);
            Assert.Equal("{\"error\":\"invalid_client\"}", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Credentials_in_the_body_work_and_a_wrong_body_secret_is_401_invalid_client()
    {
        using var ok = await _client.PostFormAsync("/connect/token",
            [("grant_type", "client_credentials"), ("client_id", "globex-crm"), ("client_secret", "dev-globex-crm-secret")]);
        using var wrong = await _client.PostFormAsync("/connect/token",
            [("grant_type", "client_credentials"), ("client_id", "globex-crm"), ("client_secret", "wrong")]);

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("globex", new JsonWebToken((await ok.JsonAsync()).GetProperty("access_token").GetString()).GetClaim("member_id").Value);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal("invalid_client", (await wrong.JsonAsync()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Basic_and_body_credentials_together_are_invalid_request()
    {
        using var response = await _client.PostFormAsync("/connect/token",
            [("grant_type", "client_credentials"), ("client_secret", "dev-acme-crm-secret")], Protocol.Basic("acme-crm", "dev-acme-crm-secret"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", (await response.JsonAsync()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_repeated_parameter_is_invalid_request()
    {
        using var response = await _client.PostFormAsync("/connect/token",
            [("grant_type", "client_credentials"), ("scope", "cases:read"), ("scope", "cases:write")], Protocol.Basic("acme-crm", "dev-acme-crm-secret"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", (await response.JsonAsync()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Get_on_the_token_endpoint_is_405_and_a_json_body_is_400()
    {
        using var get = await _client.GetAsync("/connect/token");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/token")
        {
            Content = new StringContent("{\"grant_type\":\"client_credentials\"}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = Protocol.Basic("acme-crm", "dev-acme-crm-secret");
        using var json = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, get.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, json.StatusCode);
        Assert.Equal("invalid_request", (await json.JsonAsync()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_secret_with_colon_plus_and_percent_works_when_form_encoded_before_base64()
    {
        const string secret = "a:b+c%d e/f=g";
        await using (var db = _server.Database.CreateContext())
        {
            db.OAuthClients.Add(new OAuthClient
            {
                ClientId = "odd:client",
                DisplayName = "odd",
                MemberId = "acme",
                SecretHash = SecretHasher.Hash(secret),
                AllowedGrantTypes = [GrantTypes.ClientCredentials],
                AllowedScopes = [Scopes.CasesRead],
            });
            await db.SaveChangesAsync();
        }

        using var encoded = await _client.PostFormAsync("/connect/token", [("grant_type", "client_credentials")], Protocol.Basic("odd:client", secret));
        var raw = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("odd%3Aclient:a:b+c%d e/f=g")));
        using var unencoded = await _client.PostFormAsync("/connect/token", [("grant_type", "client_credentials")], raw);

        Assert.Equal(HttpStatusCode.OK, encoded.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unencoded.StatusCode);
    }

    [Fact]
    public async Task A_scope_the_client_may_not_have_is_invalid_scope_and_a_narrower_one_is_granted()
    {
        using var wide = await _client.PostFormAsync("/connect/token", [("grant_type", "client_credentials"), ("scope", "cases:read operator")], Protocol.Basic("acme-crm", "dev-acme-crm-secret"));
        using var openid = await _client.PostFormAsync("/connect/token", [("grant_type", "client_credentials"), ("scope", "openid")], Protocol.Basic("acme-crm", "dev-acme-crm-secret"));
        using var narrow = await _client.PostFormAsync("/connect/token", [("grant_type", "client_credentials"), ("scope", "cases:read")], Protocol.Basic("acme-crm", "dev-acme-crm-secret"));

        Assert.Equal("invalid_scope", (await wide.JsonAsync()).GetProperty("error").GetString());
        Assert.Equal("invalid_scope", (await openid.JsonAsync()).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.OK, narrow.StatusCode);
        Assert.Equal("cases:read", (await narrow.JsonAsync()).GetProperty("scope").GetString());
    }

    [Fact]
    public async Task A_client_not_registered_for_the_grant_is_unauthorized_client_and_password_grant_is_unsupported()
    {
        using var notRegistered = await _client.PostFormAsync("/connect/token", [("grant_type", "client_credentials")], Protocol.Basic(IdentityServer.AppClient, IdentityServer.AppSecret));
        using var password = await _client.PostFormAsync("/connect/token",
            [("grant_type", "password"), ("username", "alice@acme.example"), ("password", "Demo-Passw0rd!")], Protocol.Basic("acme-crm", "dev-acme-crm-secret"));
        using var missing = await _client.PostFormAsync("/connect/token", [("scope", "cases:read")], Protocol.Basic("acme-crm", "dev-acme-crm-secret"));

        Assert.Equal("unauthorized_client", (await notRegistered.JsonAsync()).GetProperty("error").GetString());
        Assert.Equal("unsupported_grant_type", (await password.JsonAsync()).GetProperty("error").GetString());
        Assert.Equal("invalid_request", (await missing.JsonAsync()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_deactivated_client_is_invalid_client()
    {
        await using (var db = _server.Database.CreateContext())
        {
            var client = await db.OAuthClients.FindAsync("initech-crm");
            client!.IsActive = false;
            await db.SaveChangesAsync();
        }

        using var response = await _client.PostFormAsync("/connect/token", [("grant_type", "client_credentials")], Protocol.Basic("initech-crm", "dev-initech-crm-secret"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_client", (await response.JsonAsync()).GetProperty("error").GetString());
    }
}
