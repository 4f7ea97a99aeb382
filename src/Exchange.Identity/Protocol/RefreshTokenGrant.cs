using Exchange.Core.Identity;

namespace Exchange.Identity.Protocol;

/// <summary>
/// grant_type=refresh_token (RFC 6749 section 6) with rotation: each use returns a new refresh
/// token, and presenting a used one again revokes the whole family (RFC 9700 section 4.14.2).
/// </summary>
public sealed class RefreshTokenGrant(GrantStore grants, UserTokens userTokens, TimeProvider clock, ILogger<RefreshTokenGrant> logger)
{
    public async Task<IResult> RedeemAsync(OAuthClient client, IFormCollection form, CancellationToken cancellationToken)
    {
        var handle = form["refresh_token"].ToString();
        if (handle.Length == 0)
        {
            return OAuthJsonResult.Error(OAuthErrors.InvalidRequest, "refresh_token is missing.");
        }

        var grant = await grants.FindAsync(GrantStore.RefreshType, handle, cancellationToken);
        if (grant == null || grant.ClientId != client.ClientId || grant.RevokedAt != null)
        {
            return OAuthJsonResult.Error(OAuthErrors.InvalidGrant);
        }

        var data = GrantStore.Read(grant);
        var now = clock.GetUtcNow().UtcDateTime;
        if (grant.ExpiresAt <= now || data.AbsoluteExpiresAt <= now)
        {
            return OAuthJsonResult.Error(OAuthErrors.InvalidGrant, "The refresh token has expired.");
        }

        var requested = ScopeParser.Parse(form["scope"]);
        if (requested == null || requested.Any(s => !data.Scopes.Contains(s)))
        {
            return OAuthJsonResult.Error(OAuthErrors.InvalidScope, "A refresh cannot widen the original scope.");
        }

        if (grant.ConsumedAt != null || !await grants.TryConsumeAsync(grant, cancellationToken))
        {
            logger.LogWarning("Refresh token reused by client {ClientId}; revoking its family", client.ClientId);
            await grants.RevokeFamilyAsync(grant, cancellationToken);
            return OAuthJsonResult.Error(OAuthErrors.InvalidGrant);
        }

        if (await userTokens.ActiveUserAsync(grant, data) is not { } user)
        {
            return OAuthJsonResult.Error(OAuthErrors.InvalidGrant);
        }

        // The new refresh token keeps the original scope (RFC 6749 section 6); only this access token is narrowed.
        var scopes = requested.Count > 0 ? requested : data.Scopes;
        return await userTokens.IssueAsync(client, user, grant, data, scopes, accessTokenJti: null, includeNonce: false, cancellationToken);
    }
}
