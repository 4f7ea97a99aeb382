using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Exchange.Identity.Tests;

/// <summary>
/// A member system that prefers keys to secrets registers its public key and authenticates at the
/// token endpoint with a signed assertion (private_key_jwt, RFC 7523 / OpenID Connect Core 9).
/// </summary>
public sealed class PrivateKeyJwtTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>, IDisposable
{
    private const string AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    private readonly IdentityServer _server = fixture.Server;
    private readonly HttpClient _client = fixture.Server.CreateClient();

    public void Dispose() => _client.Dispose();

    private async Task<string> AdminTokenAsync(string email = "adam@acme.example")
    {
        using var browser = _server.CreateBrowser();
        var verifier = Protocol.NewVerifier();
        var (code, _) = await browser.AuthorizeAsync(verifier, email: email, scope: "openid member:admin");
        using var response = await _client.RedeemCodeAsync(code, verifier);
        return (await response.JsonAsync()).GetProperty("access_token").GetString()!;
    }

    private async Task<HttpResponseMessage> AdminAsync(HttpMethod method, string path, string token, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body == null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await _client.SendAsync(request);
    }

    private static (ECDsaSecurityKey Private, Dictionary<string, string> PublicJwk) NewKey(string kid)
    {
        var key = new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = kid };
        var parameters = key.ECDsa.ExportParameters(false);
        return (key, new Dictionary<string, string>
        {
            ["kty"] = "EC", ["crv"] = "P-256", ["kid"] = kid, ["use"] = "sig", ["alg"] = "ES256",
            ["x"] = Base64UrlEncoder.Encode(parameters.Q.X), ["y"] = Base64UrlEncoder.Encode(parameters.Q.Y),
        });
    }

    private string Assertion(string clientId, SecurityKey key, string? audience = null, TimeSpan? age = null, string type = "client-authentication+jwt")
    {
        // Issued age ago, valid for two minutes from then.
        var now = _server.Clock.GetUtcNow().UtcDateTime - (age ?? TimeSpan.Zero);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = clientId,
            Subject = new ClaimsIdentity([new Claim("sub", clientId), new Claim("jti", Guid.NewGuid().ToString())]),
            // The issuer as the audience and an explicit type, as draft-ietf-oauth-rfc7523bis asks (and
            // OpenIddict 7 enforces) since an assertion meant for one server could be replayed at another.
            Audience = audience ?? IdentityServer.Issuer,
            TokenType = type,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + TimeSpan.FromMinutes(2),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.EcdsaSha256),
        });
    }

    private Task<HttpResponseMessage> TokenAsync(string clientId, string assertion) =>
        _client.PostFormAsync("/connect/token",
            [("grant_type", "client_credentials"), ("client_id", clientId), ("client_assertion_type", AssertionType), ("client_assertion", assertion)]);

    private async Task<string> NewClientWithKeyAsync(string clientId, Dictionary<string, string> jwk)
    {
        var admin = await AdminTokenAsync();
        using var created = await AdminAsync(HttpMethod.Post, "/api/v1/clients", admin, new { clientId, displayName = "Acme keys", scopes = new[] { "cases:read" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var registered = await AdminAsync(HttpMethod.Put, $"/api/v1/clients/{clientId}/keys", admin, new { keys = new[] { jwk } });
        Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
        var client = await registered.JsonAsync();
        Assert.Equal("private_key_jwt", client.GetProperty("authentication").GetString());
        Assert.Equal([jwk["kid"]], client.GetProperty("keyIds").EnumerateArray().Select(k => k.GetString()));
        return (await created.JsonAsync()).GetProperty("clientSecret").GetString()!;
    }

    [Fact]
    public async Task Discovery_advertises_private_key_jwt_with_asymmetric_algorithms_only()
    {
        var discovery = await (await _client.GetAsync("/.well-known/openid-configuration")).JsonAsync();

        var methods = discovery.GetProperty("token_endpoint_auth_methods_supported").EnumerateArray().Select(m => m.GetString()).ToList();
        Assert.Contains("private_key_jwt", methods);
        Assert.Contains("client_secret_basic", methods);
        var algorithms = discovery.GetProperty("token_endpoint_auth_signing_alg_values_supported").EnumerateArray().Select(a => a.GetString()!).ToList();
        Assert.Contains("ES256", algorithms);
        Assert.DoesNotContain(algorithms, a => a.StartsWith("HS", StringComparison.Ordinal) || a == "none");
    }

    [Fact]
    public async Task A_client_with_a_registered_key_gets_tokens_by_assertion_and_its_secret_stops_working()
    {
        var (key, jwk) = NewKey("acme-key-1");
        var secret = await NewClientWithKeyAsync("acme-keys-a", jwk);

        using var response = await TokenAsync("acme-keys-a", Assertion("acme-keys-a", key));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        var token = new JsonWebToken(body.GetProperty("access_token").GetString());
        Assert.Equal("acme", token.GetClaim("member_id").Value);
        Assert.Equal("at+jwt", token.Typ);
        Assert.False(body.TryGetProperty("refresh_token", out _));

        // One kind of credential at a time: the secret issued at creation no longer authenticates.
        using var bySecret = await _client.PostFormAsync("/connect/token", [("grant_type", "client_credentials")], Protocol.Basic("acme-keys-a", secret));
        Assert.Equal(HttpStatusCode.Unauthorized, bySecret.StatusCode);
        Assert.Equal("invalid_client", (await bySecret.JsonAsync()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Assertions_that_are_replayed_foreign_expired_untyped_or_for_another_audience_are_refused()
    {
        var (key, jwk) = NewKey("acme-key-2");
        await NewClientWithKeyAsync("acme-keys-b", jwk);
        var (otherKey, _) = NewKey("acme-key-2");

        var once = Assertion("acme-keys-b", key);
        using (var first = await TokenAsync("acme-keys-b", once))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        var refused = new Dictionary<string, string>
        {
            ["replayed"] = once,
            ["signed by a key that is not registered"] = Assertion("acme-keys-b", otherKey),
            ["for another audience"] = Assertion("acme-keys-b", key, audience: "https://elsewhere.example/token"),
            ["expired"] = Assertion("acme-keys-b", key, age: TimeSpan.FromMinutes(20)),
            ["issued for another client"] = Assertion("acme-crm", key),
            ["untyped, so possibly some other JWT"] = Assertion("acme-keys-b", key, type: "JWT"),
        };
        foreach (var (why, assertion) in refused)
        {
            using var response = await TokenAsync("acme-keys-b", assertion);
            Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized, $"{why}: {response.StatusCode}");
            var error = (await response.JsonAsync()).GetProperty("error").GetString();
            Assert.True(error is "invalid_client" or "invalid_request", $"{why}: {error}");
        }
    }

    [Fact]
    public async Task Private_or_weak_or_malformed_keys_are_refused_naming_the_field_and_another_members_client_is_404()
    {
        var admin = await AdminTokenAsync();
        using (var created = await AdminAsync(HttpMethod.Post, "/api/v1/clients", admin, new { clientId = "acme-keys-c", displayName = "Acme keys", scopes = new[] { "cases:read" } }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var (_, good) = NewKey("k1");
        var withPrivate = new Dictionary<string, string>(good) { ["d"] = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32)) };
        using var weakRsa = RSA.Create(1024);
        var rsa = weakRsa.ExportParameters(false);
        var weak = new Dictionary<string, string> { ["kty"] = "RSA", ["kid"] = "weak", ["n"] = Base64UrlEncoder.Encode(rsa.Modulus), ["e"] = Base64UrlEncoder.Encode(rsa.Exponent) };
        var symmetric = new Dictionary<string, string> { ["kty"] = "oct", ["kid"] = "hs", ["k"] = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32)) };
        var offCurve = new Dictionary<string, string>(good) { ["y"] = good["x"] };
        object[] bad =
        [
            new { keys = new[] { withPrivate } },
            new { keys = new[] { weak } },
            new { keys = new[] { symmetric } },
            new { keys = new[] { offCurve } },
            new { keys = new[] { good, good } },
            new { keys = Array.Empty<object>() },
            new { notKeys = 1 },
        ];
        foreach (var body in bad)
        {
            using var response = await AdminAsync(HttpMethod.Put, "/api/v1/clients/acme-keys-c/keys", admin, body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var errors = (await response.JsonAsync()).GetProperty("errors");
            Assert.True(errors.TryGetProperty("keys", out _), JsonSerializer.Serialize(body));
        }

        // Nothing was stored: the client still has its secret.
        await using (var db = _server.Database.CreateContext())
        {
            var client = db.OAuthClients.Single(c => c.ClientId == "acme-keys-c");
            Assert.Null(client.JsonWebKeySet);
            Assert.NotNull(client.SecretHash);
        }

        using var foreign = await AdminAsync(HttpMethod.Put, "/api/v1/clients/globex-crm/keys", admin, new { keys = new[] { good } });
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
    }

    [Fact]
    public async Task Keys_roll_by_registering_the_next_beside_the_current_and_a_secret_rotation_goes_back_to_a_secret()
    {
        var (first, firstJwk) = NewKey("roll-1");
        await NewClientWithKeyAsync("acme-keys-d", firstJwk);
        var (second, secondJwk) = NewKey("roll-2");
        var admin = await AdminTokenAsync();

        using (var both = await AdminAsync(HttpMethod.Put, "/api/v1/clients/acme-keys-d/keys", admin, new { keys = new[] { firstJwk, secondJwk } }))
        {
            Assert.Equal(HttpStatusCode.OK, both.StatusCode);
        }

        using (var byFirst = await TokenAsync("acme-keys-d", Assertion("acme-keys-d", first)))
        using (var bySecond = await TokenAsync("acme-keys-d", Assertion("acme-keys-d", second)))
        {
            Assert.Equal(HttpStatusCode.OK, byFirst.StatusCode);
            Assert.Equal(HttpStatusCode.OK, bySecond.StatusCode);
        }

        using (var onlySecond = await AdminAsync(HttpMethod.Put, "/api/v1/clients/acme-keys-d/keys", admin, new { keys = new[] { secondJwk } }))
        {
            Assert.Equal(HttpStatusCode.OK, onlySecond.StatusCode);
        }

        using (var byRetired = await TokenAsync("acme-keys-d", Assertion("acme-keys-d", first)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, byRetired.StatusCode);
        }

        using var rotated = await AdminAsync(HttpMethod.Post, "/api/v1/clients/acme-keys-d/secret", admin);
        var body = await rotated.JsonAsync();
        Assert.Equal("client_secret", body.GetProperty("client").GetProperty("authentication").GetString());
        await _client.ClientCredentialsTokenAsync("acme-keys-d", body.GetProperty("clientSecret").GetString()!);
        using var byKey = await TokenAsync("acme-keys-d", Assertion("acme-keys-d", second));
        Assert.Equal(HttpStatusCode.Unauthorized, byKey.StatusCode);
    }
}
