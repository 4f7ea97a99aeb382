using System.Globalization;
using System.Security.Claims;
using Exchange.Core.Data;
using Exchange.Core.Identity;
using Exchange.Identity.Account;
using Exchange.Identity.Configuration;
using Microsoft.AspNetCore;
using OpenIddict.Server;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Exchange.Identity.Server;

/// <summary>
/// The decisions OpenIddict leaves to the host, at the endpoints it passes through: who the user
/// is (authorize), which claims a client or user gets (token), and ending Identity's session (end
/// session). Protocol validation has happened before these run; protocol answers are OpenIddict's.
/// </summary>
public static class ProtocolEndpoints
{
    private const string Scheme = OpenIddictServerAspNetCoreDefaults.AuthenticationScheme;

    public static void MapProtocolEndpoints(this WebApplication app)
    {
        app.MapMethods(ProtocolPaths.Authorize, [HttpMethods.Get, HttpMethods.Post], AuthorizeAsync).DisableAntiforgery();
        app.MapPost(ProtocolPaths.Token, TokenAsync).DisableAntiforgery();
        app.MapMethods(ProtocolPaths.EndSession, [HttpMethods.Get, HttpMethods.Post], EndSessionAsync).DisableAntiforgery();
        app.MapMethods(ProtocolPaths.UserInfo, [HttpMethods.Get, HttpMethods.Post], UserInfoAsync)
            .RequireAuthorization(p => p.AddAuthenticationSchemes(BearerAuthentication.Scheme).RequireAuthenticatedUser())
            .DisableAntiforgery();
    }

