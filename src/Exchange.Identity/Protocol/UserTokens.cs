using Exchange.Core.Identity;
using Microsoft.AspNetCore.Identity;

namespace Exchange.Identity.Protocol;

/// <summary>The tokens a user's grant yields, shared by the authorization code and refresh token grants.</summary>
public sealed class UserTokens(UserManager<ExchangeUser> users, TokenService tokens, GrantStore grants, TimeProvider clock, Microsoft.Extensions.Options.IOptions<Configuration.IdentityServerOptions> options)
{
    /// <summary>The user behind a grant, if it may still get tokens: active, not locked out, password unchanged.</summary>
    public async Task<ExchangeUser?> ActiveUserAsync(PersistedGrant grant, GrantData data)
    {
        if (grant.SubjectId == null || await users.FindByIdAsync(grant.SubjectId) is not { IsActive: true } user)
        {
            return null;
        }

        if (await users.IsLockedOutAsync(user) || !string.Equals(user.SecurityStamp, data.SecurityStamp, StringComparison.Ordinal))
        {
            return null;
        }

        return user;
    }

    /// <summary>A token never carries more than the user's current roles allow.</summary>
    public static List<string> Permitted(IEnumerable<string> scopes, IEnumerable<string> roles)
    {
        var byRole = Scopes.ForRoles(roles);
        return scopes.Where(s => ScopeParser.Identity.Contains(s) || byRole.Contains(s)).ToList();
    }

    public async Task<IResult> IssueAsync(
        OAuthClient client, ExchangeUser user, PersistedGrant grant, GrantData data, IReadOnlyList<string> requestedScopes,
        string? accessTokenJti, bool includeNonce, CancellationToken cancellationToken)
    {
        var roles = (await users.GetRolesAsync(user)).Order(StringComparer.Ordinal).ToList();
        var scopes = Permitted(requestedScopes, roles);
        var subject = user.Id.ToString();
        var access = await tokens.CreateAccessTokenAsync(
            new TokenSubject(subject, client.ClientId, user.MemberId, roles, scopes), accessTokenJti, cancellationToken);

        string? refreshToken = null;
        if (data.Scopes.Contains(ScopeParser.OfflineAccess) && client.AllowedGrantTypes.Contains(GrantTypes.RefreshToken))
        {
            var settings = options.Value;
            var now = clock.GetUtcNow().UtcDateTime;
            var absolute = data.AbsoluteExpiresAt ?? now + settings.RefreshTokenAbsoluteLifetime;
            var sliding = now + settings.RefreshTokenSlidingLifetime;
            refreshToken = await grants.CreateAsync(
                GrantStore.RefreshType, client.ClientId, subject, grant.FamilyId,
                data with { Scopes = data.Scopes, AbsoluteExpiresAt = absolute, AccessTokenJti = null, CodeChallenge = null, RedirectUri = null, Nonce = null },
                sliding < absolute ? sliding : absolute, cancellationToken);
            // A replay of the code may have revoked the family while this token was being made.
            if (await grants.IsRevokedAsync(grant.KeyHash, cancellationToken))
            {
                await grants.RevokeFamilyAsync(grant, cancellationToken);
                return OAuthJsonResult.Error(OAuthErrors.InvalidGrant);
            }
        }

        string? idToken = null;
        if (scopes.Contains(ScopeParser.OpenId))
        {
            idToken = await tokens.CreateIdTokenAsync(
                subject, client.ClientId, data.AuthTime, includeNonce ? data.Nonce : null, data.SessionId, access.Token,
                ProfileClaims(user, roles, scopes), cancellationToken);
        }

        return TokenEndpoint.TokenResponse(access, scopes, refreshToken, idToken);
    }

    /// <summary>The user claims an ID token and userinfo carry for the granted scopes; member and roles always, the portal needs them.</summary>
    public static Dictionary<string, object> ProfileClaims(ExchangeUser user, IReadOnlyList<string> roles, IReadOnlyCollection<string> scopes)
    {
        var claims = new Dictionary<string, object> { ["member_id"] = user.MemberId };
        if (roles.Count > 0)
        {
            claims["role"] = roles.ToArray();
        }

        if (scopes.Contains(ScopeParser.Profile))
        {
            claims["name"] = user.DisplayName;
        }

        if (scopes.Contains(ScopeParser.Email) && user.Email != null)
        {
            claims["email"] = user.Email;
            claims["email_verified"] = user.EmailConfirmed;
        }

        return claims;
    }
}
