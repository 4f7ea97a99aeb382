using Exchange.Identity.Configuration;
using Exchange.Identity.Keys;
using Exchange.Identity.Protocol;
using Microsoft.Extensions.Options;

namespace Exchange.Identity;

public static class IdentityExtensions
{
    /// <summary>The portal's client secret, which Identity registers the portal client with.</summary>
    public static readonly string[] SecretSettings = ["Exchange:Identity:PortalClientSecret"];

    public static WebApplicationBuilder AddIdentityServices(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<IdentityServerOptions>()
            .BindConfiguration(IdentityServerOptions.Section)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<IdentityServerOptions>>(new IdentityServerOptionsValidator(builder.Environment));

        services.AddSingleton<SigningKeyService>();
        services.AddSingleton<TokenService>();
        services.AddSingleton<TokenRateLimiter>();
        services.AddScoped<ClientAuthenticator>();
        return builder;
    }

    public static WebApplication MapIdentity(this WebApplication app)
    {
        app.MapGet(DiscoveryEndpoints.DiscoveryPath, DiscoveryEndpoints.Discovery).AllowAnonymous();
        app.MapGet(DiscoveryEndpoints.JwksPath, DiscoveryEndpoints.Jwks).AllowAnonymous();
        app.MapPost(DiscoveryEndpoints.TokenPath, TokenEndpoint.HandleAsync).AllowAnonymous().DisableAntiforgery();
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
