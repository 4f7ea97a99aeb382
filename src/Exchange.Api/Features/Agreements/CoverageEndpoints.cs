using Exchange.Api.Auth;
using Exchange.Api.Http;
using Exchange.Api.OpenApi;
using Exchange.Core.Agreements;
using Exchange.Core.Cases;
using Exchange.Core.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Api.Features.Agreements;

/// <summary>
/// Whether the caller's member can send requests to one receiving member now, as far as the
/// agreements go. `covered` false comes with the refusal `code` (and `detail`) every request would
/// meet: agreement_missing, agreement_not_in_force, agreement_category_not_permitted or
/// transfer_region_not_permitted. `permittedCategories` and `permittedRegions` are the terms in force
/// (empty when none); `requiredCategories` are those of the receiver's required fields;
/// `agreementIds` lists the agreements in force that the caller's member is a party to.
/// </summary>
public sealed record CoverageDto(
    string MemberId, string LegalName, string Region, bool Covered, string? Code, string? Detail,
    IReadOnlyList<Guid> AgreementIds, IReadOnlyList<DataCategory> PermittedCategories, IReadOnlyList<string> PermittedRegions,
    IReadOnlyList<DataCategory> RequiredCategories);

public static class CoverageEndpoints
{
    public static IEndpointRouteBuilder MapCoverageEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/v1/agreements").WithTags("Agreements")
            .MapGet("/coverage", List).RequireAuthorization(ApiPolicies.AgreementsRead)
            .Describe("listAgreementCoverage", "Agreement coverage per receiving member",
                "For every other member (or only `receivingMemberId`): whether an agreement in force covers the caller's member and it now, "
                + "the categories and regions it permits, and otherwise the refusal code a request would get. Decided by the same gate as submissions.");
        return app;
    }

    private static async Task<Results<Ok<List<CoverageDto>>, ProblemHttpResult>> List(
        string? receivingMemberId, Caller caller, ExchangeDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (caller.IsOperator)
        {
            return Problems.Forbidden("Coverage is asked by a member that sends requests.");
        }

        var members = await db.Members.AsNoTracking()
            .Where(m => m.Id != caller.MemberId && m.Id != Core.Members.Member.OperatorId && (receivingMemberId == null || m.Id == receivingMemberId))
            .OrderBy(m => m.Id).ToListAsync(cancellationToken);
        if (receivingMemberId is not null && members.Count == 0)
        {
            return Problems.NotFound();
        }

        // Framework agreements of anyone (coverage through frameworks needs the receiver's too) and
        // every agreement the caller is party to; the gate picks what applies to each pair.
        var agreements = await db.Agreements.AsNoTracking().Include(a => a.Parties)
            .Where(a => a.Kind == AgreementKind.Framework || a.Parties.Any(p => p.PartyId == caller.MemberId))
            .ToListAsync(cancellationToken);
        var now = clock.UtcNowStored();
        var own = agreements.Where(a => a.Parties.Any(p => p.PartyId == caller.MemberId)).Select(a => a.Id).ToHashSet();

        var items = members.Select(m =>
        {
            var coverage = CaseSubmissionRules.CoverageOf(caller.MemberId, m, agreements, now);
            var terms = coverage.Terms;
            return new CoverageDto(m.Id, m.LegalName, m.Region, coverage.Covered, coverage.Refusal?.Code, coverage.Refusal?.Detail,
                terms?.AgreementIds.Where(own.Contains).ToList() ?? [],
                terms?.Categories.Order().ToList() ?? [],
                terms?.Regions.Order(StringComparer.Ordinal).ToList() ?? [],
                coverage.RequiredCategories.Order().ToList());
        }).ToList();
        return TypedResults.Ok(items);
    }
}
