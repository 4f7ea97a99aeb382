using System.Text;
using Exchange.Core.Data;
using Exchange.Core.Identity;
using Exchange.Identity.Account;
using Exchange.Identity.Configuration;
using Exchange.Identity.Keys;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Exchange.Identity.Protocol;

/// <summary>/connect/userinfo (OIDC Core 5.3) and /connect/endsession (OIDC RP-Initiated Logout 1.0).</summary>
public static class SessionEndpoints
{
    public static async Task<IResult> UserInfoAsync(HttpContext context, UserManager<ExchangeUser> users)
    {
        context.Response.Headers.CacheControl = "no-store";
        var principal = context.User;
        if (!TokenClaims.Scopes(principal).Contains(ScopeParser.OpenId))
        {
            return Results.Forbid(authenticationSchemes: [AccessTokenAuthenticationHandler.SchemeName]);
        }

        var subject = principal.FindFirst("sub")?.Value;
        var user = subject != null && Guid.TryParse(subject, out _) ? await users.FindByIdAsync(subject) : null;
        if (user is not { IsActive: true })
        {
            return Results.Challenge(authenticationSchemes: [AccessTokenAuthenticationHandler.SchemeName]);
        }

        var roles = (await users.GetRolesAsync(user)).Order(StringComparer.Ordinal).ToList();
        var claims = UserTokens.ProfileClaims(user, roles, TokenClaims.Scopes(principal).ToList());
        claims["sub"] = subject!;
        return Results.Json(claims);
    }

    public static async Task<IResult> EndSessionAsync(
        HttpContext context,
        ExchangeDbContext db,
        GrantStore grants,
        SigningKeyService keys,
        IOptions<IdentityServerOptions> options)
    {
        var parameters = HttpMethods.IsPost(context.Request.Method) && context.Request.HasFormContentType
            ? (await context.Request.ReadFormAsync(context.RequestAborted)).ToDictionary(p => p.Key, p => p.Value.ToString())
            : context.Request.Query.ToDictionary(p => p.Key, p => p.Value.ToString());
        string? Get(string name) => parameters.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

        var session = await context.AuthenticateAsync(IdentityExtensions.SessionScheme);
        if (session.Succeeded && session.Principal!.FindFirst("sub")?.Value is { } subject)
        {
            // Signing out ends the refresh tokens of the user, so no client keeps the session alive.
            await grants.RevokeSubjectRefreshTokensAsync(subject, context.RequestAborted);
        }

        await context.SignOutAsync(IdentityExtensions.SessionScheme);

        var clientId = Get("client_id");
        if (Get("id_token_hint") is { } hint)
        {
            var audience = await HintAudienceAsync(hint, keys, options.Value);
            if (audience == null || (clientId != null && clientId != audience))
            {
                return HtmlPage.Error("You are signed out. The application's sign-out request was not valid, so you stay here.");
            }

            clientId = audience;
        }

        var postLogout = Get("post_logout_redirect_uri");
        if (postLogout != null && clientId != null)
        {
            var client = await db.OAuthClients.AsNoTracking().SingleOrDefaultAsync(c => c.ClientId == clientId, context.RequestAborted);
            if (client is { IsActive: true } && client.PostLogoutRedirectUris.Contains(postLogout, StringComparer.Ordinal))
            {
                var url = new StringBuilder(postLogout);
                if (Get("state") is { } state)
                {
                    url.Append(postLogout.Contains('?', StringComparison.Ordinal) ? '&' : '?').Append("state=").Append(Uri.EscapeDataString(state));
                }

                context.Response.Headers.CacheControl = "no-store";
                return Results.Redirect(url.ToString());
            }
        }

        return new HtmlPage("Signed out", "<h1>You are signed out</h1><p>You can close this window.</p>");
    }

    /// <summary>The client an ID token hint was issued to, if the hint is a genuine ID token of this issuer (expired is fine).</summary>
    private static async Task<string?> HintAudienceAsync(string hint, SigningKeyService keys, IdentityServerOptions options)
    {
        var published = await keys.GetPublishedKeysAsync();
        var result = await new JsonWebTokenHandler { MapInboundClaims = false }.ValidateTokenAsync(hint, new TokenValidationParameters
        {
            ValidIssuer = options.IssuerUri,
            ValidateAudience = false,
            ValidateLifetime = false,
            ValidTypes = ["JWT"],
            ValidAlgorithms = [SigningKeyService.Algorithm],
            IssuerSigningKeys = published.Select(k => (SecurityKey)k.Key).ToList(),
        });
        return result.IsValid && result.ClaimsIdentity.FindFirst("aud")?.Value is { } audience ? audience : null;
    }
}
