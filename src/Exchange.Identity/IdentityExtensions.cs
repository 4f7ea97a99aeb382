using System.Globalization;
using System.Threading.RateLimiting;
using Exchange.Core.Data;
using Exchange.Core.Identity;
using Exchange.Identity.Account;
using Exchange.Identity.Configuration;
using Exchange.Identity.Keys;
using Exchange.Identity.Protocol;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Exchange.Identity;

public static class IdentityExtensions
{
    /// <summary>The portal's client secret, which Identity registers the portal client with.</summary>
    public static readonly string[] SecretSettings = ["Exchange:Identity:PortalClientSecret"];

    /// <summary>Identity's own sign-in session (the cookie the login page sets), separate from any client's session.</summary>
    public const string SessionScheme = "exchange.identity";

    public static WebApplicationBuilder AddIdentityServices(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<IdentityServerOptions>()
            .BindConfiguration(IdentityServerOptions.Section)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<IdentityServerOptions>>(new IdentityServerOptionsValidator(builder.Environment));
        var settings = builder.Configuration.GetSection(IdentityServerOptions.Section).Get<IdentityServerOptions>() ?? new IdentityServerOptions();

        services.AddIdentityCore<ExchangeUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 12;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = settings.MaxFailedPasswordAttempts;
                o.Lockout.DefaultLockoutTimeSpan = settings.LockoutDuration;
                o.ClaimsIdentity.UserIdClaimType = "sub";
                o.ClaimsIdentity.SecurityStampClaimType = LoginEndpoints.SecurityStampClaim;
            })
            .AddRoles<IdentityRole<Guid>>()
            .AddEntityFrameworkStores<ExchangeDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders();

        // The __Host- prefix needs the Secure flag, which browsers only accept over HTTPS: over plain
        // HTTP (local development) the cookie goes without the prefix rather than being dropped.
        var https = settings.IssuerUri.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
        services.AddAuthentication(SessionScheme)
            .AddCookie(SessionScheme, o =>
            {
                o.Cookie.Name = https ? "__Host-exchange-identity" : "exchange-identity";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.Path = "/";
                o.Cookie.SecurePolicy = https ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.SlidingExpiration = true;
                o.LoginPath = LoginEndpoints.LoginPath;
            })
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, AccessTokenAuthenticationHandler>(AccessTokenAuthenticationHandler.SchemeName, null);
        services.AddAuthorization();
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = https ? "__Host-exchange-antiforgery" : "exchange-antiforgery";
            o.Cookie.SecurePolicy = https ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.FormFieldName = "__csrf";
        });

        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = (context, _) =>
            {
                var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
                context.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Exchange.Identity.RateLimit")
                    .LogWarning("Sign-in attempts throttled for {Path}", context.HttpContext.Request.Path.Value);
                return ValueTask.CompletedTask;
            };
            // Per client address; behind a proxy the address is the forwarded one only if the proxy is trusted (ExchangeHost).
            o.AddPolicy(LoginEndpoints.RateLimitPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = settings.LoginAttemptsPerIpPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        });

        services.AddSingleton<SigningKeyService>();
        services.AddSingleton<TokenService>();
        services.AddSingleton<TokenRateLimiter>();
        services.AddScoped<ClientAuthenticator>();
        services.AddScoped<GrantStore>();
        services.AddScoped<UserTokens>();
        services.AddScoped<AuthorizationCodeGrant>();
        services.AddScoped<RefreshTokenGrant>();
        services.AddHostedService<PortalClientRegistration>();
        return builder;
    }

    public static WebApplication MapIdentity(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();

        app.MapGet(DiscoveryEndpoints.DiscoveryPath, DiscoveryEndpoints.Discovery).AllowAnonymous();
        app.MapGet(DiscoveryEndpoints.JwksPath, DiscoveryEndpoints.Jwks).AllowAnonymous();
        app.MapPost(DiscoveryEndpoints.TokenPath, TokenEndpoint.HandleAsync).DisableAntiforgery();
        app.MapMethods(DiscoveryEndpoints.AuthorizePath, [HttpMethods.Get, HttpMethods.Post], AuthorizeEndpoint.HandleAsync).DisableAntiforgery();
        app.MapPost(DiscoveryEndpoints.RevocationPath, TokenManagementEndpoints.RevokeAsync).DisableAntiforgery();
        app.MapPost(DiscoveryEndpoints.IntrospectionPath, TokenManagementEndpoints.IntrospectAsync).DisableAntiforgery();
        app.MapMethods(DiscoveryEndpoints.UserInfoPath, [HttpMethods.Get, HttpMethods.Post], SessionEndpoints.UserInfoAsync)
            .RequireAuthorization(p => p.AddAuthenticationSchemes(AccessTokenAuthenticationHandler.SchemeName).RequireAuthenticatedUser())
            .DisableAntiforgery();
        app.MapMethods(DiscoveryEndpoints.EndSessionPath, [HttpMethods.Get, HttpMethods.Post], SessionEndpoints.EndSessionAsync).DisableAntiforgery();

        app.MapGet(LoginEndpoints.LoginPath, LoginEndpoints.Show);
        app.MapPost(LoginEndpoints.LoginPath, LoginEndpoints.SubmitAsync).RequireRateLimiting(LoginEndpoints.RateLimitPolicy).DisableAntiforgery();
        app.MapGet("/account/site.css", HtmlPage.Stylesheet);
        return app;
    }
}

internal sealed class IdentityServerOptionsValidator(IHostEnvironment environment) : IValidateOptions<IdentityServerOptions>
{
    public ValidateOptionsResult Validate(string? name, IdentityServerOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Issuer))
        {
            if (environment.IsProduction())
            {
                failures.Add("Exchange:Identity:Issuer must name this service's public URL in Production.");
            }
        }
        else if (!Uri.TryCreate(options.Issuer, UriKind.Absolute, out var issuer) || issuer.Query.Length > 0 || issuer.Fragment.Length > 0
                 || (issuer.Scheme != Uri.UriSchemeHttps && !(issuer.Scheme == Uri.UriSchemeHttp && !environment.IsProduction())))
        {
            failures.Add("Exchange:Identity:Issuer must be an absolute https URL without query or fragment.");
        }

        if (options.SigningKeyPrePublish >= options.SigningKeyLifetime)
        {
            failures.Add("Exchange:Identity:SigningKeyPrePublish must be shorter than SigningKeyLifetime.");
        }

        if (options.AccessTokenLifetime <= TimeSpan.Zero || options.RefreshTokenSlidingLifetime > options.RefreshTokenAbsoluteLifetime)
        {
            failures.Add("Exchange:Identity token lifetimes are inconsistent.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
