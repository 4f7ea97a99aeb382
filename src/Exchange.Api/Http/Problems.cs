using Exchange.Core.Cases;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Exchange.Api.Http;

/// <summary>
/// Every error the API gives is an RFC 9457 problem document; rule refusals carry a stable `code`
/// extension (see docs/decisions/0200-api-error-style.md). Details name fields and kinds, never values.
/// </summary>
public static class Problems
{
    /// <summary>
    /// The one rule for a problem's `type`: this base and the code, i.e. the code's entry (its
    /// anchor) in the error catalogue docs/problems.md as the exchange publishes it (decision 0205).
    /// </summary>
    public const string TypeBase = "https://exchange.example/docs/problems.md#";

    public static ProblemHttpResult Refused(Refusal refusal) => Problem(
        refusal.Kind switch
        {
            RefusalKind.Conflict => StatusCodes.Status409Conflict,
            RefusalKind.Forbidden => StatusCodes.Status403Forbidden,
            _ => StatusCodes.Status422UnprocessableEntity,
        },
        refusal.Kind switch
        {
            RefusalKind.Conflict => "Conflict",
            RefusalKind.Forbidden => "Forbidden",
            _ => "Refused by the exchange's rules",
        },
        refusal.Detail, refusal.Code);

    /// <summary>The same answer whether the object does not exist or belongs to someone else, so ids leak nothing.</summary>
    public static ProblemHttpResult NotFound() => Problem(StatusCodes.Status404NotFound, "Not Found", "No such object.", NotFoundCode);

    public const string NotFoundCode = "not_found";
    public const string ValidationFailedCode = "validation_failed";

    public static ProblemHttpResult Forbidden(string detail) => Problem(StatusCodes.Status403Forbidden, "Forbidden", detail, RefusalCodes.RoleRequired);

    public static ProblemHttpResult PreconditionRequired() => Problem(StatusCodes.Status428PreconditionRequired, "Precondition Required",
        "This change requires an If-Match header with the case's current ETag.", "if_match_required");

    public static ProblemHttpResult PreconditionFailed() => Problem(StatusCodes.Status412PreconditionFailed, "Precondition Failed",
        "The case has changed since the ETag in If-Match was issued; fetch it again.", "etag_stale");

    public static ProblemHttpResult Problem(int status, string title, string detail, string? code)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail, Type = code is null ? null : TypeBase + code };
        if (code is not null)
        {
            problem.Extensions["code"] = code;
        }

        return TypedResults.Problem(problem);
    }

    public static ValidationProblem Invalid(string field, string message) => Invalid(new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>400 `validation_failed`, with `errors` keyed by the JSON path of each field the client sent.</summary>
    public static ValidationProblem Invalid(IDictionary<string, string[]> errors) => TypedResults.ValidationProblem(
        errors,
        detail: errors.Count == 1 ? "One field is invalid; see errors." : $"{errors.Count} fields are invalid; see errors.",
        type: TypeBase + ValidationFailedCode,
        extensions: new Dictionary<string, object?> { ["code"] = ValidationFailedCode });

    /// <summary>
    /// The code and detail for an answer the framework writes with its status alone (a route or
    /// method that does not exist, a media type no endpoint takes), so that every problem carries both.
    /// </summary>
    public static (string Code, string Detail)? ForBareStatus(int status) => status switch
    {
        StatusCodes.Status400BadRequest => ("bad_request", "The request cannot be read."),
        StatusCodes.Status401Unauthorized => ("token_missing", "An access token is required."),
        StatusCodes.Status403Forbidden => ("forbidden", "The caller may not do this."),
        StatusCodes.Status404NotFound => (NotFoundCode, "No such object."),
        StatusCodes.Status405MethodNotAllowed => ("method_not_allowed", "This route does not take this method; see the Allow header."),
        StatusCodes.Status406NotAcceptable => ("not_acceptable", "This API answers application/json only."),
        StatusCodes.Status413PayloadTooLarge => ("body_too_large", "The request body is larger than this API accepts."),
        StatusCodes.Status415UnsupportedMediaType => ("unsupported_media_type", "Send the body as application/json."),
        StatusCodes.Status500InternalServerError => ("internal_error", "The request failed; it has been logged."),
        StatusCodes.Status503ServiceUnavailable => ("service_unavailable", "The service cannot answer now; retry after the time in Retry-After."),
        _ => null,
    };

    /// <summary>For middleware outside endpoint results (challenges, limits).</summary>
    public static async Task WriteAsync(HttpContext context, int status, string title, string detail, string? code)
    {
        context.Response.StatusCode = status;
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail, Type = code is null ? null : TypeBase + code };
        if (code is not null)
        {
            problem.Extensions["code"] = code;
        }

        var service = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        if (!await service.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }))
        {
            await context.Response.WriteAsJsonAsync(problem, options: null, contentType: "application/problem+json");
        }
    }
}
