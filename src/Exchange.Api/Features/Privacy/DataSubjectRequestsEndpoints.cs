using Exchange.Api.Auth;
using Exchange.Api.Http;
using Exchange.Api.OpenApi;
using Exchange.Core.Audit;
using Exchange.Core.Authorisations;
using Exchange.Core.Cases;
using Exchange.Core.Data;
using Exchange.Core.Privacy;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Api.Features.Privacy;

public sealed record DataSubjectDto(string? Email, string? Phone, string? Name);

public sealed record DataSubjectRequestDto(
    Guid Id, string MemberId, DataSubjectRight Type, string Status, DataSubjectDto Subject, string? IdentityVerification,
    DateTime CreatedAt, DateTime DueAt, DateTime? ExtendedAt, string? ExtensionReason, DateTime? CompletedAt, DateTime? LiftedAt, string? LiftReason,
    DateTime? ErasedAt, IReadOnlyList<Guid> CaseIds, IReadOnlyList<Guid> AuthorisationIds)
{
    public static DataSubjectRequestDto From(DataSubjectRequest r) => new(r.Id, r.MemberId, r.Right, StatusOf(r),
        new DataSubjectDto(r.SubjectEmail, r.SubjectPhone, r.SubjectName), r.IdentityVerification, r.CreatedAt, r.DueAt, r.ExtendedAt, r.ExtensionReason,
        r.CompletedAt, r.LiftedAt, r.LiftReason, r.ErasedAt, r.CaseIds.Select(Guid.Parse).ToList(), r.AuthorisationIds.Select(Guid.Parse).ToList());

    /// <summary>open, restricted (a restriction or objection in force), lifted, completed or erased.</summary>
    public static string StatusOf(DataSubjectRequest r) => r switch
    {
        { ErasedAt: not null } => "erased",
        { LiftedAt: not null } => "lifted",
        { Right: DataSubjectRight.Restriction or DataSubjectRight.Objection, CompletedAt: not null } => "restricted",
        { CompletedAt: not null } => "completed",
        _ => "open",
    };
}

/// <summary>One item of the person's data: what it is, where, who shared it with whom, when, on which basis, and when it goes.</summary>
public sealed record DataSubjectItemDto(
    string Kind, Guid? CaseId, Guid? AuthorisationId, string Part, string Value, string SharedBy, string SharedWith, DateTime SharedAt,
    IReadOnlyList<Guid> AgreementIds, DateTime? PurgeDueAt, string Status)
{
    public static DataSubjectItemDto From(DataSubjectItem i) =>
        new(i.Kind, i.CaseId, i.AuthorisationId, i.Part, i.Value, i.SharedBy, i.SharedWith, i.SharedAt, i.AgreementIds, i.PurgeDueAt, i.CaseStatus);
}

public sealed record DataSubjectFindingsDto(DataSubjectRequestDto Request, IReadOnlyList<DataSubjectItemDto> Items);

public sealed record DataSubjectRequestPage(IReadOnlyList<DataSubjectRequestDto> Items);

public sealed record CreateDataSubjectRequest(string? MemberId, string? Email, string? Phone, string? Name, string? IdentityVerification, DataSubjectRight? Type);

public sealed class CreateDataSubjectRequestValidator : AbstractValidator<CreateDataSubjectRequest>
{
    public CreateDataSubjectRequestValidator()
    {
        RuleFor(r => r.MemberId).Identifier().When(r => r.MemberId is not null);
        RuleFor(r => r.Email).NotEmpty().MaximumLength(320).EmailAddress();
        RuleFor(r => r.Phone).OptionalText(50).Must(p => p is null || Exchange.Core.Content.BlindIndex.NormalisePhone(p) is not null)
            .WithMessage("Must be a phone number of 6 to 20 digits.");
        RuleFor(r => r.Name).OptionalText(200);
        RuleFor(r => r.IdentityVerification).Text(1000);
        RuleFor(r => r.Type).NotNull().IsInEnum();
    }
}

public sealed record ReasonRequest(string? Reason);

public sealed class ReasonRequestValidator : AbstractValidator<ReasonRequest>
{
    public ReasonRequestValidator() => RuleFor(r => r.Reason).Text(1000);
}

public sealed record RectificationRequest(string? Email, string? Phone, string? Name);

