using System.Text.Json;
using Exchange.Api.Auth;
using Exchange.Api.Http;
using Exchange.Api.OpenApi;
using Exchange.Core.Audit;
using Exchange.Core.Cases;
using Exchange.Core.Content;
using Exchange.Core.Data;
using Exchange.Core.Identity;
using Exchange.Core.Privacy;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Api.Features.Privacy;

public sealed record CreateBreachAssessmentRequest(string? ActorId, DateTime? From, DateTime? To, string? Description);

public sealed class CreateBreachAssessmentRequestValidator : AbstractValidator<CreateBreachAssessmentRequest>
{
    public CreateBreachAssessmentRequestValidator()
    {
        RuleFor(r => r.ActorId).Text(200);
        RuleFor(r => r.From).NotNull();
        RuleFor(r => r.To).NotNull().GreaterThan(r => r.From).When(r => r.From is not null).WithMessage("Must be after from.");
        RuleFor(r => r.Description).OptionalText(2000);
    }
}

/// <summary>A case the assessed actor read or changed in the window: which members, what it did, which categories the case holds.</summary>
public sealed record ExposedCaseDto(
    Guid CaseId, string? SubmittingMemberId, string? ReceivingMemberId, bool Read, bool Changed, IReadOnlyList<string> Actions,
    IReadOnlyList<DataCategory> Categories, bool Purged, int Subjects);

public sealed record BreachAssessmentDto(
    Guid Id, string ActorId, DateTime From, DateTime To, string? Description, DateTime OpenedAt, DateTime DeadlineAt,
    IReadOnlyList<ExposedCaseDto> Cases, IReadOnlyList<DataCategory> Categories, int DataSubjects, int Records,
    IReadOnlyList<string> MembersToInform, IReadOnlyList<string> Subjects);

/// <summary>The draft of the notification to the supervisory authority (GDPR article 33(3)).</summary>
public sealed record BreachNotificationDraftDto(
    Guid AssessmentId, DateTime OpenedAt, DateTime DeadlineAt, string Nature, IReadOnlyList<DataCategory> CategoriesOfData,
    int ApproximateDataSubjects, int ApproximateRecords, IReadOnlyList<string> MembersToInform, string LikelyConsequences,
    IReadOnlyList<string> MeasuresTaken, IReadOnlyList<string> MeasuresProposed, string Contact);

/// <summary>
/// Breach scoping (rule 9), for the operator's privacy officer: given a user or client id and a time
/// window, the audit log names every case it read or changed; the assessment counts the categories and
/// distinct data subjects those cases hold (reading their content within the assessment, each read
/// audited with its id), names the members to inform, and sets the 72-hour deadline from opening.
/// </summary>
public static class BreachAssessmentsEndpoints
{
    private static readonly HashSet<string> ReadActions = new(StringComparer.Ordinal) { "case.read", "case.listed", "case.notes_read" };

