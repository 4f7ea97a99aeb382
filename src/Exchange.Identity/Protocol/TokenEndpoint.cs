using System.Net.Http.Headers;
using Exchange.Core.Identity;

namespace Exchange.Identity.Protocol;

/// <summary>POST /connect/token (RFC 6749 sections 4.1.3, 4.4, 6; RFC 7636).</summary>
public static class TokenEndpoint
{
    public static async Task<IResult> HandleAsync(
        HttpContext context,
        ClientAuthenticator authenticator,
        TokenRateLimiter rateLimiter,
        AuthorizationCodeGrant codeGrant,
        RefreshTokenGrant refreshGrant,
        TokenService tokens,
        ILoggerFactory loggers)
    {
        var (form, formError) = await ProtocolRequest.ReadFormAsync(context);
        if (formError != null)
        {
            return formError;
        }

        var authentication = await ProtocolRequest.AuthenticateClientAsync(context, form!, authenticator, rateLimiter, loggers);
        if (authentication.Client is not { } client)
        {
            return authentication.Error!;
        }

        var grantType = form!["grant_type"].ToString();
        if (grantType.Length == 0)
        {
            return OAuthJsonResult.Error(OAuthErrors.InvalidRequest, "grant_type is missing.");
        }

        if (grantType is not (GrantTypes.ClientCredentials or GrantTypes.AuthorizationCode or GrantTypes.RefreshToken))
        {
            return OAuthJsonResult.Error(OAuthErrors.UnsupportedGrantType);
        }

        if (!client.AllowedGrantTypes.Contains(grantType))
        {
            return OAuthJsonResult.Error(OAuthErrors.UnauthorizedClient, "The client may not use this grant type.");
        }

        return grantType switch
        {
            GrantTypes.ClientCredentials => await ClientCredentialsAsync(client, form, tokens, context.RequestAborted),
            GrantTypes.AuthorizationCode => await codeGrant.RedeemAsync(client, form, context.RequestAborted),
            _ => await refreshGrant.RedeemAsync(client, form, context.RequestAborted),
        };
    }

    private static async Task<IResult> ClientCredentialsAsync(OAuthClient client, IFormCollection form, TokenService tokens, CancellationToken cancellationToken)
    {
        if (client.Type != ClientType.Confidential)
        {
            return OAuthJsonResult.Error(OAuthErrors.UnauthorizedClient, "Only confidential clients may use client credentials.");
        }

        var requested = ScopeParser.Parse(form["scope"]);
        if (requested == null)
        {
            return OAuthJsonResult.Error(OAuthErrors.InvalidScope);
        }

        // Without a scope parameter the client gets every API scope it is registered for (RFC 6749 section 3.3).
        var allowed = client.AllowedScopes.Where(Scopes.Api.Contains).ToList();
        if (requested.Count == 0)
        {
            requested = allowed;
        }
        else if (requested.Any(s => !allowed.Contains(s)))
        {
            return OAuthJsonResult.Error(OAuthErrors.InvalidScope, "A requested scope is not allowed for this client.");
        }

        if (requested.Count == 0)
        {
            return OAuthJsonResult.Error(OAuthErrors.InvalidScope, "The client has no scope to grant.");
        }

        var access = await tokens.CreateAccessTokenAsync(
            new TokenSubject(client.ClientId, client.ClientId, client.MemberId, client.Roles, requested), cancellationToken: cancellationToken);
        return TokenResponse(access, requested, refreshToken: null, idToken: null);
    }

    public static OAuthJsonResult TokenResponse(IssuedToken access, IReadOnlyList<string> scopes, string? refreshToken, string? idToken)
    {
        var body = new Dictionary<string, object>
        {
            ["access_token"] = access.Token,
            ["token_type"] = "Bearer",
            ["expires_in"] = access.ExpiresIn,
            ["scope"] = string.Join(' ', scopes),
        };
        if (refreshToken != null)
        {
            body["refresh_token"] = refreshToken;
        }

        if (idToken != null)
        {
            body["id_token"] = idToken;
        }

        return new OAuthJsonResult(StatusCodes.Status200OK, body);
    }

    /// <summary>Client ids are chosen by callers: only a plain, short one reaches the log, never CR/LF.</summary>
    public static string LogSafe(string? value) =>
        value is { Length: > 0 and <= 100 } && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            ? value
            : "(invalid)";
}

/// <summary>Reading a protocol request's form strictly: form-encoded only, and no parameter twice (RFC 6749 section 3.1).</summary>
public static class ProtocolRequest
{
    public static async Task<(IFormCollection? Form, IResult? Error)> ReadFormAsync(HttpContext context)
    {
        if (!MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var mediaType)
            || !string.Equals(mediaType.MediaType, "application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            return (null, OAuthJsonResult.Error(OAuthErrors.InvalidRequest, "The body must be application/x-www-form-urlencoded."));
        }

        IFormCollection form;
        try
        {
            form = await context.Request.ReadFormAsync(context.RequestAborted);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or BadHttpRequestException)
        {
            return (null, OAuthJsonResult.Error(OAuthErrors.InvalidRequest, "The body cannot be read."));
        }

        if (form.Any(p => p.Value.Count > 1))
        {
            return (null, OAuthJsonResult.Error(OAuthErrors.InvalidRequest, "A parameter is repeated."));
        }

        return (form, null);
    }

    /// <summary>Client authentication behind the per-client throttle, failures logged and counted.</summary>
    public static async Task<ClientAuthentication> AuthenticateClientAsync(
        HttpContext context, IFormCollection form, ClientAuthenticator authenticator, TokenRateLimiter rateLimiter, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger("Exchange.Identity.ClientAuthentication");
        var clientId = ClaimedClientId(context.Request, form) ?? "?";
        var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (rateLimiter.Check(clientId, address) is { } throttled)
        {
            logger.LogWarning("Requests throttled for client {ClientId} on {Path}", TokenEndpoint.LogSafe(ClaimedClientId(context.Request, form)), context.Request.Path.Value);
            return new ClientAuthentication(null, throttled, null);
        }

        var authentication = await authenticator.AuthenticateAsync(context.Request, form, context.RequestAborted);
        if (authentication.Client == null)
        {
            rateLimiter.RecordFailure(clientId, address);
            logger.LogWarning("Client authentication failed for client {ClientId} on {Path}", TokenEndpoint.LogSafe(authentication.ClaimedClientId), context.Request.Path.Value);
        }

        return authentication;
    }

    /// <summary>The client id the caller claims, before it is authenticated: the partition key for throttling.</summary>
    public static string? ClaimedClientId(HttpRequest request, IFormCollection form)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
                var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                return colon > 0 ? Uri.UnescapeDataString(decoded[..colon].Replace('+', ' ')) : null;
            }
            catch (FormatException)
            {
                return null;
            }
        }

        return form["client_id"].ToString() is { Length: > 0 } id ? id : null;
    }
}
