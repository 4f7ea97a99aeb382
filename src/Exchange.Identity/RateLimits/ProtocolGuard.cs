using System.Text.Json;
using Exchange.Identity.Keys;
using Exchange.Identity.Server;

namespace Exchange.Identity.RateLimits;

/// <summary>
/// What runs before OpenIddict sees a request: the signing keys are made current (so a rotation,
/// here or on another node, reaches OpenIddict's options before the request is handled), and at the
/// endpoints where clients authenticate, the per-client throttle and the strict form rules that
/// OpenIddict leaves to the host (GET is 405, no parameter twice). Failed client authentications
/// (OpenIddict answers 401) are counted on the way out.
/// </summary>
public sealed class ProtocolGuard(RequestDelegate next, TokenRateLimiter limiter, SigningKeyStore keys, ILogger<ProtocolGuard> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await keys.EnsureCurrentAsync(context.RequestAborted);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The keys last loaded keep serving; readiness reports the database.
            logger.LogWarning(ex, "Signing keys could not be refreshed");
        }

        var request = context.Request;
        if (!ProtocolPaths.IsClientEndpoint(request.Path))
        {
            await next(context);
            return;
        }

        // Token, introspection and revocation answers are never cached, success or error alike (RFC 6749 5.1).
        var usedBasic = request.Headers.Authorization.ToString().StartsWith("Basic ", StringComparison.OrdinalIgnoreCase);
        context.Response.OnStarting(() =>
        {
            context.Response.Headers.CacheControl = "no-store";
            context.Response.Headers.Pragma = "no-cache";
            // The Basic challenge answers a client that tried Basic (RFC 6749 5.2); a client that sent
            // its secret in the body gets the plain invalid_client, as before (and as openid-client expects).
            if (!usedBasic && context.Response.StatusCode == StatusCodes.Status401Unauthorized)
            {
                context.Response.Headers.Remove("WWW-Authenticate");
            }

            return Task.CompletedTask;
        });
        if (!HttpMethods.IsPost(request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            context.Response.Headers.Allow = HttpMethods.Post;
            return;
        }

        IFormCollection? form = null;
        if (request.HasFormContentType)
        {
            try
            {
                form = await request.ReadFormAsync(context.RequestAborted);
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or BadHttpRequestException)
            {
                await ErrorAsync(context, StatusCodes.Status400BadRequest, "invalid_request", "The body cannot be read.");
                return;
            }

            if (form.Any(p => p.Value.Count > 1))
            {
                await ErrorAsync(context, StatusCodes.Status400BadRequest, "invalid_request", "A parameter is repeated.");
                return;
            }
        }

        var clientId = ClaimedClientId(request, form) ?? "?";
        var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (limiter.Check(clientId, address) is { } throttled)
        {
            logger.LogWarning("Requests throttled for client {ClientId} on {Path}", LogSafe(clientId), request.Path.Value);
            await throttled.ExecuteAsync(context);
            return;
        }

        await next(context);
        if (context.Response.StatusCode == StatusCodes.Status401Unauthorized)
        {
            limiter.RecordFailure(clientId, address);
            logger.LogWarning("Client authentication failed for client {ClientId} on {Path}", LogSafe(clientId), request.Path.Value);
        }
    }

    /// <summary>A protocol error in OAuth's JSON, never cached.</summary>
    public static async Task ErrorAsync(HttpContext context, int status, string error, string description)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.Headers.CacheControl = "no-store";
        response.Headers.Pragma = "no-cache";
        response.ContentType = "application/json; charset=utf-8";
        await JsonSerializer.SerializeAsync(response.Body, new Dictionary<string, string> { ["error"] = error, ["error_description"] = description }, cancellationToken: context.RequestAborted);
    }

    /// <summary>The client id the caller claims, before it is authenticated: the partition key for throttling.</summary>
    private static string? ClaimedClientId(HttpRequest request, IFormCollection? form)
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
            catch (Exception ex) when (ex is FormatException or UriFormatException)
            {
                return null;
            }
        }

        return form?["client_id"].ToString() is { Length: > 0 } id ? id : null;
    }

    /// <summary>Client ids are chosen by callers: only a plain, short one reaches the log, never CR/LF.</summary>
    public static string LogSafe(string? value) =>
        value is { Length: > 0 and <= 100 } && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            ? value
            : "(invalid)";
}
