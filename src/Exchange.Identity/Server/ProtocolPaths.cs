namespace Exchange.Identity.Server;

/// <summary>The protocol endpoints, at Duende IdentityServer's paths (decision 0100), unchanged by the move to OpenIddict.</summary>
public static class ProtocolPaths
{
    public const string Discovery = "/.well-known/openid-configuration";
    public const string Jwks = "/.well-known/openid-configuration/jwks";
    public const string Authorize = "/connect/authorize";
    public const string Token = "/connect/token";
    public const string UserInfo = "/connect/userinfo";
    public const string Revocation = "/connect/revocation";
    public const string Introspection = "/connect/introspect";
    public const string EndSession = "/connect/endsession";

    public const string OpenId = "openid";
    public const string Profile = "profile";
    public const string Email = "email";
    public const string OfflineAccess = "offline_access";

    public static readonly IReadOnlyList<string> IdentityScopes = [OpenId, Profile, Email, OfflineAccess];

    /// <summary>Paths where a client authenticates: the throttle and the strict form rules apply here.</summary>
    public static bool IsClientEndpoint(PathString path) =>
        path.Equals(Token, StringComparison.OrdinalIgnoreCase)
        || path.Equals(Introspection, StringComparison.OrdinalIgnoreCase)
        || path.Equals(Revocation, StringComparison.OrdinalIgnoreCase);
}
