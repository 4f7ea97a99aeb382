using System.Security.Claims;
using Exchange.Core.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Exchange.Identity.Server;

/// <summary>The claims the exchange puts in its tokens, and which token each claim goes to.</summary>
public static class UserClaims
{
    public const string MemberId = "member_id";
    public const string Role = "role";
    /// <summary>Kept in codes and refresh tokens only: the password stamp at sign-in, and the refresh family's absolute end.</summary>
    public const string SecurityStamp = "exchange_stamp";
    public const string AbsoluteExpiry = "exchange_absolute_exp";

    /// <summary>A token never carries more than the user's current roles allow, whatever the client asks for.</summary>
    public static List<string> Permitted(IEnumerable<string> scopes, IEnumerable<string> roles)
    {
        var byRole = Exchange.Core.Identity.Scopes.ForRoles(roles);
        return scopes.Where(s => ProtocolPaths.IdentityScopes.Contains(s) || byRole.Contains(s)).Distinct(StringComparer.Ordinal).ToList();
    }

    public static ClaimsIdentity NewIdentity() =>
        new(TokenValidationParameters.DefaultAuthenticationType, Claims.Subject, Claims.Role);

    /// <summary>A signed-in user's principal for OpenIddict: subject, member, roles, profile by scope.</summary>
    public static async Task<ClaimsPrincipal> ForUserAsync(
        ExchangeUser user, UserManager<ExchangeUser> users, IReadOnlyCollection<string> requestedScopes, DateTimeOffset authTime, string? sessionId, DateTimeOffset absoluteExpiry)
    {
        var roles = (await users.GetRolesAsync(user)).Order(StringComparer.Ordinal).ToList();
        var scopes = Permitted(requestedScopes, roles);
        var identity = NewIdentity();
        identity.SetClaim(Claims.Subject, user.Id.ToString())
            .SetClaim(MemberId, user.MemberId)
            .SetClaim(Claims.AuthenticationTime, authTime.ToUnixTimeSeconds())
            .SetClaim(SecurityStamp, user.SecurityStamp)
            .SetClaim(AbsoluteExpiry, absoluteExpiry.ToUnixTimeSeconds());
        identity.SetClaims(Role, [.. roles]);
        if (sessionId != null)
        {
            identity.SetClaim("sid", sessionId);
        }

        // The API needs the person's name whatever the scopes: notes and the tombstone carry who wrote
        // them (name and the initials derived from it). The ID token gets it with `profile` only.
        identity.SetClaim(Claims.Name, user.DisplayName);
        var profile = scopes.Contains(ProtocolPaths.Profile);

        if (scopes.Contains(ProtocolPaths.Email) && user.Email != null)
        {
            identity.SetClaim(Claims.Email, user.Email).SetClaim(Claims.EmailVerified, user.EmailConfirmed);
        }

        var principal = new ClaimsPrincipal(identity);
        principal.SetScopes(scopes);
        principal.SetAudiences(OpenIddictSetup.IdentityAudience);
        principal.SetDestinations(claim => claim.Type == Claims.Name
            ? profile ? [Destinations.AccessToken, Destinations.IdentityToken] : [Destinations.AccessToken]
            : DestinationsOf(claim));
        return principal;
    }

    /// <summary>A member system acting for itself (client credentials): its member and roles, no user.</summary>
    public static ClaimsPrincipal ForClient(OAuthClient client, IReadOnlyCollection<string> scopes)
    {
        var identity = NewIdentity();
        identity.SetClaim(Claims.Subject, client.ClientId).SetClaim(MemberId, client.MemberId);
        identity.SetClaims(Role, [.. client.Roles]);
        var principal = new ClaimsPrincipal(identity);
        principal.SetScopes(scopes);
        principal.SetAudiences(OpenIddictSetup.IdentityAudience);
        principal.SetDestinations(DestinationsOf);
        return principal;
    }

    /// <summary>
    /// Member and roles in both tokens (the API and the portal read them); profile claims in the ID token
    /// (a user's name also in the access token, see <see cref="ForUserAsync"/>); our bookkeeping in neither.
    /// </summary>
    private static IEnumerable<string> DestinationsOf(Claim claim) => claim.Type switch
    {
        Claims.Subject or MemberId or Role => [Destinations.AccessToken, Destinations.IdentityToken],
        Claims.Name or Claims.Email or Claims.EmailVerified or Claims.AuthenticationTime or "sid" => [Destinations.IdentityToken],
        _ => [],
    };

    /// <summary>The claims userinfo answers with for a user and the scopes of the access token.</summary>
    public static async Task<Dictionary<string, object>> UserInfoAsync(ExchangeUser user, UserManager<ExchangeUser> users, IReadOnlyCollection<string> scopes)
    {
        var roles = (await users.GetRolesAsync(user)).Order(StringComparer.Ordinal).ToArray();
        var claims = new Dictionary<string, object> { [Claims.Subject] = user.Id.ToString(), [MemberId] = user.MemberId };
        if (roles.Length > 0)
        {
            claims[Role] = roles;
        }

        if (scopes.Contains(ProtocolPaths.Profile))
        {
            claims[Claims.Name] = user.DisplayName;
        }

        if (scopes.Contains(ProtocolPaths.Email) && user.Email != null)
        {
            claims[Claims.Email] = user.Email;
            claims[Claims.EmailVerified] = user.EmailConfirmed;
        }

        return claims;
    }
}
