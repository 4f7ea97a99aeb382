using Microsoft.AspNetCore.Identity;

namespace Exchange.Core.Identity;

/// <summary>A person who signs in to the portal: an engineer or admin of a member, or operator staff.</summary>
public sealed class ExchangeUser : IdentityUser<Guid>
{
    /// <summary>The member the user acts for; operator staff belong to <see cref="Members.Member.OperatorId"/>.</summary>
    public required string MemberId { get; set; }
    public required string DisplayName { get; set; }
    public bool IsActive { get; set; } = true;
    public DateTime CreatedAt { get; init; }
}

public static class Roles
{
    public const string Engineer = "engineer";
    public const string MemberAdmin = "member_admin";
    public const string LegalAdmin = "legal_admin";
    public const string PrivacyOfficer = "privacy_officer";
    public const string Operator = "operator";
    /// <summary>Operator staff who may also act on background jobs (retry, delete) in the jobs dashboard.</summary>
    public const string OperatorAdmin = "operator_admin";

    public static readonly IReadOnlyList<string> All = [Engineer, MemberAdmin, LegalAdmin, PrivacyOfficer, Operator, OperatorAdmin];
}

public static class Scopes
{
    public const string CasesRead = "cases:read";
    public const string CasesWrite = "cases:write";
    public const string AuthorisationsWrite = "authorisations:write";
    public const string AgreementsRead = "agreements:read";
    public const string AgreementsWrite = "agreements:write";
    public const string MemberAdmin = "member:admin";
    public const string WebhooksManage = "webhooks:manage";
    public const string Privacy = "privacy";
    public const string Operator = "operator";

    public static readonly IReadOnlyList<string> Api =
        [CasesRead, CasesWrite, AuthorisationsWrite, AgreementsRead, AgreementsWrite, MemberAdmin, WebhooksManage, Privacy, Operator];

    /// <summary>
    /// The API scopes a signed-in user may be granted, by role: a token never carries more
    /// than the user's roles allow, whatever the client asks for.
    /// </summary>
    public static IReadOnlySet<string> ForRoles(IEnumerable<string> roles)
    {
        var scopes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var role in roles)
        {
            scopes.UnionWith(role switch
            {
                Roles.Engineer => [CasesRead, CasesWrite, AuthorisationsWrite, AgreementsRead],
                Roles.MemberAdmin => [CasesRead, AgreementsRead, MemberAdmin, WebhooksManage],
                Roles.LegalAdmin => [AgreementsRead, AgreementsWrite],
                Roles.PrivacyOfficer => [Privacy, AgreementsRead],
                Roles.Operator or Roles.OperatorAdmin => [Operator, AgreementsRead],
                _ => [],
            });
        }

        return scopes;
    }
}

public enum ClientType
{
    /// <summary>Authenticates with a secret or a signed assertion.</summary>
    Confidential,
    /// <summary>Cannot keep a secret; PKCE only.</summary>
    Public,
}

/// <summary>An OAuth client: a member system (client credentials) or an interactive application such as the portal.</summary>
public sealed class OAuthClient
{
    public required string ClientId { get; init; }
    public required string DisplayName { get; set; }
    /// <summary>The member the client acts for; machine clients are bound to one member.</summary>
    public required string MemberId { get; init; }
    public ClientType Type { get; init; }
    /// <summary>SHA-256 of the secret: secrets are high-entropy random values, so a fast hash is safe.</summary>
    public string? SecretHash { get; set; }
    public string? PreviousSecretHash { get; set; }
    public DateTime? PreviousSecretExpiresAt { get; set; }
    /// <summary>
    /// Public keys (a JWK Set) the client signs its <c>private_key_jwt</c> assertions with, instead of
    /// a secret: a client has one kind of credential at a time (<see cref="ClientKeySet"/>).
    /// </summary>
    public string? JsonWebKeySet { get; set; }
    public List<string> AllowedGrantTypes { get; set; } = [];
    public List<string> AllowedScopes { get; set; } = [];
    public List<string> RedirectUris { get; set; } = [];
    public List<string> PostLogoutRedirectUris { get; set; } = [];
    /// <summary>Roles granted to tokens issued to the client itself (client credentials).</summary>
    public List<string> Roles { get; set; } = [];
    /// <summary>First-party clients skip consent.</summary>
    public bool FirstParty { get; init; }
    public bool IsActive { get; set; } = true;
    public DateTime CreatedAt { get; init; }
}

/// <summary>A token-signing key, private part encrypted with data protection, shared by every Identity node.</summary>
public sealed class SigningKey
{
    public required string KeyId { get; init; }
    public required string Algorithm { get; init; }
    public required string ProtectedPrivateKey { get; init; }
    public DateTime CreatedAt { get; init; }
    /// <summary>Published in the JWKS from creation; used for signing from this time.</summary>
    public DateTime ActivatesAt { get; init; }
    /// <summary>No longer used for signing after this time.</summary>
    public DateTime RetiresAt { get; init; }
    /// <summary>Removed from the JWKS after this time, once every token it signed has expired.</summary>
    public DateTime ExpiresAt { get; init; }
}

public static class GrantTypes
{
    public const string AuthorizationCode = "authorization_code";
    public const string RefreshToken = "refresh_token";
    public const string ClientCredentials = "client_credentials";
}
