using System.Text.Json;

namespace Exchange.Identity.Protocol;

/// <summary>OAuth error codes (RFC 6749 section 5.2, RFC 7009, RFC 6750).</summary>
public static class OAuthErrors
{
    public const string InvalidRequest = "invalid_request";
    public const string InvalidClient = "invalid_client";
    public const string InvalidGrant = "invalid_grant";
    public const string UnauthorizedClient = "unauthorized_client";
    public const string UnsupportedGrantType = "unsupported_grant_type";
    public const string InvalidScope = "invalid_scope";
    public const string UnsupportedResponseType = "unsupported_response_type";
    public const string AccessDenied = "access_denied";
    public const string LoginRequired = "login_required";
    public const string InvalidToken = "invalid_token";
    public const string InsufficientScope = "insufficient_scope";
    public const string UnsupportedTokenType = "unsupported_token_type";
}

/// <summary>
/// A protocol endpoint's JSON answer. Token, revocation and introspection answers are never
/// cached (RFC 6749 section 5.1), success or error alike.
/// </summary>
public sealed class OAuthJsonResult(int statusCode, object body) : IResult
{
    public int StatusCode { get; } = statusCode;
    public string? WwwAuthenticate { get; init; }

    public static OAuthJsonResult Error(string error, string? description = null, int statusCode = StatusCodes.Status400BadRequest) =>
        new(statusCode, description == null
            ? new Dictionary<string, string> { ["error"] = error }
            : new Dictionary<string, string> { ["error"] = error, ["error_description"] = description });

    /// <summary>invalid_client is 401; with the challenge when the client tried HTTP Basic (RFC 6749 section 5.2).</summary>
    public static OAuthJsonResult InvalidClient(bool usedBasic) =>
        new(StatusCodes.Status401Unauthorized, new Dictionary<string, string> { ["error"] = OAuthErrors.InvalidClient })
        {
            WwwAuthenticate = usedBasic ? "Basic realm=\"exchange\", charset=\"UTF-8\"" : null,
        };

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCode;
        response.Headers.CacheControl = "no-store";
        response.Headers.Pragma = "no-cache";
        if (WwwAuthenticate != null)
        {
            response.Headers.WWWAuthenticate = WwwAuthenticate;
        }

        response.ContentType = "application/json; charset=utf-8";
        await JsonSerializer.SerializeAsync(response.Body, body, body.GetType(), cancellationToken: httpContext.RequestAborted);
    }
}