    /// <summary>Authorize: a request OpenIddict could not send back to a genuine client is shown here, never redirected.</summary>
    public static async Task<IResult> AuthorizeAsync(
        HttpContext context, ExchangeDbContext db, UserManager<ExchangeUser> users, IOptions<IdentityServerOptions> options, TimeProvider clock)
    {
        if (context.GetOpenIddictServerResponse() is { Error: not null })
        {
            return HtmlPage.Error("The application that sent you here, or the address it asked to return to, is not registered. Nothing was sent back to it.");
        }

        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("No OpenIddict request.");
        var client = await db.OAuthClients.AsNoTracking().SingleOrDefaultAsync(c => c.ClientId == request.ClientId, context.RequestAborted);
        if (client is not { IsActive: true, FirstParty: true })
        {
            // No consent screen is built: only first-party clients may sign users in.
            return Refuse(Errors.AccessDenied, "The client is not permitted to sign users in.");
        }

        var session = await context.AuthenticateAsync(IdentityExtensions.SessionScheme);
        var user = session.Succeeded ? await SessionUserAsync(session.Principal!, users) : null;
        var prompt = request.GetPromptValues();
        if (user == null || prompt.Contains(PromptValues.Login))
        {
            if (prompt.Contains(PromptValues.None))
            {
                return Refuse(Errors.LoginRequired, "The user is not signed in.");
            }

            // The login page returns here; prompt is dropped so a fresh sign-in is not asked for again.
            var parameters = HttpMethods.IsPost(context.Request.Method) ? context.Request.Form.AsEnumerable() : context.Request.Query.AsEnumerable();
            var returnUrl = ProtocolPaths.Authorize + QueryString.Create(
                parameters.Where(p => p.Key != Parameters.Prompt).Select(p => KeyValuePair.Create(p.Key, (string?)p.Value.ToString())));
            context.Response.Headers.CacheControl = "no-store";
            return Results.Redirect(LoginEndpoints.LoginPath + QueryString.Create("returnUrl", returnUrl));
        }

        var now = clock.GetUtcNow();
        var principal = session.Principal!;
        var authTime = long.TryParse(principal.FindFirstValue("auth_time"), out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : now;
        var signedIn = await UserClaims.ForUserAsync(
            user, users, request.GetScopes(), authTime, principal.FindFirstValue("sid"), now + options.Value.RefreshTokenAbsoluteLifetime);
        return Results.SignIn(signedIn, authenticationScheme: Scheme);
    }

    /// <summary>The signed-in user, if the session is still good: user active and password unchanged since sign-in.</summary>
    public static async Task<ExchangeUser?> SessionUserAsync(ClaimsPrincipal principal, UserManager<ExchangeUser> users)
    {
        var id = principal.FindFirstValue("sub");
        if (id == null || await users.FindByIdAsync(id) is not { IsActive: true } user)
        {
            return null;
        }

        return string.Equals(principal.FindFirstValue(LoginEndpoints.SecurityStampClaim), user.SecurityStamp, StringComparison.Ordinal)
            ? user
            : null;
    }

    /// <summary>Token: the claims of a member system (client credentials) or of the user behind a code or refresh token.</summary>
    public static async Task<IResult> TokenAsync(HttpContext context, ExchangeDbContext db, UserManager<ExchangeUser> users, TimeProvider clock)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("No OpenIddict request.");
        if (request.IsClientCredentialsGrantType())
        {
            var client = await db.OAuthClients.AsNoTracking().SingleOrDefaultAsync(c => c.ClientId == request.ClientId, context.RequestAborted);
            if (client is not { IsActive: true })
            {
                return Refuse(Errors.InvalidClient, "The client is not known.");
            }

            // Without a scope parameter the client gets every API scope it is registered for (RFC 6749 section 3.3).
            var allowed = client.AllowedScopes.Where(Exchange.Core.Identity.Scopes.Api.Contains).ToList();
            var requested = request.GetScopes().ToList();
            if (requested.Any(s => !allowed.Contains(s)))
            {
                return Refuse(Errors.InvalidScope, "A requested scope is not allowed for this client.");
            }

            var scopes = requested.Count == 0 ? allowed : requested;
            return scopes.Count == 0
                ? Refuse(Errors.InvalidScope, "The client has no scope to grant.")
                : Results.SignIn(UserClaims.ForClient(client, scopes), authenticationScheme: Scheme);
        }

        if (!request.IsAuthorizationCodeGrantType() && !request.IsRefreshTokenGrantType())
        {
            return Refuse(Errors.UnsupportedGrantType, "The grant type is not supported.");
        }

        var granted = (await context.AuthenticateAsync(Scheme)).Principal ?? throw new InvalidOperationException("No principal.");
        var now = clock.GetUtcNow();
        var absolute = long.TryParse(granted.GetClaim(UserClaims.AbsoluteExpiry), out var end) ? DateTimeOffset.FromUnixTimeSeconds(end) : now;
        var user = granted.GetClaim(Claims.Subject) is { } subject ? await users.FindByIdAsync(subject) : null;
        // The user must still be active, not locked out, and have the password they had at sign-in.
        if (user is not { IsActive: true } || await users.IsLockedOutAsync(user)
            || !string.Equals(user.SecurityStamp, granted.GetClaim(UserClaims.SecurityStamp), StringComparison.Ordinal)
            || absolute <= now)
        {
            return Refuse(Errors.InvalidGrant, "The grant is no longer valid.");
        }

        var authTime = long.TryParse(granted.GetClaim(Claims.AuthenticationTime), out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : now;
        var principal = await UserClaims.ForUserAsync(user, users, [.. granted.GetScopes()], authTime, granted.GetClaim("sid"), absolute);
        // Each rotation slides the refresh token's expiry, never past the family's absolute end.
        var sliding = context.RequestServices.GetRequiredService<IOptions<IdentityServerOptions>>().Value.RefreshTokenSlidingLifetime;
        principal.SetRefreshTokenLifetime(absolute - now < sliding ? absolute - now : sliding);
        return Results.SignIn(principal, authenticationScheme: Scheme);
    }

    /// <summary>End session: Identity's session ends, and with it the refresh tokens of the user, so no client keeps it alive.</summary>
    public static async Task<IResult> EndSessionAsync(HttpContext context, IOpenIddictAuthorizationManager authorizations)
    {
        // The session ends whatever the request looks like: signing out is never refused.
        var session = await context.AuthenticateAsync(IdentityExtensions.SessionScheme);
        if (session.Succeeded && session.Principal!.FindFirst("sub")?.Value is { } subject)
        {
            await authorizations.RevokeBySubjectAsync(subject, context.RequestAborted);
        }

        await context.SignOutAsync(IdentityExtensions.SessionScheme);
        if (context.GetOpenIddictServerResponse() is { Error: not null })
        {
            return HtmlPage.Error("You are signed out. The application's sign-out request was not valid, so you stay here.");
        }

        if (string.IsNullOrEmpty(context.GetOpenIddictServerRequest()?.PostLogoutRedirectUri))
        {
            return new HtmlPage("Signed out", "<h1>You are signed out</h1><p>You can close this window.</p>");
        }

        context.Response.Headers.CacheControl = "no-store";
        return Results.SignOut(authenticationSchemes: [Scheme]);
    }

    /// <summary>Userinfo (OIDC Core 5.3) for an access token with the openid scope, from the header only.</summary>
    public static async Task<IResult> UserInfoAsync(HttpContext context, UserManager<ExchangeUser> users)
    {
        context.Response.Headers.CacheControl = "no-store";
        var scopes = BearerAuthentication.Scopes(context.User);
        if (!scopes.Contains(ProtocolPaths.OpenId))
        {
            return Results.Forbid(authenticationSchemes: [BearerAuthentication.Scheme]);
        }

        var subject = context.User.FindFirst(Claims.Subject)?.Value;
        var user = subject != null && Guid.TryParse(subject, out _) ? await users.FindByIdAsync(subject) : null;
        if (user is not { IsActive: true })
        {
            return Results.Challenge(authenticationSchemes: [BearerAuthentication.Scheme]);
        }

        return Results.Json(await UserClaims.UserInfoAsync(user, users, scopes));
    }

    private static IResult Refuse(string error, string description) =>
        Results.Forbid(new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }), [Scheme]);

    internal static string Seconds(DateTimeOffset value) => value.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
}
