using System.Security.Cryptography;
using System.Text;
using Exchange.Core.Identity;
using Microsoft.IdentityModel.Tokens;

namespace Exchange.Identity.Protocol;

/// <summary>grant_type=authorization_code (RFC 6749 section 4.1.3) with PKCE S256 (RFC 7636 section 4.6).</summary>
public sealed class AuthorizationCodeGrant(GrantStore grants, UserTokens userTokens, TimeProvider clock, ILogger<AuthorizationCodeGrant> logger)
{
    public async Task<IResult> RedeemAsync(OAuthClient client, IFormCollection form, CancellationToken cancellationToken)
    {
        var code = form["code"].ToString();
        if (code.Length == 0)
        {
            return OAuthJsonResult.Error(OAuthErrors.InvalidRequest, "code is missing.");
        }

        var grant = await grants.FindAsync(GrantStore.CodeType, code, cancellationToken);
        // Another client's code is answered exactly like an unknown one, and is not burnt by the attempt.
        if (grant == null || grant.ClientId != client.ClientId)
        {
            return OAuthJsonResult.Error(OAuthErrors.InvalidGrant);
        }

        if (!await grants.TryConsumeAsync(grant, cancellationToken))
        {
            // RFC 6749 section 4.1.2: a code used twice revokes what its first use issued.
            logger.LogWarning("Authorization code replayed by client {ClientId}; revoking its token family", client.ClientId);
            await grants.RevokeFamilyAsync(grant, cancellationToken);
            return OAuthJsonResult.Error(OAuthErrors.InvalidGrant);
        }

        var data = GrantStore.Read(grant);
        if (grant.ExpiresAt <= clock.GetUtcNow().UtcDateTime)
        {
            return OAuthJsonResult.Error(OAuthErrors.InvalidGrant, "The code has expired.");
        }

        if (!string.Equals(form["redirect_uri"].ToString(), data.RedirectUri, StringComparison.Ordinal))
        {
            return OAuthJsonResult.Error(OAuthErrors.InvalidGrant, "redirect_uri differs from the authorization request.");
        }

        if (!VerifierMatches(form["code_verifier"].ToString(), data.CodeChallenge))
        {
            return OAuthJsonResult.Error(OAuthErrors.InvalidGrant, "The code verifier does not match.");
        }

        if (await userTokens.ActiveUserAsync(grant, data) is not { } user)
        {
            return OAuthJsonResult.Error(OAuthErrors.InvalidGrant);
        }

        return await userTokens.IssueAsync(client, user, grant, data, data.Scopes, data.AccessTokenJti, includeNonce: true, cancellationToken);
    }

    /// <summary>RFC 7636 section 4.1 and 4.6: 43..128 unreserved characters whose S256 is the challenge. No challenge, no match.</summary>
    public static bool VerifierMatches(string verifier, string? challenge)
    {
        if (challenge == null || !PkceFormat.IsValid(verifier))
        {
            return false;
        }

        var computed = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(computed), Encoding.ASCII.GetBytes(challenge));
    }
}

public static class PkceFormat
{
    /// <summary>43..128 characters of [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~" (RFC 7636 sections 4.1 and 4.2).</summary>
    public static bool IsValid(string? value) =>
        value is { Length: >= 43 and <= 128 } && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~');
}
