using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Exchange.Core.Data;
using Exchange.Core.Identity;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Testing;

/// <summary>
/// Real tokens from a real Exchange.Identity for tests of other services: register a client in the
/// test database, then ask Identity's token endpoint (client credentials) or walk its sign-in
/// (authorization code + PKCE) as a browser would. No token is ever forged.
/// </summary>
public static partial class IdentityTokens
{
    public const string TestAppRedirect = "https://test-app.example/callback";

    /// <summary>Registers (or replaces) a client-credentials client of a member; returns its secret.</summary>
    public static async Task<string> AddMachineClientAsync(ExchangeDbContext db, string clientId, string memberId, IEnumerable<string> roles, IEnumerable<string> scopes)
    {
        var secret = "test-" + SecretHasher.NewSecret();
        await db.OAuthClients.Where(c => c.ClientId == clientId).ExecuteDeleteAsync();
        db.OAuthClients.Add(new OAuthClient
        {
            ClientId = clientId,
            DisplayName = clientId,
            MemberId = memberId,
            Type = ClientType.Confidential,
            SecretHash = SecretHasher.Hash(secret),
            AllowedGrantTypes = [GrantTypes.ClientCredentials],
            AllowedScopes = scopes.ToList(),
            Roles = roles.ToList(),
            CreatedAt = DateTime.UtcNow,
        });
        await db.SaveChangesAsync();
        return secret;
    }

    /// <summary>Registers a first-party code-flow client for user sign-ins in tests; returns its secret.</summary>
    public static async Task<string> AddUserAppClientAsync(
        ExchangeDbContext db, string clientId = "test-user-app", string? secret = null,
        string redirectUri = TestAppRedirect, string? postLogoutRedirectUri = null)
    {
        secret ??= "test-" + SecretHasher.NewSecret();
        await db.OAuthClients.Where(c => c.ClientId == clientId).ExecuteDeleteAsync();
        db.OAuthClients.Add(new OAuthClient
        {
            ClientId = clientId,
            DisplayName = clientId,
            MemberId = "operator",
            Type = ClientType.Confidential,
            SecretHash = SecretHasher.Hash(secret),
            AllowedGrantTypes = [GrantTypes.AuthorizationCode, GrantTypes.RefreshToken],
            AllowedScopes = ["openid", "profile", "email", "offline_access", .. Scopes.Api],
            RedirectUris = [redirectUri],
            PostLogoutRedirectUris = postLogoutRedirectUri is null ? [] : [postLogoutRedirectUri],
            FirstParty = true,
            CreatedAt = DateTime.UtcNow,
        });
        await db.SaveChangesAsync();
        return secret;
    }

    public static async Task<string> ClientCredentialsAsync(HttpClient identity, string clientId, string secret, string? scope = null)
    {
        var fields = new Dictionary<string, string> { ["grant_type"] = "client_credentials" };
        if (scope != null)
        {
            fields["scope"] = scope;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/token") { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Authorization = Basic(clientId, secret);
        using var response = await identity.SendAsync(request);
        return await AccessTokenAsync(response);
    }

    /// <summary>
    /// A user's access token: authorize, sign in on the login page, redeem the code. <paramref name="browser"/>
    /// must keep cookies and not follow redirects (WebApplicationFactoryClientOptions: AllowAutoRedirect = false,
    /// HandleCookies = true) and use the issuer's scheme, so Identity's cookies come back.
    /// </summary>
    public static async Task<string> UserAsync(HttpClient browser, string email, string password, string scope, string clientId, string clientSecret)
    {
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        var challenge = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var authorize = "/connect/authorize?" + string.Join('&', new Dictionary<string, string>
        {
            ["client_id"] = clientId, ["redirect_uri"] = TestAppRedirect, ["response_type"] = "code", ["scope"] = scope,
            ["state"] = "test", ["code_challenge"] = challenge, ["code_challenge_method"] = "S256",
        }.Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}"));

        using var first = await browser.GetAsync(authorize);
        var location = Location(first);
        if (location.StartsWith("/account/login", StringComparison.Ordinal))
        {
            var page = await browser.GetStringAsync(location);
            var csrf = CsrfField().Match(page).Groups[1].Value;
            using var login = await browser.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__csrf"] = csrf, ["returnUrl"] = authorize, ["email"] = email, ["password"] = password,
            }));
            using var again = await browser.GetAsync(Location(login));
            location = Location(again);
        }

        var code = location.Split(['?', '&']).Select(p => p.Split('=', 2)).Single(p => p[0] == "code")[1];
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "authorization_code", ["code"] = Uri.UnescapeDataString(code), ["redirect_uri"] = TestAppRedirect, ["code_verifier"] = verifier,
            }),
        };
        request.Headers.Authorization = Basic(clientId, clientSecret);
        using var response = await browser.SendAsync(request);
        return await AccessTokenAsync(response);
    }

    private static string Location(HttpResponseMessage response) =>
        response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location != null
            ? response.Headers.Location.OriginalString
            : throw new InvalidOperationException($"Identity answered {(int)response.StatusCode} where a redirect was expected (wrong password, client or scope?).");

    private static async Task<string> AccessTokenAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Identity refused the token request: {(int)response.StatusCode} {body}");
        }

        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    private static AuthenticationHeaderValue Basic(string clientId, string secret) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(clientId)}:{Uri.EscapeDataString(secret)}")));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [GeneratedRegex("name=\"__csrf\" value=\"([^\"]+)\"")]
    private static partial Regex CsrfField();
}
