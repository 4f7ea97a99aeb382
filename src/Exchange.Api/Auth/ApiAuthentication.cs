using Exchange.Api.Http;
using Exchange.Core.Data;
using Exchange.Core.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;

namespace Exchange.Api.Auth;

/// <summary>
/// Bearer access tokens (RFC 9068) validated through the issuer's discovery document, so any
/// standard issuer can be configured at `Exchange:Auth:Authority`.
/// </summary>
public static class ApiAuthentication
{
    public const string DefaultAudience = "exchange-api";

    // Asymmetric only: an HS256 token signed with a public key (key confusion) or alg "none" never validates.
    private static readonly string[] Algorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    public static IServiceCollection AddApiAuthentication(this IServiceCollection services)
    {
        services.AddRevokedAccessTokens();
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IConfiguration, IHostEnvironment>((options, configuration, environment) =>
            {
                options.Authority = configuration["Exchange:Auth:Authority"];
                options.Audience = configuration["Exchange:Auth:Audience"] ?? DefaultAudience;
                options.RequireHttpsMetadata = !(environment.IsDevelopment() || environment.IsEnvironment("Testing"));
                options.MapInboundClaims = false;
                options.SaveToken = false;
                options.IncludeErrorDetails = false;
                options.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidAudience = options.Audience,
                    ValidTypes = ["at+jwt"],
                    ValidAlgorithms = Algorithms,
                    NameClaimType = "sub",
                    RoleClaimType = "role",
                    RequireExpirationTime = true,
                    RequireSignedTokens = true,
                    ClockSkew = TimeSpan.FromSeconds(30),
                };
                options.Events = new JwtBearerEvents
                {
                    // Tokens come from the Authorization header only: never from ?access_token= in a URL.
                    OnMessageReceived = _ => Task.CompletedTask,
                    OnTokenValidated = RejectRevokedOrMemberless,
                    OnChallenge = WriteChallengeAsync,
                };
            });

        services.AddSingleton<IAuthorizationHandler, ScopeRequirementHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ProblemAuthorizationResultHandler>();
        services.AddAuthorization(ApiPolicies.Add);
        return services;
    }

    private static async Task RejectRevokedOrMemberless(TokenValidatedContext context)
    {
        var principal = context.Principal!;
        if (string.IsNullOrEmpty(principal.FindFirst(Caller.MemberIdClaim)?.Value) || string.IsNullOrEmpty(principal.FindFirst("sub")?.Value))
        {
            context.Fail("The token names no member.");
            return;
        }

        // Identity keeps an entry per access token in the shared database and marks it when the token
        // is revoked (or its code or refresh token replayed); honour that before expiry, from the
        // revocation set every node keeps in memory (within Exchange:Auth:RevocationRefresh).
        var services = context.HttpContext.RequestServices;
        if (await services.GetRequiredService<RevokedAccessTokens>().IsRevokedAsync(
            principal, services.GetRequiredService<ExchangeDbContext>, context.HttpContext.RequestAborted))
        {
            context.Fail("The token has been revoked.");
        }
    }

    private static async Task WriteChallengeAsync(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        var badToken = context.AuthenticateFailure is not null;
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = badToken ? "Bearer error=\"invalid_token\"" : "Bearer";
        await Problems.WriteAsync(context.HttpContext, StatusCodes.Status401Unauthorized, "Unauthorized",
            badToken ? "The access token is invalid or expired." : "An access token is required.", badToken ? "invalid_token" : "token_missing");
    }
}

/// <summary>Answers refused authorization with problem details; a missing scope also says so in WWW-Authenticate (RFC 6750).</summary>
public sealed class ProblemAuthorizationResultHandler(ILogger<ProblemAuthorizationResultHandler> logger) : IAuthorizationMiddlewareResultHandler
{
    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Challenged)
        {
            await context.ChallengeAsync(JwtBearerDefaults.AuthenticationScheme);
            return;
        }

        if (authorizeResult.Forbidden)
        {
            var caller = Caller.From(context.User);
            var scope = authorizeResult.AuthorizationFailure?.FailedRequirements.OfType<ScopeRequirement>().FirstOrDefault();
            // Ids and the route only: never a token, a body or personal data.
            logger.LogInformation("Denied {Method} {Route} to member {Member} actor {Actor}: {Reason}",
                context.Request.Method, context.GetEndpoint()?.DisplayName, caller?.MemberId, caller?.ActorId, scope is null ? "role" : "scope");
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            if (scope is not null)
            {
                context.Response.Headers.WWWAuthenticate = $"Bearer error=\"insufficient_scope\", scope=\"{string.Join(' ', scope.AnyOf)}\"";
            }

            await Problems.WriteAsync(context, StatusCodes.Status403Forbidden, "Forbidden",
                scope is null ? "The caller's role does not allow this operation." : "The access token's scope does not allow this operation.",
                scope is null ? Exchange.Core.Cases.RefusalCodes.RoleRequired : "insufficient_scope");
            return;
        }

        await next(context);
    }
}
