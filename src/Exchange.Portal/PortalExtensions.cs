using Exchange.Core.Identity;
using Exchange.Portal.Api;
using Exchange.Portal.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Exchange.Portal;

public static class PortalExtensions
{
    public static readonly string[] SecretSettings = ["Exchange:Portal:ClientSecret"];

    public static WebApplicationBuilder AddPortalServices(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<PortalOptions>().BindConfiguration(PortalOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PortalAuthOptions>().BindConfiguration(PortalAuthOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        services.AddMemoryCache();
        services.AddHttpContextAccessor();
        services.AddHttpClient(PortalAuth.IdentityHttpClient, c => c.Timeout = TimeSpan.FromSeconds(15));
        services.AddSingleton<TokenRefresher>();
        services.AddSingleton<DatabaseTicketStore>();
        services.AddTransient<UserAccessTokenHandler>();
        services.AddHttpClient<ExchangeApi>((sp, http) =>
            {
                http.BaseAddress = new Uri(sp.GetRequiredService<IOptions<PortalOptions>>().Value.ApiBaseUrl.TrimEnd('/') + "/api/v1/");
                http.Timeout = TimeSpan.FromSeconds(30);
            })
            .AddHttpMessageHandler<UserAccessTokenHandler>();
        services.AddHttpClient<IdentityAdminApi>((sp, http) =>
            {
                http.BaseAddress = new Uri(sp.GetRequiredService<IOptions<PortalAuthOptions>>().Value.Authority.TrimEnd('/') + "/api/v1/");
                http.Timeout = TimeSpan.FromSeconds(30);
            })
            .AddHttpMessageHandler<UserAccessTokenHandler>();

        AddSignIn(builder);

        services.AddAuthorizationBuilder()
            .AddPolicy(PortalAuth.MemberPolicy, p => p.RequireAuthenticatedUser())
            .AddPolicy(PortalAuth.EngineerPolicy, p => p.RequireRole(Roles.Engineer))
            .AddPolicy(PortalAuth.CaseReaderPolicy, p => p.RequireRole(Roles.Engineer, Roles.MemberAdmin))
            .AddPolicy(PortalAuth.AgreementReaderPolicy, p => p.RequireRole(Roles.LegalAdmin, Roles.MemberAdmin))
            .AddPolicy(PortalAuth.MemberAdminPolicy, p => p.RequireRole(Roles.MemberAdmin))
            .AddPolicy(PortalAuth.LegalAdminPolicy, p => p.RequireRole(Roles.LegalAdmin))
            .AddPolicy(PortalAuth.PrivacyPolicy, p => p.RequireRole(Roles.PrivacyOfficer))
            .AddPolicy(PortalAuth.OperatorPolicy, p => p.RequireRole(Roles.Operator, Roles.OperatorAdmin));

        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "exchange-portal-af";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.HeaderName = null;
        });
        services.AddRazorPages(o =>
        {
            o.Conventions.AuthorizeFolder("/Cases", PortalAuth.CaseReaderPolicy);
            o.Conventions.AuthorizePage("/Cases/New", PortalAuth.EngineerPolicy);
            o.Conventions.AuthorizeFolder("/Authorisations", PortalAuth.EngineerPolicy);
            o.Conventions.AuthorizeFolder("/Admin", PortalAuth.MemberAdminPolicy);
            o.Conventions.AuthorizeFolder("/Agreements", PortalAuth.AgreementReaderPolicy);
            o.Conventions.AuthorizePage("/Agreements/New", PortalAuth.LegalAdminPolicy);
            o.Conventions.AuthorizeFolder("/Privacy", PortalAuth.PrivacyPolicy);
            o.Conventions.AuthorizeFolder("/Operator", PortalAuth.OperatorPolicy);
            o.Conventions.AuthorizePage("/Dashboard", PortalAuth.MemberPolicy);
            // Every POST of every page checks the antiforgery token, not only those that remember to.
            o.Conventions.ConfigureFilter(new AutoValidateAntiforgeryTokenAttribute());
        });
        services.Configure<RouteOptions>(o => o.LowercaseUrls = true);
        return builder;
    }

