using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Exchange.Api.Http;

/// <summary>Runs the request's FluentValidation validator before the handler; failures are a 400 listing each field's errors.</summary>
public static class Validation
{
    public static RouteHandlerBuilder Validated<TRequest>(this RouteHandlerBuilder builder, bool bodyOptional = false) where TRequest : class =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var request = context.Arguments.OfType<TRequest>().FirstOrDefault();
            if (request is null)
            {
                return bodyOptional ? await next(context) : Problems.Invalid("body", "A JSON body is required.");
            }

            var validator = context.HttpContext.RequestServices.GetRequiredService<IValidator<TRequest>>();
            var result = await validator.ValidateAsync(request, context.HttpContext.RequestAborted);
            if (!result.IsValid)
            {
                return Problems.Invalid(result.ToDictionary());
            }

            return await next(context);
        }).ProducesValidationProblem();

    /// <summary>
    /// For handlers that must check who may act before judging the body: null when the body is
    /// present and valid, otherwise the same 400 the filter gives.
    /// </summary>
    public static async Task<ValidationProblem?> ValidateAsync<TRequest>(TRequest? request, IValidator<TRequest> validator, CancellationToken cancellationToken)
        where TRequest : class
    {
        if (request is null)
        {
            return Problems.Invalid("body", "A JSON body is required.");
        }

        var result = await validator.ValidateAsync(request, cancellationToken);
        return result.IsValid
            ? null
            : Problems.Invalid(result.ToDictionary());
    }

    /// <summary>Validator rules shared by several requests.</summary>
    public static IRuleBuilderOptions<T, string?> Text<T>(this IRuleBuilder<T, string?> rule, int maxLength) =>
        rule.NotEmpty().MaximumLength(maxLength).Must(v => v is null || !v.Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t'))
            .WithMessage("Must not contain control characters.");

    public static IRuleBuilderOptions<T, string?> OptionalText<T>(this IRuleBuilder<T, string?> rule, int maxLength) =>
        rule.MaximumLength(maxLength).Must(v => v is null || !v.Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t'))
            .WithMessage("Must not contain control characters.");

    public static IRuleBuilderOptions<T, string?> Identifier<T>(this IRuleBuilder<T, string?> rule) =>
        rule.NotEmpty().MaximumLength(64).Matches("^[a-z0-9][a-z0-9_-]*$").WithMessage("Must be a member id (lower-case letters, digits, '-' or '_').");

    public static IRuleBuilderOptions<T, string?> Region<T>(this IRuleBuilder<T, string?> rule) =>
        rule.NotEmpty().Matches("^[A-Z]{2,16}$").WithMessage("Must be a region code such as EU, UK or US.");
}
