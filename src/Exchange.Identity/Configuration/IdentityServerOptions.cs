namespace Exchange.Identity.Configuration;

/// <summary>The authorization server's settings (section <c>Exchange:Identity</c>).</summary>
public sealed class IdentityServerOptions
{
    public const string Section = "Exchange:Identity";

    /// <summary>
    /// The issuer identifier, exactly as it appears in discovery and in every token's <c>iss</c>.
    /// Required in Production; elsewhere it defaults to WebApplicationFactory's base address.
    /// </summary>
    public string? Issuer { get; set; }

    /// <summary>Production refuses an http issuer unless this says TLS ends in front of Identity.</summary>
    public bool AllowHttpIssuer { get; set; }

    public string Audience { get; set; } = "exchange-api";

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(10);
    public TimeSpan IdTokenLifetime { get; set; } = TimeSpan.FromMinutes(5);
    public TimeSpan AuthorizationCodeLifetime { get; set; } = TimeSpan.FromMinutes(2);
    /// <summary>How long an unused refresh token lives; each rotation slides it, capped by the absolute lifetime.</summary>
    public TimeSpan RefreshTokenSlidingLifetime { get; set; } = TimeSpan.FromHours(12);
    public TimeSpan RefreshTokenAbsoluteLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>How long one signing key signs before the next one takes over.</summary>
    public TimeSpan SigningKeyLifetime { get; set; } = TimeSpan.FromDays(30);
    /// <summary>How long the next key is in the JWKS before it signs, so every relying party's cache has it.</summary>
    public TimeSpan SigningKeyPrePublish { get; set; } = TimeSpan.FromDays(2);
    /// <summary>
    /// How long a node trusts its copy of the keys before it looks for keys another node made: the
    /// bound on how late a node publishes a key another node announced (far inside the pre-publication).
    /// </summary>
    public TimeSpan SigningKeyRefresh { get; set; } = TimeSpan.FromMinutes(1);

    public string? PortalClientSecret { get; set; }
    public string? PortalRedirectUri { get; set; }
    public string? PortalPostLogoutRedirectUri { get; set; }

    /// <summary>All requests of one client id to the token, revocation and introspection endpoints.</summary>
    public int TokenRequestsPerClientPerMinute { get; set; } = 1200;
    /// <summary>Failed client authentications for one client id from one address before that pair is refused for the rest of the minute.</summary>
    public int FailedClientAuthenticationsPerMinute { get; set; } = 10;
    /// <summary>Failed client authentications from one address, whatever client ids it claims, before the address is refused for the rest of the minute.</summary>
    public int FailedClientAuthenticationsPerAddressPerMinute { get; set; } = 50;
    public int LoginAttemptsPerIpPerMinute { get; set; } = 30;
    public int MaxFailedPasswordAttempts { get; set; } = 5;
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long the link in an invitation lets the invited user set their first password (once).</summary>
    public TimeSpan InvitationLifetime { get; set; } = TimeSpan.FromDays(3);
    /// <summary>How long the link in a password-reset mail works (once).</summary>
    public TimeSpan PasswordResetLifetime { get; set; } = TimeSpan.FromMinutes(30);
    /// <summary>"Forgot password" requests from one address per minute; beyond that 429, whatever the address asked about.</summary>
    public int PasswordResetRequestsPerIpPerMinute { get; set; } = 5;
    /// <summary>How long a client's previous secret keeps working after a rotation that does not say otherwise.</summary>
    public TimeSpan ClientSecretOverlap { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The issuer without a trailing slash, which endpoint addresses are built on.</summary>
    public string IssuerUri => (Issuer ?? "http://localhost").TrimEnd('/');

    public bool IsHttps => IssuerUri.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    /// <summary>Retired keys stay published until every token they signed has expired.</summary>
    public TimeSpan SigningKeyRetention =>
        (AccessTokenLifetime > IdTokenLifetime ? AccessTokenLifetime : IdTokenLifetime) + TimeSpan.FromMinutes(5);
}
