using Exchange.Core.Identity;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Exchange.Identity.Protocol;

/// <summary>/connect/revocation (RFC 7009) and /connect/introspect (RFC 7662): authenticated clients, their own tokens only.</summary>
public static class TokenManagementEndpoints
{
    public static async Task<IResult> RevokeAsync(HttpContext context, ClientAuthenticator authenticator, GrantStore grants, TokenService tokens)
    {
        var (client, token, error) = await ReadAsync(context, authenticator);
        if (error != null)
        {
            return error;
        }

        // Whatever the token is (unknown, expired, someone else's), the answer is 200 (RFC 7009 section 2.2).
        var ok = new OAuthJsonResult(StatusCodes.Status200OK, new Dictionary<string, string>());
        var refresh = await grants.FindAsync(GrantStore.RefreshType, token!, context.RequestAborted);
        if (refresh != null)
        {
            if (refresh.ClientId == client!.ClientId)
            {
                await grants.RevokeFamilyAsync(refresh, context.RequestAborted);
            }

            return ok;
        }

        var identity = await tokens.ValidateAccessTokenAsync(token!, context.RequestAborted);
        if (identity?.FindFirst("client_id")?.Value == client!.ClientId
            && identity.FindFirst("jti")?.Value is { } jti
            && identity.FindFirst("exp")?.Value is { } exp && long.TryParse(exp, out var expSeconds))
        {
            await grants.RevokeAccessTokenAsync(jti, client.ClientId, DateTime.UnixEpoch.AddSeconds(expSeconds), context.RequestAborted);
        }

        return ok;
    }

    public static async Task<IResult> IntrospectAsync(HttpContext context, ClientAuthenticator authenticator, GrantStore grants, TokenService tokens, TimeProvider clock)
    {
        var (client, token, error) = await ReadAsync(context, authenticator);
        if (error != null)
        {
            return error;
        }

        var inactive = new OAuthJsonResult(StatusCodes.Status200OK, new Dictionary<string, object> { ["active"] = false });
        var identity = await tokens.ValidateAccessTokenAsync(token!, context.RequestAborted);
        if (identity != null)
        {
            if (identity.FindFirst("client_id")?.Value != client!.ClientId)
            {
                return inactive;
            }

            var jwt = new JsonWebToken(token);
            var body = new Dictionary<string, object>
            {
                ["active"] = true,
                ["token_type"] = "Bearer",
                ["iss"] = jwt.Issuer,
                ["aud"] = jwt.Audiences.ToArray(),
                ["exp"] = jwt.GetPayloadValue<long>("exp"),
                ["iat"] = jwt.GetPayloadValue<long>("iat"),
                ["nbf"] = jwt.GetPayloadValue<long>("nbf"),
            };
            foreach (var name in new[] { "sub", "client_id", "member_id", "scope", "jti" })
            {
                if (identity.FindFirst(name)?.Value is { } value)
                {
                    body[name] = value;
                }
            }

            var roles = identity.FindAll("role").Select(c => c.Value).ToArray();
            if (roles.Length > 0)
            {
                body["role"] = roles;
            }

            return new OAuthJsonResult(StatusCodes.Status200OK, body);
        }

        var refresh = await grants.FindAsync(GrantStore.RefreshType, token!, context.RequestAborted);
        if (refresh == null || refresh.ClientId != client!.ClientId || refresh.ConsumedAt != null || refresh.RevokedAt != null
            || refresh.ExpiresAt <= clock.GetUtcNow().UtcDateTime)
        {
            return inactive;
        }

        return new OAuthJsonResult(StatusCodes.Status200OK, new Dictionary<string, object>
        {
            ["active"] = true,
            ["token_type"] = "refresh_token",
            ["client_id"] = refresh.ClientId,
            ["sub"] = refresh.SubjectId ?? string.Empty,
            ["scope"] = string.Join(' ', GrantStore.Read(refresh).Scopes),
            ["exp"] = new DateTimeOffset(refresh.ExpiresAt, TimeSpan.Zero).ToUnixTimeSeconds(),
        });
    }

    private static async Task<(OAuthClient? Client, string? Token, IResult? Error)> ReadAsync(HttpContext context, ClientAuthenticator authenticator)
    {
        var (form, formError) = await ProtocolRequest.ReadFormAsync(context);
        if (formError != null)
        {
            return (null, null, formError);
        }

        var authentication = await authenticator.AuthenticateAsync(context.Request, form!, context.RequestAborted);
        if (authentication.Client == null)
        {
            return (null, null, authentication.Error);
        }

        var token = form!["token"].ToString();
        return token.Length == 0
            ? (null, null, OAuthJsonResult.Error(OAuthErrors.InvalidRequest, "token is missing."))
            : (authentication.Client, token, null);
    }
}
