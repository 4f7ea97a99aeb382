using Exchange.Api.Auth;
using Exchange.Api.OpenApi;
using Exchange.Core.Cases;
using Exchange.Core.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Api.Features.Operator;

public sealed record CaseCountDto(string SubmittingMemberId, string ReceivingMemberId, CaseStatus Status, int Count);

/// <summary>Counts only: never a case's id, reference or content.</summary>
public sealed record CaseMetadataDto(DateTime GeneratedAt, IReadOnlyList<CaseCountDto> Counts, int Overdue, int PurgesDue, int PurgesDueWithinWeek, int Purged);

/// <summary>
/// The operator's view across members (operator staff): how many cases there are by state and by
/// member pair, how many are past their response target, and how many purges are due. Read through
/// <see cref="CaseAccess.OperatorMetadata"/>, the one place that decides need-to-know; no content.
/// </summary>
public static class CaseMetadataEndpoints
{
    public static IEndpointRouteBuilder MapCaseMetadataEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/case-metadata", Get).WithTags("Operator").RequireAuthorization(ApiPolicies.Operator)
            .Describe("getCaseMetadata", "Case counts across members",
                "Counts of cases by state and member pair, overdue responses, purges due now and within a week, and purged cases (operator staff). Counts only, never case content.");
        return app;
    }

    private static async Task<Ok<CaseMetadataDto>> Get(ExchangeDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var access = CaseAccess.OperatorMetadata;
        var now = clock.GetUtcNow().UtcDateTime;
        var cases = access.Cases(db.Cases.AsNoTracking());
        var counts = await cases.GroupBy(c => new { c.SubmittingMemberId, c.ReceivingMemberId, c.Status })
            .Select(g => new { g.Key.SubmittingMemberId, g.Key.ReceivingMemberId, g.Key.Status, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var overdue = await cases.CountAsync(c => c.ConcludedAt == null && c.ResponseDueAt != null && c.ResponseDueAt < now, cancellationToken);
        var purgesDue = await cases.CountAsync(c => c.PurgeDueAt != null && c.PurgeDueAt <= now, cancellationToken);
        var week = now.AddDays(7);
        var purgesWithinWeek = await cases.CountAsync(c => c.PurgeDueAt != null && c.PurgeDueAt > now && c.PurgeDueAt <= week, cancellationToken);
        var purged = await access.Tombstones(db.Tombstones.AsNoTracking()).CountAsync(cancellationToken);
        return TypedResults.Ok(new CaseMetadataDto(now,
            counts.OrderBy(c => c.SubmittingMemberId).ThenBy(c => c.ReceivingMemberId).ThenBy(c => c.Status)
                .Select(c => new CaseCountDto(c.SubmittingMemberId, c.ReceivingMemberId, c.Status, c.Count)).ToList(),
            overdue, purgesDue, purgesWithinWeek, purged));
    }
}
