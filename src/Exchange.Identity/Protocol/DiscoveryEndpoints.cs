using Exchange.Core.Identity;
using Exchange.Identity.Configuration;
using Exchange.Identity.Keys;
using Microsoft.Extensions.Options;

namespace Exchange.Identity.Protocol;

/// <summary>OpenID Provider metadata (OIDC Discovery 1.0, RFC 8414) and the JWKS (RFC 7517), advertising only what is enforced.</summary>
public static class DiscoveryEndpoints
{
    public const string DiscoveryPath = "/.well-known/openid-configuration";
    public const string JwksPath = "/.well-known/openid-configuration/jwks";
    public const string AuthorizePath = "/connect/authorize";
    public const string TokenPath = "/connect/token";
    public const string UserInfoPath = "/connect/userinfo";
    public const string RevocationPath = "/connect/revocation";
    public const string IntrospectionPath = "/connect/introspect";
    public const string EndSessionPath = "/connect/endsession";

    /// <summary>Relying parties may cache the documents this long; the key pre-publication window is far longer.</summary>
    private const string CacheControl = "public, max-age=300";

    public static IResult Discovery(HttpContext context, IOptions<IdentityServerOptions> options)
    {
        var issuer = options.Value.IssuerUri;
        string[] authMethods = ["client_secret_basic", "client_secret_post"];
        context.Response.Headers.CacheControl = CacheControl;
        return Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = issuer,
            ["authorization_endpoint"] = issuer + AuthorizePath,
            ["token_endpoint"] = issuer + TokenPath,
            ["userinfo_endpoint"] = issuer + UserInfoPath,
            ["jwks_uri"] = issuer + JwksPath,
            ["revocation_endpoint"] = issuer + RevocationPath,
            ["introspection_endpoint"] = issuer + IntrospectionPath,
            ["end_session_endpoint"] = issuer + EndSessionPath,
            ["scopes_supported"] = ScopeParser.Identity.Concat(Scopes.Api).ToArray(),
            ["response_types_supported"] = new[] { "code" },
            ["response_modes_supported"] = new[] { "query" },
            ["grant_types_supported"] = new[] { GrantTypes.AuthorizationCode, GrantTypes.ClientCredentials, GrantTypes.RefreshToken },
            ["subject_types_supported"] = new[] { "public" },
            ["id_token_signing_alg_values_supported"] = new[] { SigningKeyService.Algorithm },
            ["token_endpoint_auth_methods_supported"] = authMethods.Append("none").ToArray(),
            ["revocation_endpoint_auth_methods_supported"] = authMethods,
            ["introspection_endpoint_auth_methods_supported"] = authMethods,
            ["code_challenge_methods_supported"] = new[] { "S256" },
            ["claims_supported"] = new[] { "sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "sid", "at_hash", "name", "email", "email_verified", "member_id", "role" },
            ["authorization_response_iss_parameter_supported"] = true,
            ["request_parameter_supported"] = false,
            ["request_uri_parameter_supported"] = false,
            ["claims_parameter_supported"] = false,
            ["prompt_values_supported"] = new[] { "none", "login" },
        });
    }

    public static async Task<IResult> Jwks(HttpContext context, SigningKeyService keys)
    {
        var published = await keys.GetPublishedKeysAsync(context.RequestAborted);
        context.Response.Headers.CacheControl = CacheControl;
        return Results.Json(new { keys = published.Select(SigningKeyService.PublicJwk).ToArray() }, contentType: "application/jwk-set+json; charset=utf-8");
    }
}
