using Exchange.Core.Identity;
using Exchange.Core.Members;
using Hangfire;
using Hangfire.Dashboard;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;

namespace Exchange.Jobs.Dashboard;

/// <summary>
/// Hangfire's dashboard at /hangfire, for operator staff only: signed in through Exchange.Identity
/// with OpenID Connect (client <see cref="JobsDashboardClient"/>), read-only for the operator role,
/// and with retry and delete for an operator admin. Everyone else is refused (403), anonymous callers
/// are sent to sign in.
/// </summary>
public static class DashboardExtensions
{
    public const string Path = "/hangfire";
    public const string CookieScheme = "jobs-cookie";
    public const string IdentityScheme = "exchange-identity";
    public const string StaffPolicy = "jobs-dashboard";

    public static void AddJobsDashboard(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<JobsDashboardOptions>().BindConfiguration(JobsDashboardOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = CookieScheme;
                o.DefaultChallengeScheme = IdentityScheme;
            })
            .AddCookie(CookieScheme, o =>
            {
                o.Cookie.Name = "exchange-jobs";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromHours(1);
                o.SlidingExpiration = true;
                o.Events.OnRedirectToAccessDenied = context =>
                {
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    return Task.CompletedTask;
                };
            })
            .AddOpenIdConnect(IdentityScheme, o =>
            {
                o.SignInScheme = CookieScheme;
                o.ResponseType = "code";
                // Identity answers with the code in the query only (response_mode=query).
                o.ResponseMode = "query";
                o.UsePkce = true;
                o.CallbackPath = "/signin-oidc";
                o.SaveTokens = false;
                o.GetClaimsFromUserInfoEndpoint = false;
                o.MapInboundClaims = false;
                o.TokenValidationParameters.NameClaimType = "name";
                o.TokenValidationParameters.RoleClaimType = "role";
                o.Scope.Clear();
                foreach (var scope in JobsDashboardClient.Scopes)
                {
                    o.Scope.Add(scope);
                }

                // The callback is a top-level GET from Identity, so Lax is enough; None would need Secure,
                // which plain-HTTP loopback development cannot give.
                o.CorrelationCookie.SameSite = SameSiteMode.Lax;
                o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.NonceCookie.SameSite = SameSiteMode.Lax;
                o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            });
        services.AddOptions<OpenIdConnectOptions>(IdentityScheme)
            .Configure<IOptions<JobsDashboardOptions>, IConfiguration>((o, dashboard, configuration) =>
            {
                var authority = (dashboard.Value.Authority ?? configuration["Exchange:Auth:Authority"] ?? "http://127.0.0.1:5001").TrimEnd('/');
                o.Authority = authority;
                o.RequireHttpsMetadata = authority.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
                o.ClientId = dashboard.Value.ClientId;
                o.ClientSecret = dashboard.Value.ClientSecret;
            });
        services.AddAuthorizationBuilder().AddPolicy(StaffPolicy, p => p
            .RequireAuthenticatedUser()
            .RequireClaim("member_id", Member.OperatorId)
            .RequireRole(Roles.Operator, Roles.OperatorAdmin));
        services.AddAntiforgery();
    }

    public static void MapJobsDashboard(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<JobsDashboardOptions>>().Value.Enabled)
        {
            return;
        }

        app.Use((context, next) =>
        {
            if (context.Request.Path.StartsWithSegments(Path))
            {
                // The dashboard loads its own scripts and styles and sets a few inline styles.
                context.Response.OnStarting(() =>
                {
                    context.Response.Headers.ContentSecurityPolicy =
                        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'";
                    context.Response.Headers.CacheControl = "no-store";
                    return Task.CompletedTask;
                });
            }

            return next(context);
        });
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapHangfireDashboard(Path, new DashboardOptions
        {
            // Access is the endpoint's authorization policy; Hangfire's own filter (local requests only) is replaced.
            Authorization = [],
            AsyncAuthorization = [],
            IsReadOnlyFunc = context => !context.GetHttpContext().User.IsInRole(Roles.OperatorAdmin),
            DisplayStorageConnectionString = false,
            DashboardTitle = "Exchange jobs",
            AppPath = null,
        }, app.Services.GetRequiredService<JobStorage>()).RequireAuthorization(StaffPolicy);
    }
}
