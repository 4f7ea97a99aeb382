using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Exchange.Identity.Tests;

public sealed class DiscoveryTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>, IDisposable
{
    private readonly HttpClient _client = fixture.Server.CreateClient();

    public void Dispose() => _client.Dispose();

    /// <summary>How the API validates: keys from the published JWKS, ES256 only, at+jwt only.</summary>
    public static TokenValidationParameters ApiParameters(JsonWebKeySet jwks) => new()
    {
        ValidIssuer = IdentityServer.Issuer,
        ValidAudience = "exchange-api",
        ValidTypes = ["at+jwt"],
        ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
        IssuerSigningKeys = jwks.GetSigningKeys(),
    };

    public static async Task<JsonWebKeySet> JwksAsync(HttpClient client) =>
        new(await client.GetStringAsync("/.well-known/openid-configuration/jwks"));

    /// <summary>An RS/ES-to-HS key-confusion token: HMAC-signed with the public key's bytes.</summary>
    public static async Task<string> HmacSignedWithPublicKeyAsync(HttpClient client, string payload)
    {
        var jwks = await JwksAsync(client);
        var key = jwks.Keys[0];
        var header = Base64UrlEncoder.Encode($"{{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"{key.Kid}\"}}");
        var secret = Encoding.UTF8.GetBytes(key.X + key.Y);
        var signature = HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes($"{header}.{payload}"));
        return $"{header}.{payload}.{Base64UrlEncoder.Encode(signature)}";
    }

    [Fact]
    public async Task Discovery_names_the_issuer_in_the_tokens_and_advertises_only_s256_and_the_code_flow()
    {
        using var response = await _client.GetAsync("/.well-known/openid-configuration");
        var doc = await response.JsonAsync();
        var token = new JsonWebToken(await _client.ClientCredentialsTokenAsync("acme-crm", "dev-acme-crm-secret"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(token.Issuer, doc.GetProperty("issuer").GetString());
        Assert.Equal(IdentityServer.Issuer, doc.GetProperty("issuer").GetString());
        Assert.Equal(["S256"], doc.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["code"], doc.GetProperty("response_types_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.DoesNotContain("password", doc.GetProperty("grant_types_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["ES256"], doc.GetProperty("id_token_signing_alg_values_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.True(doc.GetProperty("authorization_response_iss_parameter_supported").GetBoolean());
        Assert.Equal(IdentityServer.Issuer + "/.well-known/openid-configuration/jwks", doc.GetProperty("jwks_uri").GetString());
        Assert.Equal(IdentityServer.Issuer + "/connect/token", doc.GetProperty("token_endpoint").GetString());
    }

    [Fact]
    public async Task The_jwks_holds_public_parameters_only_with_distinct_kid_alg_and_use()
    {
        await _client.ClientCredentialsTokenAsync("acme-crm", "dev-acme-crm-secret");
        var json = await _client.GetStringAsync("/.well-known/openid-configuration/jwks");
        var jwks = new JsonWebKeySet(json);

        Assert.NotEmpty(jwks.Keys);
        Assert.Equal(jwks.Keys.Count, jwks.Keys.Select(k => k.Kid).Distinct().Count());
        foreach (var key in jwks.Keys)
        {
            Assert.Equal("ES256", key.Alg);
            Assert.Equal("sig", key.Use);
            Assert.Equal("EC", key.Kty);
            Assert.False(key.HasPrivateKey);
            Assert.Null(key.D);
        }

        Assert.DoesNotContain("\"d\"", json);
    }

    [Fact]
    public async Task An_issued_token_validates_with_an_independent_handler_against_the_published_jwks()
    {
        var token = await _client.ClientCredentialsTokenAsync("acme-crm", "dev-acme-crm-secret");
        var jwks = await JwksAsync(_client);

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, ApiParameters(jwks));

        Assert.True(result.IsValid, result.Exception?.Message);
        Assert.Equal("acme", result.Claims["member_id"]);
    }

    [Fact]
    public async Task Unsigned_key_confusion_and_wrong_audience_tokens_fail_validation_against_the_jwks()
    {
        var token = await _client.ClientCredentialsTokenAsync("acme-crm", "dev-acme-crm-secret");
        var parts = token.Split('.');
        var jwks = await JwksAsync(_client);
        var handler = new JsonWebTokenHandler();
        var none = $"{Base64UrlEncoder.Encode("{\"alg\":\"none\",\"typ\":\"at+jwt\"}")}.{parts[1]}.";
        var hs256 = await HmacSignedWithPublicKeyAsync(_client, parts[1]);
        var wrongAudience = ApiParameters(jwks);
        wrongAudience.ValidAudience = "another-api";

        Assert.False((await handler.ValidateTokenAsync(none, ApiParameters(jwks))).IsValid);
        Assert.False((await handler.ValidateTokenAsync(hs256, ApiParameters(jwks))).IsValid);
        Assert.False((await handler.ValidateTokenAsync(token, wrongAudience)).IsValid);
    }
}
