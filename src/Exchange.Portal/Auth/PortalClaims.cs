using System.Security.Claims;
using Exchange.Core.Identity;

namespace Exchange.Portal.Auth;

/// <summary>The claim names the portal reads (those of Exchange.Identity's tokens), and helpers over them.</summary>
public static class PortalClaims
{
    public const string Subject = "sub";
    public const string Name = "name";
    public const string MemberId = "member_id";
    public const string Role = "role";

    public static string? MemberOf(this ClaimsPrincipal user) => user.FindFirst(MemberId)?.Value;

    public static string DisplayName(this ClaimsPrincipal user) => user.FindFirst(Name)?.Value ?? "Signed in";

    private static readonly IReadOnlyDictionary<string, string> RoleLabels = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [Roles.Engineer] = "Engineer",
        [Roles.MemberAdmin] = "Member admin",
        [Roles.LegalAdmin] = "Legal admin",
        [Roles.PrivacyOfficer] = "Privacy officer",
        [Roles.Operator] = "Operator",
        [Roles.OperatorAdmin] = "Operator admin",
    };

    /// <summary>The person's roles in words, in the order <see cref="Roles.All"/> lists them (shown in the header).</summary>
    public static IEnumerable<string> RoleNames(this ClaimsPrincipal user) =>
        Roles.All.Where(user.IsInRole).Select(role => RoleLabels[role]);
}

/// <summary>Names of the authentication schemes and authorisation policies of the portal.</summary>
public static class PortalAuth
{
    public const string CookieScheme = "portal-cookie";
    public const string IdentityScheme = "exchange-identity";
    /// <summary>The HTTP client the portal calls Identity's token and revocation endpoints with.</summary>
    public const string IdentityHttpClient = "identity";

    public const string EngineerPolicy = "engineer";
    public const string OperatorPolicy = "operator";
    public const string MemberAdminPolicy = "member-admin";
    public const string LegalAdminPolicy = "legal-admin";
    public const string PrivacyPolicy = "privacy-officer";
    public const string MemberPolicy = "member";
}

/// <summary>Identity's discovery document, as the OpenID Connect handler fetched and caches it.</summary>
public static class PortalSignIn
{
    public static async Task<Microsoft.IdentityModel.Protocols.OpenIdConnect.OpenIdConnectConfiguration> ConfigurationAsync(
        Microsoft.Extensions.Options.IOptionsMonitor<Microsoft.AspNetCore.Authentication.OpenIdConnect.OpenIdConnectOptions> options, CancellationToken cancellationToken)
    {
        var manager = options.Get(PortalAuth.IdentityScheme).ConfigurationManager
            ?? throw new InvalidOperationException("The OpenID Connect handler has no configuration manager.");
        return await manager.GetConfigurationAsync(cancellationToken);
    }
}
