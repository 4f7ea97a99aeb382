using System.Globalization;
using System.Threading.RateLimiting;
using Exchange.Core.Data;
using Exchange.Core.Identity;
using Exchange.Core.Mail;
using Exchange.Identity.Account;
using Exchange.Identity.Admin;
using Exchange.Identity.Configuration;
using Exchange.Identity.Keys;
using Exchange.Identity.RateLimits;
using Exchange.Identity.Server;
using Microsoft.AspNetCore.Antiforgery;
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
        // Settings are read when options are built, not here: tests and hosts may still add configuration.
        services.AddIdentityCore<ExchangeUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 12;
                o.Lockout.AllowedForNewUsers = true;
                o.ClaimsIdentity.UserIdClaimType = "sub";
                o.ClaimsIdentity.SecurityStampClaimType = LoginEndpoints.SecurityStampClaim;
            })
            .AddRoles<IdentityRole<Guid>>()
            .AddEntityFrameworkStores<ExchangeDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders()
            .AddTokenProvider<InvitationTokenProvider>(InvitationTokenProvider.ProviderName);
        services.AddOptions<DataProtectionTokenProviderOptions>().Configure<IOptions<IdentityServerOptions>>((o, settings) =>
            o.TokenLifespan = settings.Value.PasswordResetLifetime);
        services.AddOptions<InvitationTokenProviderOptions>().Configure<IOptions<IdentityServerOptions>>((o, settings) =>
        {
            o.Name = InvitationTokenProvider.ProviderName;
            o.TokenLifespan = settings.Value.InvitationLifetime;
        });
        services.AddExchangeMail();
        services.AddSingleton<AccountMailer>();
        services.AddHostedService(sp => sp.GetRequiredService<AccountMailer>());
        services.AddOptions<IdentityOptions>().Configure<IOptions<IdentityServerOptions>>((o, settings) =>
        {
            o.Lockout.MaxFailedAccessAttempts = settings.Value.MaxFailedPasswordAttempts;
            o.Lockout.DefaultLockoutTimeSpan = settings.Value.LockoutDuration;
        });

        services.AddAuthentication(SessionScheme).AddCookie(SessionScheme);
        services.AddIdentityBearer();
        services.AddExchangeOpenIddict();
        // The __Host- prefix needs the Secure flag, which browsers only accept over HTTPS: over plain
        // HTTP (local development) the cookies go without the prefix rather than being dropped.
        services.AddOptions<CookieAuthenticationOptions>(SessionScheme).Configure<IOptions<IdentityServerOptions>>((o, settings) =>
        {
            var https = settings.Value.IsHttps;
            o.Cookie.Name = https ? "__Host-exchange-identity" : "exchange-identity";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.Path = "/";
            o.Cookie.SecurePolicy = https ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
            o.LoginPath = LoginEndpoints.LoginPath;
        });
        services.AddAuthorization(Admin.AdminEndpoints.AddAdminPolicy);
        services.AddAntiforgery();
        services.AddOptions<AntiforgeryOptions>().Configure<IOptions<IdentityServerOptions>>((o, settings) =>
        {
            var https = settings.Value.IsHttps;
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
            o.AddPolicy(LoginEndpoints.RateLimitPolicy, context =>
            {
                var permits = context.RequestServices.GetRequiredService<IOptions<IdentityServerOptions>>().Value.LoginAttemptsPerIpPerMinute;
                return RateLimitPartition.GetFixedWindowLimiter(
                    context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
            });
            o.AddPolicy(PasswordEndpoints.ForgotRateLimitPolicy, context =>
            {
                var permits = context.RequestServices.GetRequiredService<IOptions<IdentityServerOptions>>().Value.PasswordResetRequestsPerIpPerMinute;
                return RateLimitPartition.GetFixedWindowLimiter(
                    context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
            });
        });

        services.AddSingleton<TokenRateLimiter>();
        services.AddHostedService<PortalClientRegistration>();
        services.AddHostedService<SigningKeyWarmUp>();
        services.AddHostedService<TokenPruning>();
        return builder;
    }

    public static WebApplication MapIdentity(this WebApplication app)
    {
        // Before authentication: OpenIddict's server runs inside it and must see current keys.
        app.UseMiddleware<ProtocolGuard>();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();

        app.MapProtocolEndpoints();

        app.MapGet(LoginEndpoints.LoginPath, LoginEndpoints.Show);
        app.MapPost(LoginEndpoints.LoginPath, LoginEndpoints.SubmitAsync).RequireRateLimiting(LoginEndpoints.RateLimitPolicy).DisableAntiforgery();
        app.MapPost(LoginEndpoints.SecondFactorPath, LoginEndpoints.SubmitSecondFactorAsync).RequireRateLimiting(LoginEndpoints.RateLimitPolicy).DisableAntiforgery();
        app.MapGet(TwoFactorEndpoints.Path, TwoFactorEndpoints.ShowAsync);
        app.MapPost(TwoFactorEndpoints.Path, TwoFactorEndpoints.EnableAsync).RequireRateLimiting(LoginEndpoints.RateLimitPolicy).DisableAntiforgery();
        app.MapGet(PasswordEndpoints.SetPath, PasswordEndpoints.ShowSetAsync);
        app.MapPost(PasswordEndpoints.SetPath, PasswordEndpoints.SubmitSetAsync).RequireRateLimiting(LoginEndpoints.RateLimitPolicy).DisableAntiforgery();
        app.MapGet(PasswordEndpoints.ForgotPath, PasswordEndpoints.ShowForgot);
        app.MapPost(PasswordEndpoints.ForgotPath, PasswordEndpoints.SubmitForgotAsync).RequireRateLimiting(PasswordEndpoints.ForgotRateLimitPolicy).DisableAntiforgery();
        app.MapGet(PasswordEndpoints.ChangePath, PasswordEndpoints.ShowChangeAsync);
        app.MapPost(PasswordEndpoints.ChangePath, PasswordEndpoints.SubmitChangeAsync).RequireRateLimiting(LoginEndpoints.RateLimitPolicy).DisableAntiforgery();
        app.MapGet(HtmlPage.StylesheetPath, HtmlPage.Stylesheet);
        app.MapGet(HtmlPage.IconPath, HtmlPage.Favicon);
        app.MapAdminEndpoints();
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
                 || (issuer.Scheme != Uri.UriSchemeHttps && issuer.Scheme != Uri.UriSchemeHttp))
        {
            failures.Add("Exchange:Identity:Issuer must be an absolute URL without query or fragment.");
        }
        else if (issuer.Scheme == Uri.UriSchemeHttp && environment.IsProduction() && !options.AllowHttpIssuer)
        {
            // OAuth needs TLS (RFC 6749 section 1.6). Behind a TLS-terminating proxy on a private
            // network an operator may say so explicitly.
            failures.Add("Exchange:Identity:Issuer is http in Production. Use https, or set Exchange:Identity:AllowHttpIssuer=true where TLS ends in front of Identity.");
        }

        if (options.SigningKeyPrePublish >= options.SigningKeyLifetime)
        {
            failures.Add("Exchange:Identity:SigningKeyPrePublish must be shorter than SigningKeyLifetime.");
        }

        if (options.SigningKeyRefresh <= TimeSpan.Zero || options.SigningKeyRefresh >= options.SigningKeyPrePublish)
        {
            failures.Add("Exchange:Identity:SigningKeyRefresh must be positive and shorter than SigningKeyPrePublish, so every node publishes the next key before it signs.");
        }

        if (options.InvitationLifetime <= TimeSpan.Zero || options.PasswordResetLifetime <= TimeSpan.Zero || options.PasswordResetLifetime > TimeSpan.FromDays(1))
        {
            failures.Add("Exchange:Identity:InvitationLifetime must be positive, and PasswordResetLifetime positive and at most a day.");
        }

        if (options.ClientSecretOverlap < TimeSpan.Zero || options.ClientSecretOverlap > TimeSpan.FromDays(7))
        {
            failures.Add("Exchange:Identity:ClientSecretOverlap must be between 0 and 7 days.");
        }

        if (options.AccessTokenLifetime <= TimeSpan.Zero || options.RefreshTokenSlidingLifetime > options.RefreshTokenAbsoluteLifetime)
        {
            failures.Add("Exchange:Identity token lifetimes are inconsistent.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
