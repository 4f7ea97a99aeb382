using Exchange.Core.Data;
using Exchange.Core.Identity;
using Exchange.Identity.Configuration;
using Exchange.Identity.Keys;
using Microsoft.Extensions.Options;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Exchange.Identity.Server;

/// <summary>
/// OpenIddict's server on the exchange database, at today's paths, held to the exchange's contract
/// (decision 0101): code + PKCE (S256 only), client credentials, refresh with rotation and no reuse
/// leeway, introspection, revocation, end session. The token, authorize, userinfo and end-session
/// endpoints pass through to our handlers, which decide who gets which claims; everything of the
/// protocol itself (parsing, client authentication, codes, refresh tokens, redemption, replay
/// detection, discovery, JWKS, response shapes) is OpenIddict's.
/// </summary>
public static class OpenIddictSetup
{
    public static IServiceCollection AddExchangeOpenIddict(this IServiceCollection services)
    {
        services.AddOpenIddict()
            .AddCore(core =>
            {
                core.UseEntityFrameworkCore().UseDbContext<ExchangeDbContext>();
                core.ReplaceApplicationManager<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreApplication, ClientApplications>();
            })
            .AddServer(server =>
            {
                server.SetAuthorizationEndpointUris(ProtocolPaths.Authorize.TrimStart('/'))
                    .SetTokenEndpointUris(ProtocolPaths.Token.TrimStart('/'))
                    .SetIntrospectionEndpointUris(ProtocolPaths.Introspection.TrimStart('/'))
                    .SetRevocationEndpointUris(ProtocolPaths.Revocation.TrimStart('/'))
                    .SetEndSessionEndpointUris(ProtocolPaths.EndSession.TrimStart('/'))
                    .SetConfigurationEndpointUris(ProtocolPaths.Discovery.TrimStart('/'))
                    .SetJsonWebKeySetEndpointUris(ProtocolPaths.Jwks.TrimStart('/'));

                server.AllowAuthorizationCodeFlow().AllowClientCredentialsFlow().AllowRefreshTokenFlow();
                server.RequireProofKeyForCodeExchange();
                server.RegisterScopes([.. ProtocolPaths.IdentityScopes, .. Exchange.Core.Identity.Scopes.Api]);
                server.RegisterClaims("sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "sid", "at_hash", "name", "email", "email_verified", "member_id", "role");
                server.RegisterAudiences(IdentityAudience);

                // A replayed refresh token revokes its family at once: no grace for a lost response.
                server.SetRefreshTokenReuseLeeway(TimeSpan.Zero);
                server.DisableAccessTokenEncryption();
                // Codes and refresh tokens are protected with data protection, whose key ring is in the
                // database: every node reads what another issued. Access and ID tokens are JWTs.
                server.UseDataProtection().PreferDefaultAccessTokenFormat();
                // Never used to encrypt anything (access tokens are not encrypted, codes and refresh tokens
                // use data protection); OpenIddict requires one to be registered.
                server.AddEphemeralEncryptionKey();

                server.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough()
                    // An error that cannot go back to the client is shown by our endpoint, as a page.
                    .EnableErrorPassthrough()
                    .SuppressJsonResponseIndentation()
                    .SetRealm("exchange");

                ServerHandlers.Register(server);
            });

        services.AddOptions<OpenIddictServerOptions>().Configure<IOptions<IdentityServerOptions>, TimeProvider>((o, settings, clock) =>
        {
            var value = settings.Value;
            // Exactly the configured issuer, without the trailing slash System.Uri would add to a bare
            // host: it is what every token and discovery said before, and what relying parties compare.
            o.Issuer = new Uri(value.IssuerUri, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
            o.TimeProvider = clock;
            o.AccessTokenLifetime = value.AccessTokenLifetime;
            o.IdentityTokenLifetime = value.IdTokenLifetime;
            o.AuthorizationCodeLifetime = value.AuthorizationCodeLifetime;
            o.RefreshTokenLifetime = value.RefreshTokenSlidingLifetime;
            // S256 only: plain is neither advertised nor accepted.
            o.CodeChallengeMethods.Clear();
            o.CodeChallengeMethods.Add(CodeChallengeMethods.Sha256);
            o.PromptValues.Clear();
            o.PromptValues.Add(PromptValues.None);
            o.PromptValues.Add(PromptValues.Login);
            o.ResponseModes.Clear();
            o.ResponseModes.Add(ResponseModes.Query);
        });
        // TLS is the issuer's: an http issuer is refused in Production unless TLS ends in front of
        // Identity (IdentityServerOptionsValidator), so OpenIddict need not check the scheme again.
        services.AddOptions<OpenIddict.Server.AspNetCore.OpenIddictServerAspNetCoreOptions>().Configure<IOptions<IdentityServerOptions>>((o, settings) =>
            o.DisableTransportSecurityRequirement = !settings.Value.IsHttps);
        services.AddSingleton<SigningKeyStore>();
        services.AddSingleton<SigningCredentialsConfiguration>();
        services.AddSingleton<IConfigureOptions<OpenIddictServerOptions>>(sp => sp.GetRequiredService<SigningCredentialsConfiguration>());
        services.AddSingleton<IPostConfigureOptions<OpenIddictServerOptions>>(sp => sp.GetRequiredService<SigningCredentialsConfiguration>());
        services.AddSingleton<IOptionsChangeTokenSource<OpenIddictServerOptions>>(sp => sp.GetRequiredService<SigningCredentialsConfiguration>());
        return services;
    }

    public const string IdentityAudience = "exchange-api";
}
