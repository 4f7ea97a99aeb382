using Exchange.Api.OpenApi;
using Exchange.Api.Auth;
using Exchange.Api.Http;
using Exchange.Core.Agreements;
using Exchange.Core.Audit;
using Exchange.Core.Cases;
using Exchange.Core.Data;
using Exchange.Core.Identity;
using Exchange.Core.Members;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Exchange.Api.Features.Agreements;

public sealed record AgreementPartyDto(string PartyId, string? SignerName, string? SignerRole, DateTime? SignedAt);

public sealed record AgreementDto(
    Guid Id, AgreementKind Kind, string DocumentReference, string DocumentSha256, string Version, DateTime EffectiveFrom, DateTime ExpiresAt,
    AgreementStatus Status, IReadOnlyList<DataCategory> PermittedCategories, IReadOnlyList<string> PermittedRegions,
    IReadOnlyList<AgreementPartyDto> Parties, DateTime CreatedAt, DateTime? TerminatedAt, string? TerminationReason)
{
    public static AgreementDto From(Agreement a) => new(a.Id, a.Kind, a.DocumentReference, a.DocumentSha256, a.Version, a.EffectiveFrom, a.ExpiresAt,
        a.Status, a.PermittedCategories, a.PermittedRegions,
        a.Parties.OrderBy(p => p.PartyId, StringComparer.Ordinal).Select(p => new AgreementPartyDto(p.PartyId, p.SignerName, p.SignerRole, p.SignedAt)).ToList(),
        a.CreatedAt, a.TerminatedAt, a.TerminationReason);
}

/// <summary>A framework agreement names one member (the operator is added as the other party); a bilateral one names two.</summary>
public sealed record CreateAgreementRequest(
    AgreementKind? Kind, string? DocumentReference, string? DocumentSha256, string? Version, DateTime? EffectiveFrom, DateTime? ExpiresAt,
    List<DataCategory>? PermittedCategories, List<string>? PermittedRegions, List<string>? MemberIds);

public sealed class CreateAgreementRequestValidator : AbstractValidator<CreateAgreementRequest>
{
    public CreateAgreementRequestValidator()
    {
        RuleFor(r => r.Kind).NotNull().IsInEnum();
        RuleFor(r => r.DocumentReference).Text(500);
        RuleFor(r => r.DocumentSha256).NotEmpty().Matches("^[0-9a-f]{64}$").WithMessage("Must be the document's SHA-256 as 64 lower-case hex digits.");
        RuleFor(r => r.Version).Text(40);
        RuleFor(r => r.EffectiveFrom).NotNull();
        RuleFor(r => r.ExpiresAt).NotNull().GreaterThan(r => r.EffectiveFrom).WithMessage("Must be after effectiveFrom.");
        RuleFor(r => r.PermittedCategories).NotEmpty().Must(c => c is null || c.Distinct().Count() == c.Count).WithMessage("List each category once.");
        RuleForEach(r => r.PermittedCategories).IsInEnum().NotEqual(DataCategory.Special).WithMessage("Special category data is never shared through the exchange.");
        RuleFor(r => r.PermittedRegions).NotEmpty().Must(c => c is null || c.Count <= 20);
        RuleForEach(r => r.PermittedRegions).Region();
        RuleFor(r => r.MemberIds).NotNull()
            .Must((r, ids) => r.Kind == AgreementKind.Framework ? ids is not null && ids.Count == 1 : ids is not null && ids.Count == 2 && ids[0] != ids[1])
            .WithMessage("A framework agreement names one member, a bilateral agreement two different members.");
        RuleForEach(r => r.MemberIds).Identifier().NotEqual(Member.OperatorId).WithMessage("The operator is added to framework agreements by the exchange.");
    }
}

public sealed record SignatureRequest(string? PartyId, string? SignerName, string? SignerRole);

public sealed class SignatureRequestValidator : AbstractValidator<SignatureRequest>
{
    public SignatureRequestValidator()
    {
        RuleFor(r => r.PartyId).Identifier();
        RuleFor(r => r.SignerName).Text(200);
        RuleFor(r => r.SignerRole).Text(200);
    }
}

public sealed record TerminateRequest(string? Reason);

public sealed class TerminateRequestValidator : AbstractValidator<TerminateRequest>
{
    public TerminateRequestValidator() => RuleFor(r => r.Reason).Text(1000);
}

