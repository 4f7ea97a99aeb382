using System.Security.Claims;
using Exchange.Core.Data;
using Exchange.Core.Identity;
using Exchange.Identity.Configuration;
using Exchange.Identity.Keys;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Exchange.Identity.Server;

/// <summary>
/// Bearer tokens (RFC 6750) for Identity's own resources (userinfo, the admin API): the API's rules
/// (at+jwt, ES256, issuer, audience, lifetime, not revoked) against Identity's own keys, without a
/// round trip to itself. Tokens come from the Authorization header only, never from a query string.
/// </summary>
public static class BearerAuthentication
{
    public const string Scheme = "Bearer";

    public static IServiceCollection AddIdentityBearer(this IServiceCollection services)
    {
        services.AddAuthentication().AddJwtBearer(Scheme, _ => { });
        services.AddOptions<JwtBearerOptions>(Scheme).Configure<IOptions<IdentityServerOptions>, SigningKeyStore, TimeProvider>((o, settings, keys, clock) =>
        {
            o.MapInboundClaims = false;
            o.IncludeErrorDetails = false;
            o.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = settings.Value.IssuerUri,
                ValidAudience = OpenIddictSetup.IdentityAudience,
                ValidTypes = ["at+jwt"],
                ValidAlgorithms = [SigningKeyStore.Algorithm],
                IssuerSigningKeyResolver = (_, _, _, _) => keys.Current?.Published.Select(k => (SecurityKey)k.Key) ?? [],
                RequireSignedTokens = true,
                RequireExpirationTime = true,
                ClockSkew = TimeSpan.FromSeconds(30),
                // The lifetime check reads the injected clock, so tests can move time.
                LifetimeValidator = (notBefore, expires, _, parameters) =>
                {
                    var now = clock.GetUtcNow().UtcDateTime;
                    return expires != null && expires.Value.ToUniversalTime() + parameters.ClockSkew > now
                        && (notBefore == null || notBefore.Value.ToUniversalTime() - parameters.ClockSkew <= now);
                },
                NameClaimType = "sub",
                RoleClaimType = "role",
            };
            o.Events = new JwtBearerEvents
            {
                OnTokenValidated = async context =>
                {
                    // Per request, not the API's in-memory set: Identity's bearer endpoints (userinfo,
                    // admin) are few and a revocation must hold here at once.
                    var db = context.HttpContext.RequestServices.GetRequiredService<ExchangeDbContext>();
                    if (await AccessTokenStatus.IsRevokedAsync(db, context.Principal!, context.HttpContext.RequestAborted))
                    {
                        context.Fail("The token has been revoked.");
                    }
                },
                OnChallenge = context =>
                {
                    context.HandleResponse();
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    context.Response.Headers.WWWAuthenticate = context.AuthenticateFailure != null ? "Bearer error=\"invalid_token\"" : "Bearer";
                    return Task.CompletedTask;
                },
                OnForbidden = context =>
                {
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    context.Response.Headers.WWWAuthenticate = "Bearer error=\"insufficient_scope\"";
                    return Task.CompletedTask;
                },
            };
        });
        return services;
    }

    public static IReadOnlyList<string> Scopes(ClaimsPrincipal principal) =>
        principal.FindAll("scope").SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
}
