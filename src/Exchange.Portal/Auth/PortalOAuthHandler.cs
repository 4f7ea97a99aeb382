using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OAuth;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Exchange.Portal.Auth;

/// <summary>
/// The in-box OAuth handler (authorization code + PKCE) made into a small OpenID Connect
/// relying party: endpoints come from discovery, each request carries a nonce, and the
/// id_token is validated (signature, issuer, audience, lifetime, nonce) before its claims
/// become the portal user. The OpenID Connect handler package cannot be restored here.
/// </summary>
public sealed class PortalOAuthHandler(
    IOptionsMonitor<OAuthOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IdentityProviderMetadata metadata)
    : OAuthHandler<OAuthOptions>(options, logger, encoder)
{
    private const string NonceItem = "exchange.nonce";

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        await ApplyDiscoveryAsync();
        await base.HandleChallengeAsync(properties);
    }

    protected override async Task<HandleRequestResult> HandleRemoteAuthenticateAsync()
    {
        await ApplyDiscoveryAsync();
        return await base.HandleRemoteAuthenticateAsync();
    }

    protected override string BuildChallengeUrl(AuthenticationProperties properties, string redirectUri)
    {
        // The nonce travels inside the protected state, bound to this browser's correlation cookie.
        var nonce = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        properties.Items[NonceItem] = nonce;
        return QueryHelpers.AddQueryString(base.BuildChallengeUrl(properties, redirectUri), "nonce", nonce);
    }

    protected override async Task<AuthenticationTicket> CreateTicketAsync(
        ClaimsIdentity identity, AuthenticationProperties properties, OAuthTokenResponse tokens)
    {
        var idToken = tokens.Response?.RootElement.TryGetProperty("id_token", out var value) == true ? value.GetString() : null;
        if (string.IsNullOrEmpty(idToken))
        {
            throw new AuthenticationFailureException("The identity provider returned no id_token.");
        }

        var validated = await ValidateIdTokenAsync(idToken);
        if (!properties.Items.TryGetValue(NonceItem, out var expectedNonce)
            || !validated.Claims.TryGetValue("nonce", out var nonce) || !string.Equals(nonce as string, expectedNonce, StringComparison.Ordinal))
        {
            throw new AuthenticationFailureException("The id_token's nonce does not match this sign-in.");
        }

        properties.Items.Remove(NonceItem);
        // The in-box handler saves access and refresh tokens only; sign-out needs the id_token as its hint.
        if (Options.SaveTokens)
        {
            var saved = properties.GetTokens().ToList();
            saved.Add(new AuthenticationToken { Name = "id_token", Value = idToken });
            properties.StoreTokens(saved);
        }

        var user = new ClaimsIdentity(Scheme.Name, PortalClaims.Name, PortalClaims.Role);
        AddClaims(user, validated.ClaimsIdentity.Claims);

        // Names and roles may be left out of the id_token; userinfo then supplies them.
        var configuration = await metadata.GetAsync(Context.RequestAborted);
        if (!string.IsNullOrEmpty(configuration.UserInfoEndpoint) && !string.IsNullOrEmpty(tokens.AccessToken))
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, configuration.UserInfoEndpoint);
            request.Headers.Authorization = new("Bearer", tokens.AccessToken);
            using var response = await Backchannel.SendAsync(request, Context.RequestAborted);
            if (response.IsSuccessStatusCode)
            {
                using var payload = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Context.RequestAborted));
                var subject = payload.RootElement.TryGetProperty("sub", out var sub) ? sub.GetString() : null;
                if (subject == user.FindFirst(PortalClaims.Subject)?.Value)
                {
                    AddClaims(user, FromJson(payload.RootElement));
                }
            }
        }

        if (user.FindFirst(PortalClaims.Subject) is null)
        {
            throw new AuthenticationFailureException("The id_token names no subject.");
        }

        return new AuthenticationTicket(new ClaimsPrincipal(user), properties, Scheme.Name);
    }

    private async Task<TokenValidationResult> ValidateIdTokenAsync(string idToken)
    {
        // Claim names as issued (sub, role), no mapping to long URIs.
        var handler = new JsonWebTokenHandler { MapInboundClaims = false };
        for (var attempt = 0; ; attempt++)
        {
            var configuration = await metadata.GetAsync(Context.RequestAborted);
            var result = await handler.ValidateTokenAsync(idToken, new TokenValidationParameters
            {
                ValidIssuer = configuration.Issuer,
                ValidAudience = Options.ClientId,
                IssuerSigningKeys = configuration.SigningKeys,
                ValidateLifetime = true,
                ClockSkew = TimeSpan.FromMinutes(2),
            });
            if (result.IsValid)
            {
                return result;
            }

            if (attempt == 0 && result.Exception is SecurityTokenSignatureKeyNotFoundException)
            {
                metadata.RequestRefresh();
                continue;
            }

            Logger.LogWarning("An id_token was refused: {Reason}", result.Exception?.GetType().Name);
            throw new AuthenticationFailureException("The id_token is not valid.");
        }
    }

    private static readonly HashSet<string> KeptClaims = [PortalClaims.Subject, PortalClaims.Name, PortalClaims.MemberId, PortalClaims.Role, "email"];

    private static void AddClaims(ClaimsIdentity user, IEnumerable<Claim> claims)
    {
        foreach (var claim in claims.Where(c => KeptClaims.Contains(c.Type)))
        {
            if (!user.HasClaim(claim.Type, claim.Value))
            {
                if (claim.Type != PortalClaims.Role && user.FindFirst(claim.Type) is { } existing)
                {
                    user.RemoveClaim(existing);
                }

                user.AddClaim(new Claim(claim.Type, claim.Value));
            }
        }
    }

    private static IEnumerable<Claim> FromJson(JsonElement root)
    {
        foreach (var property in root.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in property.Value.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.String))
                {
                    yield return new Claim(property.Name, item.GetString()!);
                }
            }
            else if (property.Value.ValueKind == JsonValueKind.String)
            {
                yield return new Claim(property.Name, property.Value.GetString()!);
            }
        }
    }

    private async Task ApplyDiscoveryAsync()
    {
        var configuration = await metadata.GetAsync(Context.RequestAborted);
        Options.AuthorizationEndpoint = configuration.AuthorizationEndpoint;
        Options.TokenEndpoint = configuration.TokenEndpoint;
        Options.UserInformationEndpoint = configuration.UserInfoEndpoint;
    }
}
