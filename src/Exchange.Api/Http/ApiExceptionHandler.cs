using System.Text.Json;
using Exchange.Core.Data;
using Microsoft.AspNetCore.Diagnostics;

namespace Exchange.Api.Http;

/// <summary>
/// The last line: turns unreadable requests into 400/413/415 problems and anything unexpected
/// into a bare 500 problem. Never shows stack traces, SQL, tokens or request values.
/// </summary>
public sealed class ApiExceptionHandler(ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is BadHttpRequestException bad)
        {
            var json = FindJsonException(bad);
            var (title, detail, code) = bad.StatusCode switch
            {
                StatusCodes.Status413PayloadTooLarge => ("Payload Too Large", "The request body is larger than this API accepts.", "body_too_large"),
                StatusCodes.Status415UnsupportedMediaType => ("Unsupported Media Type", "Send the body as application/json.", "unsupported_media_type"),
                // The position, not the path: a property name the client made up may itself be personal data.
                _ when json is not null => ("Bad Request", $"The JSON body cannot be read at {Position(json)}: an unknown, duplicated or wrongly typed property, or malformed JSON.", "invalid_json"),
                _ => ("Bad Request", "The request cannot be read.", "bad_request"),
            };
            logger.LogInformation("Unreadable request to {Path}: {Status} {Code}", context.Request.Path, bad.StatusCode, code);
            await Problems.WriteAsync(context, bad.StatusCode, title, detail, code);
            return true;
        }

        if (DatabaseRetry.IsUnavailable(exception))
        {
            // Retries are spent: tell the client when to come back rather than blaming its request.
            logger.LogWarning("Database unavailable on {Method} {Path}: {Reason}", context.Request.Method, context.Request.Path, exception.GetBaseException().GetType().Name);
            context.Response.Headers.RetryAfter = ((int)DatabaseRetry.RetryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await Problems.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "Service Unavailable",
                "The exchange's database cannot be reached just now; retry after the time in Retry-After.", "database_unavailable");
            return true;
        }

        logger.LogError(exception, "Unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
        await Problems.WriteAsync(context, StatusCodes.Status500InternalServerError, "Internal Server Error", "The request failed; it has been logged.", "internal_error");
        return true;
    }

    private static string Position(JsonException json) => json.LineNumber is { } line
        ? $"line {line + 1}, byte {json.BytePositionInLine.GetValueOrDefault() + 1}"
        : "an unknown position";

    private static JsonException? FindJsonException(Exception exception)
    {
        for (var e = exception.InnerException; e is not null; e = e.InnerException)
        {
            if (e is JsonException json)
            {
                return json;
            }
        }

        return null;
    }
}