    public static IEndpointRouteBuilder MapBreachAssessmentsEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/breach-assessments").WithTags("Privacy").RequireAuthorization(ApiPolicies.Privacy);
        group.MapPost("/", Create).Validated<CreateBreachAssessmentRequest>()
            .Describe("createBreachAssessment", "Open a breach assessment",
                "The operator's privacy officer scopes a possible breach: every case the user or client read or changed in the window (from the audit log), the categories and number of distinct data subjects, the members to inform, and the deadline 72 hours from now.");
        group.MapGet("/{id:guid}", Get)
            .Describe("getBreachAssessment", "Get a breach assessment", "The assessment as it stands; `subjects=true` lists the data subjects (audited).");
        group.MapGet("/{id:guid}/notification", Notification)
            .Describe("getBreachNotificationDraft", "Draft the notification", "The draft notification a supervisory authority expects: nature, categories and approximate numbers of subjects and records, likely consequences, measures.");
        return app;
    }

    private static ProblemHttpResult? OperatorOnly(Caller caller) =>
        caller.IsOperator ? null : Problems.Forbidden("Breach assessments are the operator's privacy officer's.");

    private static async Task<Results<Created<BreachAssessmentDto>, ValidationProblem, ProblemHttpResult>> Create(
        CreateBreachAssessmentRequest body, Caller caller, ExchangeDbContext db, AuditLog audit, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (OperatorOnly(caller) is { } forbidden)
        {
            return forbidden;
        }

        await using var transaction = await audit.BeginAsync(cancellationToken);
        var now = clock.UtcNowStored();
        var from = body.From!.Value.ToUniversalTime();
        var to = body.To!.Value.ToUniversalTime();
        var actorId = body.ActorId!;
        var entries = await db.AuditEntries.AsNoTracking().Where(e => e.ActorId == actorId && e.OccurredAt >= from && e.OccurredAt <= to)
            .OrderBy(e => e.Id).Select(e => new { e.Action, e.CaseId, e.Details }).ToListAsync(cancellationToken);
        var caseIds = new SortedSet<Guid>();
        foreach (var entry in entries)
        {
            foreach (var id in CasesNamed(entry.Action, entry.CaseId, entry.Details))
            {
                caseIds.Add(id);
            }
        }

        var assessment = new BreachAssessment
        {
            ActorId = actorId,
            WindowFrom = from,
            WindowTo = to,
            Description = body.Description,
            OpenedAt = now,
            DeadlineAt = now.AddHours(72),
            OpenedBy = caller.ActorId,
            CaseIds = caseIds.Select(c => c.ToString()).ToList(),
        };
        db.BreachAssessments.Add(assessment);
        var dto = await AssessAsync(assessment, caller, db, audit, listSubjects: false, cancellationToken);
        await audit.AppendAsync(caller.Actor, "breach_assessment.opened", "breach_assessment", assessment.Id.ToString(),
            details: new { actorId, from, to, cases = assessment.CaseIds }, cancellationToken: cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Created($"/api/v1/breach-assessments/{assessment.Id}", dto);
    }

    /// <summary>The cases an audit entry names: its case, and for a list the cases the list showed (not the operator's metadata lists).</summary>
    private static IEnumerable<Guid> CasesNamed(string action, Guid? caseId, string? details)
    {
        if (caseId is { } id)
        {
            yield return id;
        }

        if (action == "case.listed" && details is not null && JsonDocument.Parse(details).RootElement is { ValueKind: JsonValueKind.Object } root
            && root.TryGetProperty("cases", out var cases) && cases.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in cases.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.String && Guid.TryParse(item.GetString(), out var listed))
                {
                    yield return listed;
                }
            }
        }
    }

    private static async Task<BreachAssessmentDto> AssessAsync(
        BreachAssessment assessment, Caller caller, ExchangeDbContext db, AuditLog audit, bool listSubjects, CancellationToken cancellationToken)
    {
        var caseIds = assessment.CaseIds.Select(Guid.Parse).ToList();
        var from = assessment.WindowFrom;
        var to = assessment.WindowTo;
        var actorId = assessment.ActorId;
        var entries = await db.AuditEntries.AsNoTracking().Where(e => e.ActorId == actorId && e.OccurredAt >= from && e.OccurredAt <= to)
            .Select(e => new { e.Action, e.CaseId, e.Details }).ToListAsync(cancellationToken);
        var actions = caseIds.ToDictionary(id => id, _ => new SortedSet<string>(StringComparer.Ordinal));
        foreach (var entry in entries)
        {
            foreach (var id in CasesNamed(entry.Action, entry.CaseId, entry.Details))
            {
                if (actions.TryGetValue(id, out var set))
                {
                    set.Add(entry.Action);
                }
            }
        }

        // The content of the cases concerned, within this assessment only; every case opened is audited with its id.
        var access = CaseAccess.WithinProcedure(caseIds, CaseProcedure.BreachAssessment, assessment.Id);
        var query = access.Cases(db.Cases.AsNoTracking());
        await access.UnlockAsync(db, query, cancellationToken);
        var live = await query.Include(c => c.Fields).AsSplitQuery().ToListAsync(cancellationToken);
        var tombstones = await access.Tombstones(db.Tombstones.AsNoTracking()).ToListAsync(cancellationToken);
        var subjects = new SortedSet<string>(StringComparer.Ordinal);
        var records = 0;
        var exposed = new List<ExposedCaseDto>();
        foreach (var id in caseIds)
        {
            var acts = actions[id].ToList();
            var read = acts.Any(ReadActions.Contains);
            var changed = acts.Any(a => !ReadActions.Contains(a));
            if (live.FirstOrDefault(c => c.Id == id) is { } collaboration)
            {
                await audit.AppendAsync(caller.Actor, "case.read", "case", id.ToString(), id, access.AuditDetails, cancellationToken);
                var caseSubjects = SubjectsOf(collaboration.Fields);
                subjects.UnionWith(caseSubjects);
                records += collaboration.Fields.Count(f => f.Category == DataCategory.Contact);
                exposed.Add(new ExposedCaseDto(id, collaboration.SubmittingMemberId, collaboration.ReceivingMemberId, read, changed, acts,
                    collaboration.Fields.Select(f => f.Category).Distinct().Order().ToList(), false, caseSubjects.Count));
            }
            else if (tombstones.FirstOrDefault(t => t.CaseId == id) is { } tombstone)
            {
                exposed.Add(new ExposedCaseDto(id, tombstone.SubmittingMemberId, tombstone.ReceivingMemberId, read, changed, acts, [], true, 0));
            }
            else
            {
                exposed.Add(new ExposedCaseDto(id, null, null, read, changed, acts, [], true, 0));
            }
        }

        if (listSubjects)
        {
            await audit.AppendAsync(caller.Actor, "breach_assessment.subjects_listed", "breach_assessment", assessment.Id.ToString(),
                details: new { count = subjects.Count }, cancellationToken: cancellationToken);
        }

        var members = exposed.SelectMany(c => new[] { c.SubmittingMemberId, c.ReceivingMemberId }).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList();
        return new BreachAssessmentDto(assessment.Id, assessment.ActorId, assessment.WindowFrom, assessment.WindowTo, assessment.Description,
            assessment.OpenedAt, assessment.DeadlineAt, exposed, exposed.SelectMany(c => c.Categories).Distinct().Order().ToList(),
            subjects.Count, records, members, listSubjects ? subjects.ToList() : []);
    }

    /// <summary>The distinct people a case's contact fields name: by e-mail address, else phone number, else name.</summary>
    private static List<string> SubjectsOf(IEnumerable<CaseField> fields)
    {
        var byName = fields.Where(f => f.Value is not null).ToDictionary(f => f.Name, f => f.Value, StringComparer.Ordinal);
        string? Key(string field, Func<string, string?> normalise) => byName.TryGetValue(field, out var value) ? normalise(value) : null;
        var key = Key(FieldCatalogue.CustomerContactEmail, BlindIndex.NormaliseEmail)
            ?? Key(FieldCatalogue.CustomerContactPhone, BlindIndex.NormalisePhone)
            ?? Key(FieldCatalogue.CustomerContactName, n => "name:" + n.Trim().ToLowerInvariant());
        return key is null ? [] : [key];
    }

    private static async Task<Results<Ok<BreachAssessmentDto>, ProblemHttpResult>> Get(
        Guid id, bool? subjects, Caller caller, ExchangeDbContext db, AuditLog audit, CancellationToken cancellationToken)
    {
        if (OperatorOnly(caller) is { } forbidden)
        {
            return forbidden;
        }

        await using var transaction = await audit.BeginAsync(cancellationToken);
        var assessment = await db.BreachAssessments.AsNoTracking().FirstOrDefaultAsync(b => b.Id == id, cancellationToken);
        if (assessment is null)
        {
            return Problems.NotFound();
        }

        var dto = await AssessAsync(assessment, caller, db, audit, subjects == true, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(dto);
    }

    private static async Task<Results<Ok<BreachNotificationDraftDto>, ProblemHttpResult>> Notification(
        Guid id, Caller caller, ExchangeDbContext db, AuditLog audit, CancellationToken cancellationToken)
    {
        if (OperatorOnly(caller) is { } forbidden)
        {
            return forbidden;
        }

        await using var transaction = await audit.BeginAsync(cancellationToken);
        var assessment = await db.BreachAssessments.AsNoTracking().FirstOrDefaultAsync(b => b.Id == id, cancellationToken);
        if (assessment is null)
        {
            return Problems.NotFound();
        }

        var a = await AssessAsync(assessment, caller, db, audit, listSubjects: false, cancellationToken);
        await audit.AppendAsync(caller.Actor, "breach_assessment.notification_drafted", "breach_assessment", id.ToString(), cancellationToken: cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        var contact = a.Categories.Contains(DataCategory.Contact);
        var draft = new BreachNotificationDraftDto(a.Id, a.OpenedAt, a.DeadlineAt,
            $"Possible unauthorised access through the credentials of {a.ActorId} between {a.From:u} and {a.To:u}: {a.Cases.Count(c => c.Read)} case(s) read, {a.Cases.Count(c => c.Changed)} changed, of members {string.Join(", ", a.MembersToInform)}.",
            a.Categories, a.DataSubjects, a.Records, a.MembersToInform,
            contact
                ? "Contact details of customer staff (names, business e-mail addresses and phone numbers) and technical descriptions of faults may have been disclosed; risks are unsolicited contact and phishing. No special category data is shared through the exchange."
                : "Technical descriptions of faults and customer organisation names may have been disclosed; no contact details or special category data are concerned.",
            ["Credentials of the actor revoked or rotated", "Audit log of the window verified and preserved", "Members concerned informed through the exchange"],
            ["Members to inform the customers concerned where the risk to them is high", "Review of the actor's access and of the members' integrations"],
            "The exchange operator's privacy officer");
        return TypedResults.Ok(draft);
    }
}
