using Exchange.Api.Auth;
using Exchange.Api.Http;
using Exchange.Api.OpenApi;
using Exchange.Core.Audit;
using Exchange.Core.Cases;
using Exchange.Core.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Api.Features.Authorisations;

/// <summary>
/// A case that cites the authorisation and still holds data: withdrawing the authorisation halts it
/// if `open` and purges it either way.
/// </summary>
public sealed record AuthorisationCaseDto(
    Guid Id, string ReceivingMemberId, CaseStatus Status, bool Open, string? SubmitterCaseReference, string? Summary, DateTime CreatedAt);

public static class AuthorisationCasesEndpoints
{
    public static IEndpointRouteBuilder MapAuthorisationCasesEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/v1/customer-authorisations").WithTags("Customer authorisations")
            .RequireAuthorization(ApiPolicies.Authorisations).RequireAuthorization(ApiPolicies.CasesRead)
            .MapGet("/{id:guid}/cases", List)
            .Describe("listCustomerAuthorisationCases", "Cases under a customer authorisation",
                "The cases citing one of the member's own authorisations that still hold data, open ones first: what withdrawing it would halt and purge.");
        return app;
    }

    private static async Task<Results<Ok<List<AuthorisationCaseDto>>, ProblemHttpResult>> List(
        Guid id, Caller caller, ExchangeDbContext db, AuditLog audit, CancellationToken cancellationToken)
    {
        return await audit.InTransactionAsync<Results<Ok<List<AuthorisationCaseDto>>, ProblemHttpResult>>(async () =>
        {
            if (!await db.CustomerAuthorisations.AnyAsync(a => a.Id == id && a.SubmittingMemberId == caller.MemberId, cancellationToken))
            {
                return Problems.NotFound();
            }

            // Need-to-know in its one place: only cases the caller sees get their key and are listed.
            var access = caller.Access;
            var query = access.Cases(db.Cases).Where(c => c.CustomerAuthorisationId == id);
            await access.UnlockAsync(db, query, cancellationToken);
            var cases = await query.Include(c => c.Fields).AsSplitQuery().AsNoTracking().OrderBy(c => c.CreatedAt).ToListAsync(cancellationToken);
            var items = cases
                .Select(c => new AuthorisationCaseDto(c.Id, c.ReceivingMemberId, c.Status, c.IsOpen, c.SubmitterCaseReference,
                    c.Fields.FirstOrDefault(f => f.Name == FieldCatalogue.Summary)?.Value, c.CreatedAt))
                .OrderByDescending(c => c.Open).ThenBy(c => c.CreatedAt).ToList();

            // Summaries are case content: the listing is accounted for like a case list.
            await audit.AppendAsync(caller.Actor, "case.listed", "customer_authorisation", id.ToString(),
                details: new { authorisation = id, count = items.Count, cases = items.Select(i => i.Id) }, cancellationToken: cancellationToken);
            return TypedResults.Ok(items);
        }, cancellationToken);
    }
}
