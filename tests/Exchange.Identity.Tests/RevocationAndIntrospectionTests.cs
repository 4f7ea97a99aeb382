using System.Net;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Exchange.Identity.Tests;

public sealed class RevocationAndIntrospectionTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>, IDisposable
{
    private readonly IdentityServer _server = fixture.Server;
    private readonly HttpClient _client = fixture.Server.CreateClient();

    public void Dispose() => _client.Dispose();

    private Task<string> AcmeTokenAsync() => _client.ClientCredentialsTokenAsync("acme-crm", "dev-acme-crm-secret");

    private async Task<bool> ActiveAsync(string token, string clientId = "acme-crm", string secret = "dev-acme-crm-secret")
    {
        using var response = await _client.IntrospectAsync(token, clientId, secret);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        if (!body.GetProperty("active").GetBoolean())
        {
            // An inactive token reveals nothing else (RFC 7662 section 2.2).
            Assert.Equal("{\"active\":false}", body.GetRawText());
            return false;
        }

        return true;
    }

    [Fact]
    public async Task Introspection_describes_an_active_token_to_its_own_client()
    {
        var token = await AcmeTokenAsync();

        using var response = await _client.IntrospectAsync(token, "acme-crm", "dev-acme-crm-secret");

        var body = await response.JsonAsync();
        Assert.True(body.GetProperty("active").GetBoolean());
        Assert.Equal("acme", body.GetProperty("member_id").GetString());
        Assert.Equal("acme-crm", body.GetProperty("client_id").GetString());
        Assert.True(response.Headers.CacheControl!.NoStore);
    }

    [Fact]
    public async Task Introspection_and_revocation_without_client_authentication_are_401()
    {
        var token = await AcmeTokenAsync();

        using var introspect = await _client.PostFormAsync("/connect/introspect", [("token", token)]);
        using var introspectWrong = await _client.IntrospectAsync(token, "acme-crm", "wrong");
        using var revoke = await _client.PostFormAsync("/connect/revocation", [("token", token)]);
        using var revokeWrong = await _client.PostFormAsync("/connect/revocation", [("token", token)], Protocol.Basic("acme-crm", "wrong"));

        Assert.Equal(HttpStatusCode.Unauthorized, introspect.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, introspectWrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, revokeWrong.StatusCode);
        Assert.True(await ActiveAsync(token));
    }

    [Fact]
    public async Task Another_clients_token_is_inactive_to_introspection_and_its_revocation_has_no_effect()
    {
        var token = await AcmeTokenAsync();

        Assert.False(await ActiveAsync(token, "globex-crm", "dev-globex-crm-secret"));
        using var revoke = await _client.PostFormAsync("/connect/revocation", [("token", token)], Protocol.Basic("globex-crm", "dev-globex-crm-secret"));

        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.True(await ActiveAsync(token));
    }

    [Fact]
    public async Task A_revoked_access_token_is_inactive_and_an_unknown_token_revokes_with_200()
    {
        var token = await AcmeTokenAsync();

        using var revoke = await _client.PostFormAsync("/connect/revocation", [("token", token), ("token_type_hint", "access_token")], Protocol.Basic("acme-crm", "dev-acme-crm-secret"));
        using var unknown = await _client.PostFormAsync("/connect/revocation", [("token", "not-a-token")], Protocol.Basic("acme-crm", "dev-acme-crm-secret"));

        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.OK, unknown.StatusCode);
        Assert.False(await ActiveAsync(token));
    }

    [Fact]
    public async Task A_revoked_refresh_token_can_no_longer_be_used()
    {
        using var browser = _server.CreateBrowser();
        var verifier = Protocol.NewVerifier();
        var (code, _) = await browser.AuthorizeAsync(verifier);
        using var redeemed = await _client.RedeemCodeAsync(code, verifier);
        var refresh = (await redeemed.JsonAsync()).GetProperty("refresh_token").GetString()!;
        Assert.True(await ActiveAsync(refresh, IdentityServer.AppClient, IdentityServer.AppSecret));

        using var revoke = await _client.PostFormAsync("/connect/revocation", [("token", refresh)], Protocol.Basic(IdentityServer.AppClient, IdentityServer.AppSecret));
        using var use = await _client.PostFormAsync("/connect/token", [("grant_type", "refresh_token"), ("refresh_token", refresh)], Protocol.Basic(IdentityServer.AppClient, IdentityServer.AppSecret));

        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.Equal("invalid_grant", (await use.JsonAsync()).GetProperty("error").GetString());
        Assert.False(await ActiveAsync(refresh, IdentityServer.AppClient, IdentityServer.AppSecret));
    }

    [Fact]
    public async Task An_expired_token_is_inactive()
    {
        var token = await AcmeTokenAsync();
        _server.Clock.Advance(TimeSpan.FromMinutes(11));

        Assert.False(await ActiveAsync(token));
    }

    [Fact]
    public async Task A_tampered_token_an_unsigned_token_and_a_key_confusion_token_are_inactive()
    {
        var token = await AcmeTokenAsync();
        var parts = token.Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace("\"acme\"", "\"globex\"", StringComparison.Ordinal);
        var altered = $"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}";
        var stripped = $"{parts[0]}.{parts[1]}.";
        var none = $"{Base64UrlEncoder.Encode("{\"alg\":\"none\",\"typ\":\"at+jwt\"}")}.{parts[1]}.";

        Assert.False(await ActiveAsync(altered));
        Assert.False(await ActiveAsync(stripped));
        Assert.False(await ActiveAsync(none));
        Assert.False(await ActiveAsync(await DiscoveryTests.HmacSignedWithPublicKeyAsync(_client, parts[1])));
    }
}