public static class AgreementsEndpoints
{
    public static IEndpointRouteBuilder MapAgreementsEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/agreements").WithTags("Agreements");
        group.MapGet("/", List).RequireAuthorization(ApiPolicies.AgreementsRead)
            .Describe("listAgreements", "List agreements", "The agreements the caller's member is a party to (operator legal admins: all), optionally those naming `memberId`.");
        group.MapGet("/{id:guid}", Get).RequireAuthorization(ApiPolicies.AgreementsRead)
            .Describe("getAgreement", "Get an agreement", "One agreement with its parties' signature records; 404 when the caller is not a party.");
        group.MapPost("/", Create).RequireAuthorization(ApiPolicies.AgreementsWrite).Validated<CreateAgreementRequest>()
            .Describe("createAgreement", "Register an agreement", "Registers a framework or bilateral agreement awaiting signatures (legal admins of the operator).");
        group.MapPost("/{id:guid}/signatures", Sign).RequireAuthorization(ApiPolicies.AgreementsWrite).Validated<SignatureRequest>()
            .Describe("signAgreement", "Record a signature", "Records one party's signature; the agreement comes into force when every party has signed and its effective date is reached.");
        group.MapPost("/{id:guid}/terminate", Terminate).RequireAuthorization(ApiPolicies.AgreementsWrite).Validated<TerminateRequest>()
            .Describe("terminateAgreement", "Terminate an agreement", "Ends an agreement; open cases it alone covered are halted.");
        return app;
    }

    /// <summary>Operator staff read every agreement; a member only those it is party to.</summary>
    private static IQueryable<Agreement> Visible(ExchangeDbContext db, Caller caller) =>
        caller.IsOperator ? db.Agreements : db.Agreements.Where(a => a.Parties.Any(p => p.PartyId == caller.MemberId));

    private static async Task<Ok<List<AgreementDto>>> List(string? memberId, Caller caller, ExchangeDbContext db, CancellationToken cancellationToken)
    {
        var query = Visible(db, caller).AsNoTracking().Include(a => a.Parties);
        var filtered = string.IsNullOrEmpty(memberId) ? query : query.Where(a => a.Parties.Any(p => p.PartyId == memberId));
        var agreements = await filtered.OrderBy(a => a.CreatedAt).ThenBy(a => a.Id).Take(500).ToListAsync(cancellationToken);
        return TypedResults.Ok(agreements.Select(AgreementDto.From).ToList());
    }

    private static async Task<Results<Ok<AgreementDto>, ProblemHttpResult>> Get(Guid id, Caller caller, ExchangeDbContext db, CancellationToken cancellationToken)
    {
        var agreement = await Visible(db, caller).AsNoTracking().Include(a => a.Parties).FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        return agreement is null ? Problems.NotFound() : TypedResults.Ok(AgreementDto.From(agreement));
    }

    private static async Task<Results<Created<AgreementDto>, ValidationProblem>> Create(
        CreateAgreementRequest body, Caller caller, ExchangeDbContext db, AuditLog audit, TimeProvider clock, CancellationToken cancellationToken)
    {
        var memberIds = body.MemberIds!;
        var known = await db.Members.Where(m => memberIds.Contains(m.Id)).Select(m => m.Id).ToListAsync(cancellationToken);
        var unknown = memberIds.Except(known).FirstOrDefault();
        if (unknown is not null)
        {
            return Problems.Invalid("memberIds", "Every member named must exist.");
        }

        var now = clock.UtcNowStored();
        var agreement = new Agreement
        {
            Kind = body.Kind!.Value,
            DocumentReference = body.DocumentReference!,
            DocumentSha256 = body.DocumentSha256!,
            Version = body.Version!,
            EffectiveFrom = body.EffectiveFrom!.Value.ToUniversalTime(),
            ExpiresAt = body.ExpiresAt!.Value.ToUniversalTime(),
            Status = AgreementStatus.AwaitingSignatures,
            PermittedCategories = body.PermittedCategories!,
            PermittedRegions = body.PermittedRegions!,
            CreatedAt = now,
        };
        List<string> parties = body.Kind == AgreementKind.Framework ? [memberIds[0], Member.OperatorId] : memberIds;
        agreement.Parties.AddRange(parties.Select(p => new AgreementParty { AgreementId = agreement.Id, PartyId = p }));

        return await audit.InTransactionAsync<Results<Created<AgreementDto>, ValidationProblem>>(async () =>
        {
            db.Agreements.Add(agreement);
            await audit.AppendAsync(caller.Actor, "agreement.created", "agreement", agreement.Id.ToString(), details: new { parties }, cancellationToken: cancellationToken);
            return TypedResults.Created($"/api/v1/agreements/{agreement.Id}", AgreementDto.From(agreement));
        }, cancellationToken);
    }

    private static async Task<Results<Ok<AgreementDto>, ValidationProblem, ProblemHttpResult>> Sign(
        Guid id, SignatureRequest body, Caller caller, ExchangeDbContext db, AuditLog audit, TimeProvider clock, CancellationToken cancellationToken)
    {
        return await audit.InTransactionAsync<Results<Ok<AgreementDto>, ValidationProblem, ProblemHttpResult>>(async () =>
        {
            // Signatures and termination of one agreement take turns, so the last signature sees all the others.
            await CaseLocks.LockAsync(db, "agreement", id, cancellationToken);
            var agreement = await db.Agreements.Include(a => a.Parties).FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
            if (agreement is null)
            {
                return Problems.NotFound();
            }

            var party = agreement.Parties.FirstOrDefault(p => p.PartyId == body.PartyId);
            if (party is null)
            {
                return Problems.Invalid("partyId", "Not a party to this agreement.");
            }

            if (agreement.Status != AgreementStatus.AwaitingSignatures)
            {
                return Problems.Refused(new Refusal(RefusalCodes.AgreementNotChangeable, "Only an agreement awaiting signatures can be signed.", RefusalKind.Conflict));
            }

            if (party.SignedAt is not null)
            {
                return Problems.Refused(new Refusal(RefusalCodes.AlreadySigned, "This party has already signed.", RefusalKind.Conflict));
            }

            party.SignerName = body.SignerName;
            party.SignerRole = body.SignerRole;
            party.SignedAt = clock.UtcNowStored();
            if (agreement.Parties.All(p => p.SignedAt is not null))
            {
                agreement.Status = AgreementStatus.InForce;
            }

            await audit.AppendAsync(caller.Actor, "agreement.signed", "agreement", agreement.Id.ToString(), details: new { party = party.PartyId, status = agreement.Status.ToString() }, cancellationToken: cancellationToken);
            return TypedResults.Ok(AgreementDto.From(agreement));
        }, cancellationToken);
    }

    /// <summary>Terminates the agreement and halts the open cases that no other agreement in force now covers.</summary>
    private static async Task<Results<Ok<AgreementDto>, ProblemHttpResult>> Terminate(
        Guid id, TerminateRequest body, Caller caller, ExchangeDbContext db, AuditLog audit, TimeProvider clock,
        IOptions<RetentionOptions> retention, CancellationToken cancellationToken)
    {
        return await audit.InTransactionAsync<Results<Ok<AgreementDto>, ProblemHttpResult>>(async () =>
        {
            await CaseLocks.LockAsync(db, "agreement", id, cancellationToken);
            var agreement = await db.Agreements.Include(a => a.Parties).FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
            if (agreement is null)
            {
                return Problems.NotFound();
            }

            if (agreement.Status is AgreementStatus.Terminated or AgreementStatus.Expired)
            {
                return Problems.Refused(new Refusal(RefusalCodes.AgreementNotChangeable, "The agreement has already ended.", RefusalKind.Conflict));
            }

            var now = clock.UtcNowStored();
            agreement.Status = AgreementStatus.Terminated;
            agreement.TerminatedAt = now;
            agreement.TerminationReason = body.Reason;
            await audit.AppendAsync(caller.Actor, "agreement.terminated", "agreement", agreement.Id.ToString(), cancellationToken: cancellationToken);

            // The tracked, now terminated agreement is among those the coverage check loads, so it sees the termination.
            var members = agreement.Parties.Select(p => p.PartyId).Where(p => p != Member.OperatorId).ToList();
            await CaseChanges.HaltUncoveredAsync(db, audit, members, "agreement_terminated", now, retention.Value.Default, cancellationToken);

            return TypedResults.Ok(AgreementDto.From(agreement));
        }, cancellationToken);
    }
}