    private static void AddSignIn(WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = PortalAuth.CookieScheme;
                o.DefaultChallengeScheme = PortalAuth.IdentityScheme;
            })
            .AddCookie(PortalAuth.CookieScheme, o =>
            {
                o.Cookie.Name = "exchange-portal";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.CookieManager = new HostPrefixCookieManager();
                o.SlidingExpiration = true;
                o.AccessDeniedPath = "/access-denied";
                o.Events.OnValidatePrincipal = context =>
                    context.HttpContext.RequestServices.GetRequiredService<TokenRefresher>().ValidateAsync(context);
            })
            .AddOpenIdConnect(PortalAuth.IdentityScheme, o =>
            {
                // Endpoints and keys come from Identity's discovery document, refreshed on its own
                // (and at once when an id_token names a key not yet known: a rotation).
                o.Authority = builder.Configuration["Exchange:Auth:Authority"]?.TrimEnd('/') ?? "http://127.0.0.1:5001";
                o.ResponseType = OpenIdConnectResponseType.Code;
                // Identity answers in the query only (no form_post), so the callback is a top-level GET.
                o.ResponseMode = OpenIdConnectResponseMode.Query;
                o.UsePkce = true;
                o.CallbackPath = "/signin-oidc";
                o.SaveTokens = true;
                o.SignInScheme = PortalAuth.CookieScheme;
                o.MapInboundClaims = false;
                o.GetClaimsFromUserInfoEndpoint = false;
                o.TokenValidationParameters.NameClaimType = PortalClaims.Name;
                o.TokenValidationParameters.RoleClaimType = PortalClaims.Role;
                o.TokenValidationParameters.ValidAlgorithms =
                    [SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSsaPssSha256];
                o.Scope.Clear();
                foreach (var scope in new[] { "openid", "profile", "offline_access" }.Concat(Scopes.Api))
                {
                    o.Scope.Add(scope);
                }

                // The callback is a top-level GET from Identity, so Lax is enough; None would need Secure,
                // which plain-HTTP loopback development cannot give.
                o.CorrelationCookie.SameSite = SameSiteMode.Lax;
                o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.NonceCookie.SameSite = SameSiteMode.Lax;
                o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.Events.OnRemoteFailure = context =>
                {
                    context.HandleResponse();
                    context.Response.Redirect("/sign-in-failed");
                    return Task.CompletedTask;
                };
            });

        services.AddOptions<OpenIdConnectOptions>(PortalAuth.IdentityScheme)
            .Configure<IOptions<PortalOptions>, IOptions<PortalAuthOptions>>((o, portal, auth) =>
            {
                o.ClientId = portal.Value.ClientId;
                o.ClientSecret = portal.Value.ClientSecret;
                o.RequireHttpsMetadata = auth.Value.RequireHttpsMetadata && !IsLoopback(o.Authority);
            });
        services.AddOptions<CookieAuthenticationOptions>(PortalAuth.CookieScheme)
            .Configure<DatabaseTicketStore, IOptions<PortalOptions>>((o, store, portal) =>
            {
                o.SessionStore = store;
                o.ExpireTimeSpan = portal.Value.SessionIdleTimeout;
            });
    }

    public static WebApplication MapPortal(this WebApplication app)
    {
        var authority = app.Configuration["Exchange:Auth:Authority"];
        var identityOrigin = Uri.TryCreate(authority, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Authority) : "";
        // No inline script or style anywhere; forms may go to Identity (sign-out) and nowhere else.
        var csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
            + $"base-uri 'self'; form-action 'self' {identityOrigin}; frame-ancestors 'none'";
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                context.Response.Headers.ContentSecurityPolicy = csp;
                if (context.User.Identity?.IsAuthenticated == true)
                {
                    // Pages show case data: never keep them in a shared or back-button cache.
                    context.Response.Headers.CacheControl = "no-store";
                }

                return Task.CompletedTask;
            });
            return next(context);
        });

        app.UseStatusCodePagesWithReExecute("/status/{0}");
        app.UseStaticFiles();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapRazorPages();
        app.MapSignInEndpoints();
        return app;
    }

    private static void MapSignInEndpoints(this WebApplication app)
    {
        app.MapGet("/signin", (string? returnUrl, HttpContext context) =>
        {
            var target = IsLocal(returnUrl) ? returnUrl! : "/";
            return Results.Challenge(new AuthenticationProperties { RedirectUri = target }, [PortalAuth.IdentityScheme]);
        }).AllowAnonymous();
    }

    private static bool IsLoopback(string? url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.IsLoopback;

    internal static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal);
}