public sealed class RectificationRequestValidator : AbstractValidator<RectificationRequest>
{
    public RectificationRequestValidator()
    {
        RuleFor(r => r).Must(r => r.Email is not null || r.Phone is not null || r.Name is not null).WithMessage("Give at least one corrected value.").OverridePropertyName("body");
        RuleFor(r => r.Email).MaximumLength(320).EmailAddress().When(r => r.Email is not null);
        RuleFor(r => r.Phone).OptionalText(50).Must(p => p is null || Exchange.Core.Content.BlindIndex.NormalisePhone(p) is not null)
            .WithMessage("Must be a phone number of 6 to 20 digits.");
        RuleFor(r => r.Name).OptionalText(200);
    }
}

/// <summary>
/// Data-subject requests (rule 8), for a member's privacy officer (its own member's requests) or the
/// operator's (any member's, naming it). Every read of case content a request makes is audited with
/// the request's id (<see cref="CaseAccess.WithinProcedure(string, CaseProcedure, Guid)"/>); another
/// member's request is 404. The other member of each affected case is told the case and the right.
/// </summary>
public static class DataSubjectRequestsEndpoints
{
    public static IEndpointRouteBuilder MapDataSubjectRequestsEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/data-subject-requests").WithTags("Privacy").RequireAuthorization(ApiPolicies.Privacy);
        group.MapPost("/", Create).Validated<CreateDataSubjectRequest>()
            .Describe("createDataSubjectRequest", "Open a data-subject request",
                "Records a person's request (access, rectification, restriction, objection or erasure) with how their identity was verified, due one month out, and finds every case, note and customer authorisation of the member holding their e-mail address, phone number or name.");
        group.MapGet("/", List)
            .Describe("listDataSubjectRequests", "List data-subject requests", "The member's requests, newest first (the operator's privacy officer: every member's).");
        group.MapGet("/{id:guid}", Get)
            .Describe("getDataSubjectRequest", "Get a data-subject request", "The request and every item of the person's data found now.");
        group.MapGet("/{id:guid}/export", Export)
            .Describe("exportDataSubjectRequest", "Export the person's data",
                "A portable export, `format=json` or `csv` (one row per item): what, which member shared it with which, when, on which agreement and authorisation, and when it will be purged.");
        group.MapPost("/{id:guid}/extension", Extend).Validated<ReasonRequest>()
            .Describe("extendDataSubjectRequest", "Extend the due date", "Extends the due date once, to three months after receipt, with a reason.");
        group.MapPost("/{id:guid}/rectification", Rectify).Validated<RectificationRequest>()
            .Describe("rectifyDataSubject", "Rectify the person's data", "Replaces the person's e-mail address, phone number or name everywhere they were found.");
        group.MapPost("/{id:guid}/restriction", Restrict)
            .Describe("restrictDataSubjectCases", "Restrict processing",
                "For a restriction or objection: the affected cases stay stored but refuse notes, changes and new fields (409 `case_restricted`) until lifted.");
        group.MapPost("/{id:guid}/lift", Lift).Validated<ReasonRequest>()
            .Describe("liftDataSubjectRestriction", "Lift a restriction", "Ends the restriction or objection's hold on its cases, with a reason.");
        group.MapPost("/{id:guid}/erasure", Erase)
            .Describe("eraseDataSubject", "Erase the person's data",
                "Purges every affected case now through the purge path (tombstones stay), erases the authoriser's details from the member's authorisations and the person's identifiers from the request.");
        return app;
    }

    private static DataSubject SubjectOf(DataSubjectRequest r) => new(r.SubjectEmail, r.SubjectPhone, r.SubjectName);

    private static IQueryable<DataSubjectRequest> Visible(ExchangeDbContext db, Caller caller) =>
        caller.IsOperator ? db.DataSubjectRequests : db.DataSubjectRequests.Where(r => r.MemberId == caller.MemberId);

    private static async Task<Results<Created<DataSubjectFindingsDto>, ValidationProblem, ProblemHttpResult>> Create(
        CreateDataSubjectRequest body, Caller caller, ExchangeDbContext db, AuditLog audit, TimeProvider clock, CancellationToken cancellationToken)
    {
        // The member comes from the token; only the operator's privacy officer names one.
        string memberId;
        if (caller.IsOperator)
        {
            if (body.MemberId is null)
            {
                return Problems.Invalid("memberId", "Name the member whose data the request concerns.");
            }

            memberId = body.MemberId;
        }
        else if (body.MemberId is not null && body.MemberId != caller.MemberId)
        {
            return Problems.Invalid("memberId", "A member's privacy officer opens requests for its own member only; leave it out.");
        }
        else
        {
            memberId = caller.MemberId;
        }

        await using var transaction = await audit.BeginAsync(cancellationToken);
        if (!await db.Members.AnyAsync(m => m.Id == memberId && m.Id != Exchange.Core.Members.Member.OperatorId, cancellationToken))
        {
            return Problems.Invalid("memberId", "No such member.");
        }

        var now = clock.UtcNowStored();
        var request = new DataSubjectRequest
        {
            MemberId = memberId,
            OpenedByMemberId = caller.MemberId,
            OpenedBy = caller.ActorId,
            Right = body.Type!.Value,
            SubjectEmail = body.Email!.Trim(),
            SubjectPhone = body.Phone?.Trim(),
            SubjectName = string.IsNullOrWhiteSpace(body.Name) ? null : body.Name.Trim(),
            IdentityVerification = body.IdentityVerification,
            CreatedAt = now,
            DueAt = now.AddMonths(1),
        };
        db.DataSubjectRequests.Add(request);
        var search = new DataSubjectSearch(db, audit);
        var found = await search.FindAsync(request, SubjectOf(request), caller.Actor, cancellationToken);
        Record(request, found);
        if (request.Right == DataSubjectRight.Access)
        {
            search.Notify(request, found.Cases, now);
        }

        await audit.AppendAsync(caller.Actor, "data_subject_request.opened", "data_subject_request", request.Id.ToString(), details: new
        {
            memberId, right = DataSubjectSearch.RightName(request.Right), cases = request.CaseIds, authorisations = request.AuthorisationIds, items = found.Items.Count,
        }, cancellationToken: cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Created($"/api/v1/data-subject-requests/{request.Id}",
            new DataSubjectFindingsDto(DataSubjectRequestDto.From(request), found.Items.Select(DataSubjectItemDto.From).ToList()));
    }

    private static void Record(DataSubjectRequest request, DataSubjectSearch.Found found)
    {
        request.CaseIds = found.Cases.Select(c => c.Id.ToString()).Union(request.CaseIds).Distinct().ToList();
        request.AuthorisationIds = found.Authorisations.Select(a => a.Id.ToString()).Union(request.AuthorisationIds).Distinct().ToList();
    }

    private static async Task<Ok<DataSubjectRequestPage>> List(Caller caller, ExchangeDbContext db, CancellationToken cancellationToken)
    {
        var rows = await Visible(db, caller).AsNoTracking().OrderByDescending(r => r.Id).Take(200).ToListAsync(cancellationToken);
        return TypedResults.Ok(new DataSubjectRequestPage(rows.Select(DataSubjectRequestDto.From).ToList()));
    }

    private static async Task<Results<Ok<DataSubjectFindingsDto>, ProblemHttpResult>> Get(
        Guid id, Caller caller, ExchangeDbContext db, AuditLog audit, CancellationToken cancellationToken)
    {
        await using var transaction = await audit.BeginAsync(cancellationToken);
        var request = await Visible(db, caller).AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (request is null)
        {
            return Problems.NotFound();
        }

        var items = await ItemsAsync(request, caller, db, audit, cancellationToken);
        await audit.AppendAsync(caller.Actor, "data_subject_request.read", "data_subject_request", id.ToString(), details: new { items = items.Count }, cancellationToken: cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(new DataSubjectFindingsDto(DataSubjectRequestDto.From(request), items));
    }

    /// <summary>What the request finds now: nothing once the person has been erased.</summary>
    private static async Task<List<DataSubjectItemDto>> ItemsAsync(DataSubjectRequest request, Caller caller, ExchangeDbContext db, AuditLog audit, CancellationToken cancellationToken)
    {
        if (request.ErasedAt is not null || request.SubjectEmail is null)
        {
            return [];
        }

        var found = await new DataSubjectSearch(db, audit).FindAsync(request, SubjectOf(request), caller.Actor, cancellationToken);
        return found.Items.Select(DataSubjectItemDto.From).ToList();
    }

    private static readonly string[] CsvHeader =
        ["kind", "caseId", "authorisationId", "part", "value", "sharedBy", "sharedWith", "sharedAt", "agreementIds", "purgeDueAt", "status"];

    private static async Task<Results<Ok<DataSubjectFindingsDto>, FileContentHttpResult, ValidationProblem, ProblemHttpResult>> Export(
        Guid id, string? format, Caller caller, ExchangeDbContext db, AuditLog audit, TimeProvider clock, CancellationToken cancellationToken)
    {
        format ??= "json";
        if (format is not ("json" or "csv"))
        {
            return Problems.Invalid("format", "Must be json or csv.");
        }

        await using var transaction = await audit.BeginAsync(cancellationToken);
        var request = await Visible(db, caller).FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (request is null)
        {
            return Problems.NotFound();
        }

        var items = await ItemsAsync(request, caller, db, audit, cancellationToken);
        if (request.Right == DataSubjectRight.Access && request.CompletedAt is null)
        {
            request.CompletedAt = clock.UtcNowStored();
        }

        await audit.AppendAsync(caller.Actor, "data_subject_request.exported", "data_subject_request", id.ToString(), details: new { format, items = items.Count }, cancellationToken: cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (format == "json")
        {
            return TypedResults.Ok(new DataSubjectFindingsDto(DataSubjectRequestDto.From(request), items));
        }

        var rows = items.Select(i => new[]
        {
            i.Kind, i.CaseId?.ToString(), i.AuthorisationId?.ToString(), i.Part, i.Value, i.SharedBy, i.SharedWith, Csv.Time(i.SharedAt),
            string.Join(' ', i.AgreementIds), i.PurgeDueAt is { } purge ? Csv.Time(purge) : null, i.Status,
        });
        return TypedResults.File(Csv.Write(CsvHeader, rows), "text/csv; charset=utf-8", $"data-subject-request-{id}.csv");
    }

    private static async Task<Results<Ok<DataSubjectRequestDto>, ProblemHttpResult>> Extend(
        Guid id, ReasonRequest body, Caller caller, ExchangeDbContext db, AuditLog audit, TimeProvider clock, CancellationToken cancellationToken)
    {
        await using var transaction = await audit.BeginAsync(cancellationToken);
        await CaseLocks.LockAsync(db, "data_subject_request", id, cancellationToken);
        var request = await Visible(db, caller).FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (request is null)
        {
            return Problems.NotFound();
        }

        if (request.ExtendedAt is not null)
        {
            return State("The due date has already been extended once.");
        }

        request.ExtendedAt = clock.UtcNowStored();
        request.ExtensionReason = body.Reason;
        request.DueAt = request.CreatedAt.AddMonths(3);
        await audit.AppendAsync(caller.Actor, "data_subject_request.extended", "data_subject_request", id.ToString(), details: new { dueAt = request.DueAt }, cancellationToken: cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(DataSubjectRequestDto.From(request));
    }

    private static async Task<Results<Ok<DataSubjectFindingsDto>, ProblemHttpResult>> Rectify(
        Guid id, RectificationRequest body, Caller caller, ExchangeDbContext db, AuditLog audit, TimeProvider clock, CancellationToken cancellationToken)
    {
        await using var transaction = await audit.BeginAsync(cancellationToken);
        var (request, refusal) = await ActionableAsync(id, caller, db, [DataSubjectRight.Rectification], cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        var subject = SubjectOf(request!);
        var corrected = new DataSubject(body.Email?.Trim(), body.Phone?.Trim(), body.Name?.Trim());
        var search = new DataSubjectSearch(db, audit);
        var found = await search.FindAsync(request!, subject, caller.Actor, cancellationToken);
        await LockFoundAsync(db, found, cancellationToken);
        var changed = DataSubjectSearch.Rectify(found, subject, corrected);
        var now = clock.UtcNowStored();
        Record(request!, found);
        search.Notify(request!, found.Cases, now);
        request!.SubjectEmail = corrected.Email ?? request.SubjectEmail;
        request.SubjectPhone = corrected.Phone ?? request.SubjectPhone;
        request.SubjectName = corrected.Name ?? request.SubjectName;
        request.CompletedAt = now;
        await audit.AppendAsync(caller.Actor, "data_subject_request.rectified", "data_subject_request", id.ToString(),
            details: new { cases = request.CaseIds, authorisations = request.AuthorisationIds, values = changed }, cancellationToken: cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        // The old identifiers must no longer find the cases: their blind index is rebuilt from the corrected values.
        await search.ReindexAsync(found.Cases, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(new DataSubjectFindingsDto(DataSubjectRequestDto.From(request), []));
    }

    private static async Task<Results<Ok<DataSubjectRequestDto>, ProblemHttpResult>> Restrict(
        Guid id, Caller caller, ExchangeDbContext db, AuditLog audit, TimeProvider clock, CancellationToken cancellationToken)
    {
        await using var transaction = await audit.BeginAsync(cancellationToken);
        var (request, refusal) = await ActionableAsync(id, caller, db, [DataSubjectRight.Restriction, DataSubjectRight.Objection], cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        var search = new DataSubjectSearch(db, audit);
        var found = await search.FindAsync(request!, SubjectOf(request!), caller.Actor, cancellationToken);
        await LockFoundAsync(db, found, cancellationToken);
        var now = clock.UtcNowStored();
        Record(request!, found);
        db.CaseRestrictions.AddRange(found.Cases.Select(c => new CaseRestriction { CaseId = c.Id, RequestId = request!.Id, CreatedAt = now }));
        // A restricted authorisation cannot be cited by a new case either (the authorisation gate refuses it).
        foreach (var authorisation in found.Authorisations)
        {
            authorisation.RestrictedAt ??= now;
        }

        search.Notify(request!, found.Cases, now);
        request!.CompletedAt = now;
        await audit.AppendAsync(caller.Actor, "data_subject_request.restricted", "data_subject_request", id.ToString(),
            details: new { cases = request.CaseIds, authorisations = request.AuthorisationIds }, cancellationToken: cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(DataSubjectRequestDto.From(request));
    }

    private static async Task<Results<Ok<DataSubjectRequestDto>, ProblemHttpResult>> Lift(
        Guid id, ReasonRequest body, Caller caller, ExchangeDbContext db, AuditLog audit, TimeProvider clock, CancellationToken cancellationToken)
    {
        await using var transaction = await audit.BeginAsync(cancellationToken);
        await CaseLocks.LockAsync(db, "data_subject_request", id, cancellationToken);
        var request = await Visible(db, caller).FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (request is null)
        {
            return Problems.NotFound();
        }

        if (request.Right is not (DataSubjectRight.Restriction or DataSubjectRight.Objection))
        {
            return WrongRight(request.Right);
        }

        if (request.CompletedAt is null || request.LiftedAt is not null)
        {
            return State("Only a restriction in force can be lifted.");
        }

        var now = clock.UtcNowStored();
        await db.CaseRestrictions.Where(r => r.RequestId == id).ExecuteDeleteAsync(cancellationToken);
        var authorisationIds = request.AuthorisationIds.Select(Guid.Parse).ToList();
        // Another restriction in force on the same authorisation keeps it restricted.
        var stillHeld = await db.DataSubjectRequests.AsNoTracking()
            .Where(r => r.Id != id && r.MemberId == request.MemberId && r.CompletedAt != null && r.LiftedAt == null
                && (r.Right == DataSubjectRight.Restriction || r.Right == DataSubjectRight.Objection))
            .Select(r => r.AuthorisationIds).ToListAsync(cancellationToken);
        var held = stillHeld.SelectMany(ids => ids).ToHashSet();
        foreach (var authorisation in await db.CustomerAuthorisations.Where(a => authorisationIds.Contains(a.Id)).ToListAsync(cancellationToken))
        {
            if (!held.Contains(authorisation.Id.ToString()))
            {
                authorisation.RestrictedAt = null;
            }
        }

        var caseIds = request.CaseIds.Select(Guid.Parse).ToList();
        // Ids and members only: telling the other member needs no content.
        var cases = await CaseAccess.ForMember(request.MemberId).Cases(db.Cases.AsNoTracking()).Where(c => caseIds.Contains(c.Id))
            .ToListAsync(cancellationToken);
        foreach (var collaboration in cases)
        {
            var other = collaboration.SubmittingMemberId == request.MemberId ? collaboration.ReceivingMemberId : collaboration.SubmittingMemberId;
            db.OutboxMessages.Add(Exchange.Core.Webhooks.CaseEvents.ForDataSubjectRequest(collaboration.Id, other, "lifted", now));
        }

        request.LiftedAt = now;
        request.LiftReason = body.Reason;
        await audit.AppendAsync(caller.Actor, "data_subject_request.lifted", "data_subject_request", id.ToString(), details: new { cases = request.CaseIds }, cancellationToken: cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(DataSubjectRequestDto.From(request));
    }

    private static async Task<Results<Ok<DataSubjectRequestDto>, ProblemHttpResult>> Erase(
        Guid id, Caller caller, ExchangeDbContext db, AuditLog audit, CasePurger purger, TimeProvider clock, CancellationToken cancellationToken)
    {
        DataSubjectRequest? request;
        await using (var transaction = await audit.BeginAsync(cancellationToken))
        {
            ProblemHttpResult? refusal;
            (request, refusal) = await ActionableAsync(id, caller, db, [DataSubjectRight.Erasure], cancellationToken);
            if (refusal is not null)
            {
                return refusal;
            }

            var search = new DataSubjectSearch(db, audit);
            var found = await search.FindAsync(request!, SubjectOf(request!), caller.Actor, cancellationToken);
            await LockFoundAsync(db, found, cancellationToken);
            var now = clock.UtcNowStored();
            Record(request!, found);
            search.Notify(request!, found.Cases, now);
            foreach (var authorisation in found.Authorisations)
            {
                authorisation.AuthorisedByName = ErasedMarker;
                authorisation.AuthorisedByEmail = null;
                authorisation.AuthorisedByRole = null;
                authorisation.RestrictedAt ??= now;
            }

            request!.SubjectEmail = null;
            request.SubjectPhone = null;
            request.SubjectName = null;
            request.IdentityVerification = ErasedMarker;
            request.ErasedAt = now;
            request.CompletedAt = now;
            await audit.AppendAsync(caller.Actor, "data_subject_request.erased", "data_subject_request", id.ToString(),
                details: new { cases = request.CaseIds, authorisations = request.AuthorisationIds }, cancellationToken: cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            // The same purge path as the jobs: data keys deleted, tombstones written, both members told.
            await purger.PurgeNowAsync(found.Cases.Select(c => c.Id).ToList(), caller.Actor, "data_subject_erasure", cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        // Nothing of what was erased may stay readable in the database files (freed pages, WAL).
        await ProviderStatements.ScrubFreedPagesAsync(db, cancellationToken);
        return TypedResults.Ok(DataSubjectRequestDto.From(request!));
    }

    public const string ErasedMarker = "[erased]";

    /// <summary>
    /// What a rectification, restriction or erasure changes, locked the way every other writer locks it
    /// (decision 0208): the authorisations first, then the cases, each in id order. A note or a state change
    /// in flight on one of the cases finishes first; one that arrives later waits, then meets the
    /// restriction (or the purge) instead of slipping in between the search and the commit.
    /// </summary>
    private static async Task LockFoundAsync(ExchangeDbContext db, DataSubjectSearch.Found found, CancellationToken cancellationToken)
    {
        foreach (var authorisationId in found.Authorisations.Select(a => a.Id).Distinct().Order())
        {
            await CaseLocks.LockAsync(db, "authorisation", authorisationId, cancellationToken);
        }

        await CaseLocks.LockCasesAsync(db, found.Cases.Select(c => c.Id), cancellationToken);
    }

    private static async Task<(DataSubjectRequest? Request, ProblemHttpResult? Refusal)> ActionableAsync(
        Guid id, Caller caller, ExchangeDbContext db, DataSubjectRight[] rights, CancellationToken cancellationToken)
    {
        // Two officers acting on one request take turns: the second finds it carried out.
        await CaseLocks.LockAsync(db, "data_subject_request", id, cancellationToken);
        var request = await Visible(db, caller).FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (request is null)
        {
            return (null, Problems.NotFound());
        }

        if (!rights.Contains(request.Right))
        {
            return (null, WrongRight(request.Right));
        }

        return request.CompletedAt is not null ? (null, State("The request has already been carried out.")) : (request, null);
    }

    private static ProblemHttpResult WrongRight(DataSubjectRight right) => Problems.Refused(new Refusal(RefusalCodes.DataSubjectRequestRight,
        $"This request is for {DataSubjectSearch.RightName(right)}; open a request for the right this action carries out.", RefusalKind.Conflict));

    private static ProblemHttpResult State(string detail) => Problems.Refused(new Refusal(RefusalCodes.DataSubjectRequestState, detail, RefusalKind.Conflict));
}
