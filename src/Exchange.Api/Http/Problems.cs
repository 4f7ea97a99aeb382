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
    public const string TypeBase = "https://exchange.example/problems/";

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
    public static ProblemHttpResult NotFound() => Problem(StatusCodes.Status404NotFound, "Not Found", "No such object.", null);

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

    public static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, extensions: new Dictionary<string, object?> { ["code"] = "validation_failed" });

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
