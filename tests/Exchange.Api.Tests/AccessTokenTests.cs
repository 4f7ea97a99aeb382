using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Exchange.Identity.Keys;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Exchange.Api.Tests;

/// <summary>The API accepts only Identity's RFC 9068 access tokens for this audience, from the Authorization header.</summary>
public sealed class AccessTokenTests(ApiFixture hosts) : IClassFixture<ApiFixture>
{
    private const string Probe = "/api/v1/cases?limit=1";

    [Fact]
    public async Task A_request_without_a_token_is_401_with_a_bare_Bearer_challenge_as_problem_details()
    {
        using var response = await hosts.Anonymous().GetAsync(Probe);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_token_in_the_query_string_is_ignored()
    {
        var token = await hosts.TokenAsync(ApiFixture.Acme.ClientId, ApiFixture.Acme.Secret);
        using var response = await hosts.Anonymous().GetAsync(Probe + "&access_token=" + token);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_real_token_works_and_the_answer_is_not_cacheable()
    {
        using var response = await (await hosts.ClientAsync(ApiFixture.Acme)).GetAsync(Probe);
        await response.ExpectAsync(HttpStatusCode.OK);
        Assert.True(response.Headers.CacheControl?.NoStore);
    }

    [Fact]
    public async Task An_alg_none_token_is_401_invalid_token()
    {
        var claims = await RealClaimsAsync();
        var unsigned = Encode(new { alg = "none", typ = "at+jwt" }) + "." + Encode(claims) + ".";
        await AssertInvalidTokenAsync(unsigned);
    }

    [Fact]
    public async Task An_HS256_token_keyed_with_the_public_key_is_401_invalid_token()
    {
        var claims = await RealClaimsAsync();
        using var jwks = await hosts.Identity.CreateClient().GetAsync("/.well-known/openid-configuration/jwks");
        var publicKeyBytes = await jwks.Content.ReadAsByteArrayAsync();
        var header = Encode(new { alg = "HS256", typ = "at+jwt" });
        var payload = Encode(claims);
        var signature = Base64UrlEncoder.Encode(HMACSHA256.HashData(publicKeyBytes, Encoding.ASCII.GetBytes(header + "." + payload)));
        await AssertInvalidTokenAsync($"{header}.{payload}.{signature}");
    }

    [Fact]
    public async Task A_real_token_with_an_altered_payload_or_stripped_signature_is_401_invalid_token()
    {
        var token = await hosts.TokenAsync(ApiFixture.Acme.ClientId, ApiFixture.Acme.Secret);
        var parts = token.Split('.');
        var claims = JsonSerializer.Deserialize<Dictionary<string, object>>(Base64UrlEncoder.Decode(parts[1]))!;
        claims["member_id"] = "globex";
        await AssertInvalidTokenAsync($"{parts[0]}.{Encode(claims)}.{parts[2]}");
        await AssertInvalidTokenAsync($"{parts[0]}.{parts[1]}.");
    }

    [Theory]
    [InlineData("typ")]
    [InlineData("aud")]
    [InlineData("iss")]
    [InlineData("exp")]
    [InlineData("nbf")]
    [InlineData("member_id")]
    public async Task A_token_signed_by_Identity_but_wrong_in_one_respect_is_401_invalid_token(string wrong)
    {
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object>
        {
            ["sub"] = "acme-crm", ["client_id"] = "acme-crm", ["member_id"] = "acme", ["scope"] = "cases:read cases:write", ["role"] = "engineer",
            ["jti"] = Guid.NewGuid().ToString("N"),
        };
        if (wrong == "member_id")
        {
            claims.Remove("member_id");
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = wrong == "iss" ? "http://evil.example" : "http://localhost",
            Audience = wrong == "aud" ? "another-api" : "exchange-api",
            TokenType = wrong == "typ" ? "JWT" : "at+jwt",
            IssuedAt = now.AddMinutes(-20),
            NotBefore = wrong == "nbf" ? now.AddMinutes(10) : now.AddMinutes(-20),
            Expires = wrong == "exp" ? now.AddMinutes(-5) : now.AddMinutes(20),
            Claims = claims,
            SigningCredentials = new SigningCredentials((await hosts.Identity.Services.GetRequiredService<SigningKeyStore>().EnsureCurrentAsync()).Active.Key, SigningKeyStore.Algorithm),
        };
        var token = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
        await AssertInvalidTokenAsync(token);
    }

    [Fact]
    public async Task Jku_and_jwk_headers_are_ignored_and_the_token_still_needs_Identitys_key()
    {
        using var attackerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = "http://localhost", Audience = "exchange-api", TokenType = "at+jwt",
            Expires = DateTime.UtcNow.AddMinutes(5),
            // jku points at the attacker's key set and jwk embeds the attacker's key: both must be ignored.
            AdditionalHeaderClaims = new Dictionary<string, object>
            {
                ["jku"] = "http://evil.example/jwks",
                ["jwk"] = new Dictionary<string, object>
                {
                    ["kty"] = "EC", ["crv"] = "P-256", ["kid"] = "attacker",
                    ["x"] = Base64UrlEncoder.Encode(attackerKey.ExportParameters(false).Q.X!),
                    ["y"] = Base64UrlEncoder.Encode(attackerKey.ExportParameters(false).Q.Y!),
                },
            },
            Claims = new Dictionary<string, object> { ["sub"] = "x", ["member_id"] = "acme", ["scope"] = "cases:read" },
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(attackerKey) { KeyId = "attacker" }, SecurityAlgorithms.EcdsaSha256),
        };
        await AssertInvalidTokenAsync(new JsonWebTokenHandler().CreateToken(descriptor));
    }

    [Fact]
    public async Task A_token_without_the_routes_scope_is_403_insufficient_scope()
    {
        var narrow = await hosts.ClientAsync(ApiFixture.Acme, scope: "agreements:read");
        using var response = await narrow.GetAsync(Probe);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("error=\"insufficient_scope\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal("insufficient_scope", await response.CodeAsync());
    }

    private async Task AssertInvalidTokenAsync(string token)
    {
        using var client = hosts.ServiceClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.GetAsync(Probe);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(token, body, StringComparison.Ordinal);
    }

    private async Task<Dictionary<string, object>> RealClaimsAsync()
    {
        var token = await hosts.TokenAsync(ApiFixture.Acme.ClientId, ApiFixture.Acme.Secret);
        return JsonSerializer.Deserialize<Dictionary<string, object>>(Base64UrlEncoder.Decode(token.Split('.')[1]))!;
    }

    private static string Encode(object value) => Base64UrlEncoder.Encode(JsonSerializer.Serialize(value));
}
