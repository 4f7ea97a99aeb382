using Exchange.Api.OpenApi;
using Exchange.Api.Auth;
using Exchange.Api.Http;
using Exchange.Core.Audit;
using Exchange.Core.Cases;
using Exchange.Core.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Api.Features.Audit;

public sealed record AuditEntryDto(long Sequence, DateTime OccurredAt, string ActorMemberId, string ActorId, string Action, string ObjectType, string? ObjectId, Guid? CaseId, string? Details, string Hash);

public sealed record AuditVerificationDto(bool Intact, long Entries, long? FirstBrokenSequence);

public static class AuditEndpoints
{
    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/audit").WithTags("Audit");
        group.MapGet("/", ForCase).RequireAuthorization(ApiPolicies.CasesRead)
            .Describe("listCaseAuditEntries", "Read a case's audit trail", "The hash-chained audit entries of one case the caller is a member of: ids and actions, never personal data.");
        group.MapGet("/verify", Verify).RequireAuthorization(ApiPolicies.Operator)
            .Describe("verifyAuditChain", "Verify the audit chain", "Recomputes the whole audit chain and reports the first broken link (operator staff).");
        return app;
    }

    /// <summary>A case's audit trail, for its two members only (also after purge, through the tombstone).</summary>
    private static async Task<Results<Ok<List<AuditEntryDto>>, ValidationProblem, ProblemHttpResult>> ForCase(
        Guid? caseId, Caller caller, ExchangeDbContext db, CancellationToken cancellationToken)
    {
        if (caseId is null)
        {
            return Problems.Invalid("caseId", "Name the case whose audit trail to read.");
        }

        var id = caseId.Value;
        if (!await caller.Access.SeesAsync(db, id, cancellationToken))
        {
            return Problems.NotFound();
        }

        var entries = await db.AuditEntries.AsNoTracking().Where(e => e.CaseId == id).OrderBy(e => e.Sequence).Take(5000)
            .Select(e => new AuditEntryDto(e.Sequence, e.OccurredAt, e.ActorMemberId, e.ActorId, e.Action, e.ObjectType, e.ObjectId, e.CaseId, e.Details, e.Hash))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(entries);
    }

    private static async Task<Ok<AuditVerificationDto>> Verify(AuditLog audit, CancellationToken cancellationToken)
    {
        var result = await audit.VerifyAsync(cancellationToken);
        return TypedResults.Ok(new AuditVerificationDto(result.Intact, result.Entries, result.FirstBrokenSequence));
    }
}
