using Exchange.Api.OpenApi;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Exchange.Api.Auth;
using Exchange.Api.Http;
using Exchange.Core.Audit;
using Exchange.Core.Authorisations;
using Exchange.Core.Cases;
using Exchange.Core.Content;
using Exchange.Core.Data;
using Exchange.Core.Identity;
using Exchange.Core.Members;
using Exchange.Core.Privacy;
using Exchange.Core.Webhooks;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Exchange.Api.Features.Cases;

/// <summary>The services every case handler uses.</summary>
public sealed record CaseServices(
    ExchangeDbContext Db, AuditLog Audit, TimeProvider Clock, IOptions<RetentionOptions> Retention, IOptions<ApiOptions> Limits,
    ILogger<CaseServices> Logger, HttpContext Http)
{
    public DateTime Now => Clock.UtcNowStored();
}

/// <summary>
/// Collaboration requests. Need-to-know first on every id route: a caller that is not one of the
/// case's two members (operator staff included) gets the same 404 as for an id that does not exist.
/// Every read and change appends to the audit log in the transaction that reads or writes the case.
/// </summary>
public static class CasesEndpoints
{
    public static IEndpointRouteBuilder MapCasesEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/cases").WithTags("Cases");
        group.MapGet("/", List).RequireAuthorization(ApiPolicies.CasesRead)
            .Describe("listCases", "List cases", "The caller's cases, newest first: `box=inbox` (received) or `outbox` (sent), optionally by `status`; `status=purged` lists tombstones. Keyset pages via `cursor`.");
        group.MapPost("/", Create).RequireAuthorization(ApiPolicies.CasesWrite).RequireRateLimiting(RequestLimits.CaseCreationPolicy).Validated<CreateCaseRequest>()
            .Describe("createCase", "Open a case", "Submits a collaboration request to another member. The agreement, authorisation and transfer gates run, then minimisation; a refusal is a 422 with a stable code and nothing is stored. Send an Idempotency-Key to retry safely.");
        group.MapPost("/preview", Preview).RequireAuthorization(ApiPolicies.CasesWrite).Validated<CreateCaseRequest>()
            .Describe("previewCase", "Preview a case", "Runs the same gates and minimisation as opening a case and shows what the receiver would see; nothing is stored.");
        group.MapGet("/{id:guid}", Get).RequireAuthorization(ApiPolicies.CasesRead)
            .Describe("getCase", "Get a case", "One case of the caller's member with its ETag; a purged case answers with its tombstone (status `purged`). Anyone else gets 404.");
        group.MapPost("/{id:guid}/accept", Accept).RequireAuthorization(ApiPolicies.CasesWrite).Validated<AcceptRequest>(bodyOptional: true)
            .Describe("acceptCase", "Accept a case", "The receiver accepts a submitted case. Requires If-Match with the current ETag.");
        group.MapPost("/{id:guid}/reject", Reject).RequireAuthorization(ApiPolicies.CasesWrite).Validated<RejectRequest>()
            .Describe("rejectCase", "Reject a case", "The receiver rejects a submitted case with a reason. Requires If-Match.");
        group.MapPost("/{id:guid}/information-requests", RequestInformation).RequireAuthorization(ApiPolicies.CasesWrite).Validated<RequestInformationRequest>()
            .Describe("requestCaseInformation", "Ask the submitter for information", "The receiver asks a question; the case waits for the submitter's answer. Requires If-Match.");
        // The path before decision 0205: it still works, but is left out of the document because
        // its segment turns into a `RequestInformation` namespace in Kiota's C# client, which
        // hides Kiota's own RequestInformation type and breaks the build.
        group.MapPost("/{id:guid}/request-information", RequestInformation).RequireAuthorization(ApiPolicies.CasesWrite).Validated<RequestInformationRequest>()
            .ExcludeFromDescription();
        group.MapPost("/{id:guid}/provide-information", ProvideInformation).RequireAuthorization(ApiPolicies.CasesWrite).Validated<ProvideInformationRequest>()
            .Describe("provideCaseInformation", "Answer the receiver's question", "The submitter answers; the case returns to submitted. Requires If-Match.");
        group.MapPost("/{id:guid}/resolve", Resolve).RequireAuthorization(ApiPolicies.CasesWrite).Validated<ResolveRequest>()
            .Describe("resolveCase", "Resolve a case", "The receiver records the steps taken and the conclusion; the retention clock starts. Requires If-Match.");
        group.MapGet("/{id:guid}/notes", ListNotes).RequireAuthorization(ApiPolicies.CasesRead)
            .Describe("listCaseNotes", "List a case's notes", "The notes both members added, oldest first.");
        group.MapPost("/{id:guid}/notes", AddNote).RequireAuthorization(ApiPolicies.CasesWrite).Validated<NoteRequest>()
            .Describe("addCaseNote", "Add a note", "Adds a note to an open case; free text is screened for personal data as the receiver's policy says.");
        return app;
    }

    // ---- list ----

    private static async Task<Results<Ok<CasePage>, ValidationProblem>> List(
        string? box, string? status, string? cursor, int? limit, Caller caller, [AsParameters] CaseServices s, CancellationToken cancellationToken)
    {
        var max = s.Limits.Value.MaxPageSize;
        var size = limit ?? s.Limits.Value.DefaultPageSize;
        if (size < 1 || size > max)
        {
            return Problems.Invalid("limit", $"Must be between 1 and {max}.");
        }

        CaseStatus? wanted = null;
        if (status is not null)
        {
            var match = Enum.GetValues<CaseStatus>().Where(v => CaseLifecycle.StatusName(v) == status).ToList();
            if (match.Count == 0)
            {
                return Problems.Invalid("status", "Must be one of: " + string.Join(", ", Enum.GetValues<CaseStatus>().Select(CaseLifecycle.StatusName)) + ".");
            }

            wanted = match[0];
        }

        Guid? after = null;
        if (cursor is not null)
        {
            if (!KeysetCursor.TryDecode(cursor, out var decoded))
            {
                return Problems.Invalid("cursor", "Not a cursor this API issued.");
            }

            after = decoded;
        }

        var access = caller.Access;
        var metadataOnly = access.MetadataOnly;
        if (!metadataOnly && box is not null and not "inbox" and not "outbox")
        {
            return Problems.Invalid("box", "Must be inbox or outbox.");
        }

        if (metadataOnly && box is not null)
        {
            return Problems.Invalid("box", "Operator staff list case metadata across members; leave out box.");
        }

        if (wanted == CaseStatus.Purged)
        {
            return TypedResults.Ok(await ListPurgedAsync(box, after, size, access, caller, s, cancellationToken));
        }

        // Operator staff see every case's metadata (ids, members, states, timestamps), never content.
        var query = access.Box(s.Db.Cases.AsNoTracking(), box);

        if (wanted is { } st)
        {
            query = query.Where(c => c.Status == st);
        }

        if (after is { } last)
        {
            // Keyset: ids are version 7 UUIDs, so id order is creation order on every provider.
            query = query.Where(c => c.Id.CompareTo(last) < 0);
        }

        // Content is ciphertext in the database: the page is read with its stored columns, then
        // opened with the keys of the page's cases (only the caller's own cases reach here).
        var rows = await query.OrderByDescending(c => c.Id).Take(size + 1)
            .Select(c => new
            {
                c.Id, c.SubmittingMemberId, c.ReceivingMemberId, c.Severity, c.Status, c.CreatedAt, c.UpdatedAt, c.ResponseDueAt, c.ConcludedAt,
                Version = EF.Property<int>(c, CaseContentInterceptor.VersionProperty),
                SubmitterReference = metadataOnly ? null : c.SubmitterCaseReference,
                ReceiverReference = metadataOnly ? null : c.ReceiverCaseReference,
                // Two scalar subqueries, each a primary-key lookup per listed case. An object here made
                // EF join a window over every case's summary, which grew with the whole table
                // (300-700 ms a page at 1,000,000 cases in the issue 13 benchmark).
                Summary = metadataOnly ? null : c.Fields.Where(f => f.Name == FieldCatalogue.Summary).Select(f => f.Value).FirstOrDefault(),
                SummaryVersion = metadataOnly ? 0 : c.Fields.Where(f => f.Name == FieldCatalogue.Summary)
                    .Select(f => EF.Property<int>(f, CaseContentInterceptor.VersionProperty)).FirstOrDefault(),
            })
            .ToListAsync(cancellationToken);
        var page = rows.Take(size).ToList();
        var pageIds = page.Select(r => r.Id).ToList();
        await access.UnlockAsync(s.Db, s.Db.Cases.Where(c => pageIds.Contains(c.Id)), cancellationToken);

        var items = new List<CaseSummaryDto>(page.Count);
        foreach (var r in page)
        {
            string? submitterReference = null, receiverReference = null, summary = null;
            try
            {
                submitterReference = s.Db.OpenProjected(r.Id, CaseContentInterceptor.CasePurpose(nameof(CollaborationCase.SubmitterCaseReference)), r.Version, r.SubmitterReference);
                receiverReference = s.Db.OpenProjected(r.Id, CaseContentInterceptor.CasePurpose(nameof(CollaborationCase.ReceiverCaseReference)), r.Version, r.ReceiverReference);
                summary = r.Summary is null ? null : s.Db.OpenProjected(r.Id, CaseContentInterceptor.FieldPurpose(FieldCatalogue.Summary), r.SummaryVersion, r.Summary);
            }
            catch (CaseContentIntegrityException)
            {
                // One damaged case must not hide the others: its line shows no content; reading it fails.
                s.Logger.LogError("Stored content of case {CaseId} failed authentication; listed without content", r.Id);
                submitterReference = receiverReference = summary = null;
            }

            items.Add(new CaseSummaryDto(r.Id, r.SubmittingMemberId, r.ReceivingMemberId, r.Severity, r.Status,
                submitterReference, receiverReference, summary, r.CreatedAt, r.UpdatedAt, r.ResponseDueAt, r.ConcludedAt));
        }

        var next = rows.Count > size ? KeysetCursor.Encode(items[^1].Id) : null;

        await s.Audit.InTransactionAsync(() => s.Audit.AppendAsync(caller.Actor, metadataOnly ? "case.metadata_listed" : "case.listed", "case", null,
            details: new { box, count = items.Count, cases = items.Select(i => i.Id) }, cancellationToken: cancellationToken), cancellationToken);

        return TypedResults.Ok(new CasePage(items, next));
    }

    /// <summary>
    /// `status=purged`: the tombstones of the caller's purged cases, as list lines with what the
    /// tombstone keeps. The case list without this filter shows cases that still hold data.
    /// </summary>
    private static async Task<CasePage> ListPurgedAsync(
        string? box, Guid? after, int size, CaseAccess access, Caller caller, CaseServices s, CancellationToken cancellationToken)
    {
        var metadataOnly = access.MetadataOnly;
        var query = access.Box(s.Db.Tombstones.AsNoTracking(), box);

        if (after is { } last)
        {
            query = query.Where(t => t.CaseId.CompareTo(last) < 0);
        }

        var rows = await query.OrderByDescending(t => t.CaseId).Take(size + 1).ToListAsync(cancellationToken);
        var items = rows.Take(size).Select(t => new CaseSummaryDto(t.CaseId, t.SubmittingMemberId, t.ReceivingMemberId, null, CaseStatus.Purged,
            null, null, metadataOnly ? null : t.Summary, t.OpenedAt, t.PurgedAt, null, t.ConcludedAt)).ToList();
        var next = rows.Count > size ? KeysetCursor.Encode(items[^1].Id) : null;

        await s.Audit.InTransactionAsync(() => s.Audit.AppendAsync(caller.Actor, metadataOnly ? "case.metadata_listed" : "case.listed", "case", null,
            details: new { box, status = "purged", count = items.Count, cases = items.Select(i => i.Id) }, cancellationToken: cancellationToken), cancellationToken);
        return new CasePage(items, next);
    }

    /// <summary>
    /// The tombstone of a purged case, for its two members only (anyone else gets the same 404 as
    /// for an id that never existed), with the reason its purge's audit entry recorded.
    /// </summary>
    internal static async Task<CaseDto?> PurgedCaseAsync(ExchangeDbContext db, Guid id, Caller caller, CancellationToken cancellationToken)
    {
        var access = caller.Access;
        var tombstone = access.MetadataOnly ? null : await access.Tombstones(db.Tombstones.AsNoTracking().Include(t => t.Receipts))
            .FirstOrDefaultAsync(t => t.CaseId == id, cancellationToken);
        if (tombstone is null)
        {
            return null;
        }

        var details = await db.AuditEntries.AsNoTracking()
            .Where(e => e.CaseId == id && e.Action == CasePurger.AuditAction)
            .OrderBy(e => e.Id).Select(e => e.Details).FirstOrDefaultAsync(cancellationToken);
        string? reason = null;
        if (details is not null && System.Text.Json.JsonDocument.Parse(details).RootElement is { ValueKind: System.Text.Json.JsonValueKind.Object } root
            && root.TryGetProperty("reason", out var value) && value.ValueKind == System.Text.Json.JsonValueKind.String)
        {
            reason = value.GetString();
        }

        return CaseDto.From(tombstone, reason);
    }

    // ---- create and preview ----

    private static async Task<Results<Created<CaseDto>, ValidationProblem, ProblemHttpResult>> Create(
        CreateCaseRequest body, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, Caller caller, [AsParameters] CaseServices s,
        CancellationToken cancellationToken)
    {
        if (CanSubmit(caller) is { } forbidden)
        {
            return forbidden;
        }

        if (idempotencyKey is not null && (idempotencyKey.Length is 0 or > 200 || idempotencyKey.Any(c => c is < '!' or > '~')))
        {
            return Problems.Invalid("Idempotency-Key", "Must be 1 to 200 visible ASCII characters.");
        }

        var (inputs, invalid) = await LoadInputsAsync(body, caller, s, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }

        var receiver = inputs!.Receiver;
        var early = CaseSubmissionRules.Evaluate(inputs.Context(caller.MemberId, body.Fields!, s.Now));
        if (early.Refusal is { } refusedEarly && idempotencyKey is null)
        {
            // Refused before any lock or write; with an Idempotency-Key, a replay of an earlier success comes first.
            return Refused(refusedEarly, body, caller, receiver, s);
        }

        return await s.Audit.InTransactionAsync<Results<Created<CaseDto>, ValidationProblem, ProblemHttpResult>>(async () =>
        {
            var scope = $"{caller.ClientId ?? "-"}/{caller.ActorId}";
            var requestHash = Hash(body);
            if (idempotencyKey is not null)
            {
                // Under a lock on this key until commit, so a retry racing the first request waits for it
                // and then replays it (the audit log no longer serialises writers: decision 0208).
                await ProviderStatements.LockAsync(s.Db, $"idempotency/{caller.MemberId}/{scope}/{idempotencyKey}", shared: false, cancellationToken);
                var previous = await s.Db.IdempotencyRecords.AsNoTracking()
                    .FirstOrDefaultAsync(r => r.MemberId == caller.MemberId && r.ClientId == scope && r.Key == idempotencyKey, cancellationToken);
                if (previous is not null)
                {
                    if (previous.RequestHash != requestHash)
                    {
                        return Problems.Refused(new Refusal(RefusalCodes.IdempotencyKeyReused,
                            "This Idempotency-Key was used with a different request body."));
                    }

                    return await ReplayAsync(previous, caller, s, cancellationToken);
                }
            }

            if (early.Refusal is { } refusal)
            {
                return Refused(refusal, body, caller, receiver, s);
            }

            // The authorisation and agreements the decision rests on, held against a withdrawal or a
            // termination (which take them exclusively and purge or halt their cases), then read again:
            // one committed since the first read refuses this case; one after it waits and takes it along.
            await CaseLocks.HoldAsync(s.Db, body.CustomerAuthorisationId!.Value, early.Accepted!.Terms.AgreementIds, cancellationToken);
            var (current, _) = await LoadInputsAsync(body, caller, s, cancellationToken);
            var outcome = CaseSubmissionRules.Evaluate(current!.Context(caller.MemberId, body.Fields!, s.Now));
            if (outcome.Refusal is { } late)
            {
                return Refused(late, body, caller, receiver, s);
            }

            var accepted = outcome.Accepted!;
            var now = s.Now;
            var collaboration = new CollaborationCase
            {
                SubmittingMemberId = caller.MemberId,
                ReceivingMemberId = receiver.Id,
                CustomerAuthorisationId = body.CustomerAuthorisationId!.Value,
                Severity = body.Severity!.Value,
                SubmitterCaseReference = body.SubmitterCaseReference!,
                OpenedBy = caller.ActorId,
                OpenedByInitials = caller.Initials,
                CreatedAt = now,
                UpdatedAt = now,
                ResponseDueAt = CaseLifecycle.ResponseDue(receiver.IntakePolicy, body.Severity.Value, now),
            };
            collaboration.Fields.AddRange(accepted.Fields.Select(f => new CaseField
            {
                CaseId = collaboration.Id, Name = f.Key, Category = FieldCatalogue.Find(f.Key)!.Category, Value = f.Value,
            }));
            collaboration.WithheldFields.AddRange(accepted.Withheld.Select(w => new WithheldField { CaseId = collaboration.Id, Name = w.Field, Reason = w.Reason }));
            s.Db.Cases.Add(collaboration);

            var location = $"/api/v1/cases/{collaboration.Id}";
            if (idempotencyKey is not null)
            {
                // Only the case id is kept, not the response body: the body holds case data, which must
                // go when the case is purged. A replay renders the stored case again.
                s.Db.IdempotencyRecords.Add(new IdempotencyRecord
                {
                    MemberId = caller.MemberId, ClientId = scope, Key = idempotencyKey, RequestHash = requestHash,
                    StatusCode = StatusCodes.Status201Created, Location = location, CreatedAt = now, CompletedAt = now,
                });
            }

            await s.Audit.AppendAsync(caller.Actor, "case.created", "case", collaboration.Id.ToString(), collaboration.Id, new
            {
                receiver = receiver.Id,
                authorisation = collaboration.CustomerAuthorisationId,
                agreements = accepted.Terms.AgreementIds,
                fields = accepted.Fields.Keys,
                withheld = accepted.Withheld.Select(w => new { field = w.Field, reason = w.Reason }),
            }, cancellationToken);
            s.Db.OutboxMessages.Add(CaseEvents.ForCase(CaseEvents.Created, collaboration, now));
            ETags.Set(s.Http, collaboration);
            return TypedResults.Created(location, CaseDto.From(collaboration));
        }, cancellationToken);
    }

    private static async Task<Results<Ok<CasePreviewDto>, ValidationProblem, ProblemHttpResult>> Preview(
        CreateCaseRequest body, Caller caller, [AsParameters] CaseServices s, CancellationToken cancellationToken)
    {
        if (CanSubmit(caller) is { } forbidden)
        {
            return forbidden;
        }

        var (inputs, invalid) = await LoadInputsAsync(body, caller, s, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }

        var receiver = inputs!.Receiver;
        var outcome = CaseSubmissionRules.Evaluate(inputs.Context(caller.MemberId, body.Fields!, s.Now));
        if (outcome.Refusal is { } refusal)
        {
            return Problems.Refused(refusal);
        }

        return TypedResults.Ok(new CasePreviewDto(receiver.Id, outcome.Accepted!.Fields,
            outcome.Accepted.Withheld.Select(w => new WithheldFieldDto(w.Field, w.Reason)).ToList()));
    }

    private static ProblemHttpResult? CanSubmit(Caller caller) =>
        caller.IsOperator || !caller.HasScope(Scopes.CasesWrite) || !Caller.IsEngineer(caller)
            ? Problems.Forbidden("Only a member's engineers and systems open cases.")
            : null;

    private static ProblemHttpResult Refused(Refusal refusal, CreateCaseRequest body, Caller caller, Member receiver, CaseServices s)
    {
        s.Logger.LogInformation("Case submission refused with {Code}: member {Member} actor {Actor} receiver {Receiver} authorisation {Authorisation}",
            refusal.Code, caller.MemberId, caller.ActorId, receiver.Id, body.CustomerAuthorisationId);
        return Problems.Refused(refusal);
    }

    /// <summary>
    /// What the gates need, in one query (<see cref="SubmissionInputs"/>), and the body checked
    /// against the receiver's intake policy's required fields.
    /// </summary>
    private static async Task<(SubmissionInputs? Inputs, ValidationProblem? Invalid)> LoadInputsAsync(
        CreateCaseRequest body, Caller caller, CaseServices s, CancellationToken cancellationToken)
    {
        if (body.ReceivingMemberId == caller.MemberId)
        {
            return (null, Problems.Invalid("receivingMemberId", "A member cannot open a case to itself."));
        }

        var inputs = await SubmissionInputs.LoadAsync(s.Db, caller.MemberId, body.ReceivingMemberId!, body.CustomerAuthorisationId, cancellationToken);
        if (inputs is null)
        {
            return (null, Problems.Invalid("receivingMemberId", "No member with this id."));
        }

        var missing = inputs.Receiver.IntakePolicy.RequiredFields.Where(f => !body.Fields!.ContainsKey(f)).ToList();
        if (missing.Count > 0)
        {
            return (null, Problems.Invalid(
                missing.ToDictionary(f => $"fields.{f}", _ => new[] { "Required by the receiving member's intake policy." })));
        }

        return (inputs, null);
    }

    private static async Task<Results<Created<CaseDto>, ValidationProblem, ProblemHttpResult>> ReplayAsync(
        IdempotencyRecord previous, Caller caller, CaseServices s, CancellationToken cancellationToken)
    {
        var location = previous.Location!;
        var id = Guid.Parse(location.AsSpan(location.LastIndexOf('/') + 1));
        var collaboration = await LoadAsync(s, id, caller, tracking: false, cancellationToken);
        if (collaboration is null)
        {
            return Problems.Problem(StatusCodes.Status410Gone, "Gone", "The case this request created has since been purged.", "case_purged");
        }

        await s.Audit.AppendAsync(caller.Actor, "case.read", "case", id.ToString(), id, new { replay = true }, cancellationToken);
        s.Http.Response.Headers["Idempotent-Replayed"] = "true";
        ETags.Set(s.Http, collaboration);
        return TypedResults.Created(previous.Location, CaseDto.From(collaboration));
    }

    // ---- read ----

    private static async Task<Results<Ok<CaseDto>, ProblemHttpResult>> Get(Guid id, Caller caller, [AsParameters] CaseServices s, CancellationToken cancellationToken)
    {
        return await s.Audit.InTransactionAsync<Results<Ok<CaseDto>, ProblemHttpResult>>(async () =>
        {
            var collaboration = await LoadAsync(s, id, caller, tracking: false, cancellationToken);
            if (collaboration is null && await PurgedCaseAsync(s.Db, id, caller, cancellationToken) is { } purged)
            {
                await s.Audit.AppendAsync(caller.Actor, "case.read", "case", id.ToString(), id, new { purged = true }, cancellationToken);
                return TypedResults.Ok(purged);
            }

            if (!Visible(collaboration, caller, s))
            {
                return Problems.NotFound();
            }

            await s.Audit.AppendAsync(caller.Actor, "case.read", "case", id.ToString(), id, cancellationToken: cancellationToken);
            ETags.Set(s.Http, collaboration!);
            return TypedResults.Ok(CaseDto.From(collaboration!));
        }, cancellationToken);
    }

    // ---- state changes ----

    private static Task<Results<Ok<CaseDto>, ProblemHttpResult>> Accept(Guid id, AcceptRequest? body, Caller caller, [AsParameters] CaseServices s, CancellationToken cancellationToken) =>
        ChangeAsync(id, CaseAction.Accept, caller, s, [], (c, _) =>
        {
            c.ReceiverCaseReference = body?.ReceiverCaseReference;
            c.ReceiverInitials = caller.Initials;
        }, cancellationToken);

    private static Task<Results<Ok<CaseDto>, ProblemHttpResult>> Reject(Guid id, RejectRequest body, Caller caller, [AsParameters] CaseServices s, CancellationToken cancellationToken) =>
        ChangeAsync(id, CaseAction.Reject, caller, s, [("reason", body.Reason)], (c, text) =>
        {
            c.RejectionReason = text["reason"];
            c.ReceiverInitials ??= caller.Initials;
        }, cancellationToken);

    private static Task<Results<Ok<CaseDto>, ProblemHttpResult>> RequestInformation(Guid id, RequestInformationRequest body, Caller caller, [AsParameters] CaseServices s, CancellationToken cancellationToken) =>
        ChangeAsync(id, CaseAction.RequestInformation, caller, s, [("question", body.Question)], (c, text) =>
            s.Db.CaseNotes.Add(NewNote(c, caller, NoteKind.Question, text["question"], s.Now)), cancellationToken);

    private static Task<Results<Ok<CaseDto>, ProblemHttpResult>> ProvideInformation(Guid id, ProvideInformationRequest body, Caller caller, [AsParameters] CaseServices s, CancellationToken cancellationToken) =>
        ChangeAsync(id, CaseAction.ProvideInformation, caller, s, [("answer", body.Answer)], (c, text) =>
            s.Db.CaseNotes.Add(NewNote(c, caller, NoteKind.Answer, text["answer"], s.Now)), cancellationToken);

    private static Task<Results<Ok<CaseDto>, ProblemHttpResult>> Resolve(Guid id, ResolveRequest body, Caller caller, [AsParameters] CaseServices s, CancellationToken cancellationToken) =>
        ChangeAsync(id, CaseAction.Resolve, caller, s, [("stepsTaken", body.StepsTaken), ("conclusion", body.Conclusion)], (c, text) =>
        {
            c.StepsTaken = text["stepsTaken"];
            c.Conclusion = text["conclusion"];
        }, cancellationToken);

    /// <summary>
    /// The one path of a member's state change: need-to-know (404), role (403), If-Match (428/412),
    /// the state machine (403/409), free-text screening by the reading member's policy (422), then
    /// the change, its audit entry and its outbox event committed together. The version column is
    /// the concurrency token, so of two changes made from one ETag only one can commit.
    /// </summary>
    private static async Task<Results<Ok<CaseDto>, ProblemHttpResult>> ChangeAsync(
        Guid id, CaseAction action, Caller caller, CaseServices s, IReadOnlyList<(string Field, string? Text)> freeText,
        Action<CollaborationCase, IReadOnlyDictionary<string, string>> apply, CancellationToken cancellationToken)
    {
        ProblemHttpResult? problem;
        CollaborationCase? changed;
        try
        {
            (problem, changed) = await s.Audit.InTransactionAsync<(ProblemHttpResult?, CollaborationCase?)>(async () =>
            {
                // Changes of one case take turns (decision 0208); the ETag check below still refuses a stale one.
                await CaseLocks.LockCasesAsync(s.Db, [id], cancellationToken);
                var collaboration = await LoadAsync(s, id, caller, tracking: true, cancellationToken);
                if (!Visible(collaboration, caller, s))
                {
                    return (Problems.NotFound(), null);
                }

                if (!caller.HasScope(Scopes.CasesWrite) || !Caller.IsEngineer(caller))
                {
                    return (Problems.Forbidden("Only a member's engineers and systems change cases."), null);
                }

                // A data-subject request's restriction or objection: nothing new is shared on the case until lifted.
                if (await DataSubjectSearch.RestrictionOfAsync(s.Db, id, cancellationToken) is { } restricted)
                {
                    return (Problems.Refused(restricted), null);
                }

                if (ETags.CheckIfMatch(s.Http, collaboration!) is { } precondition)
                {
                    return (precondition, null);
                }

                var side = caller.Access.SideOf(collaboration!)!.Value;
                if (CaseLifecycle.Check(collaboration!, action, side) is { } refusal)
                {
                    return (Problems.Refused(refusal), null);
                }

                var (screened, redacted, screenRefusal, times) = await ScreenAsync(collaboration!, side, freeText, s, cancellationToken);
                if (screenRefusal is not null)
                {
                    return (Problems.Refused(screenRefusal), null);
                }

                var from = collaboration!.Status;
                apply(collaboration, screened);
                var eventType = CaseLifecycle.Apply(collaboration, action, side, times);
                await s.Audit.AppendAsync(caller.Actor, eventType, "case", id.ToString(), id,
                    new { from = CaseLifecycle.StatusName(from), to = CaseLifecycle.StatusName(collaboration.Status), redacted }, cancellationToken);
                s.Db.OutboxMessages.Add(CaseEvents.ForCase(eventType, collaboration, times.Now));
                return (null, collaboration);
            }, cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another change committed from the same ETag first; this unit rolled back.
            return Problems.PreconditionFailed();
        }

        if (problem is not null)
        {
            return problem;
        }

        ETags.Set(s.Http, changed!);
        return TypedResults.Ok(CaseDto.From(changed!));
    }

    // ---- notes ----

    private static async Task<Results<Ok<List<NoteDto>>, ProblemHttpResult>> ListNotes(Guid id, Caller caller, [AsParameters] CaseServices s, CancellationToken cancellationToken)
    {
        return await s.Audit.InTransactionAsync<Results<Ok<List<NoteDto>>, ProblemHttpResult>>(async () =>
        {
            var collaboration = await s.Db.Cases.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
            if (!Visible(collaboration, caller, s))
            {
                return Problems.NotFound();
            }

            await caller.Access.UnlockAsync(s.Db, id, cancellationToken);
            var notes = await s.Db.CaseNotes.AsNoTracking().Where(n => n.CaseId == id).OrderBy(n => n.CreatedAt).ThenBy(n => n.Id).ToListAsync(cancellationToken);
            await s.Audit.AppendAsync(caller.Actor, "case.notes_read", "case", id.ToString(), id, new { count = notes.Count }, cancellationToken);
            return TypedResults.Ok(notes.Select(NoteDto.From).ToList());
        }, cancellationToken);
    }

    private static async Task<Results<Created<NoteDto>, ProblemHttpResult>> AddNote(Guid id, NoteRequest body, Caller caller, [AsParameters] CaseServices s, CancellationToken cancellationToken)
    {
        try
        {
            return await s.Audit.InTransactionAsync<Results<Created<NoteDto>, ProblemHttpResult>>(async () =>
            {
                await CaseLocks.LockCasesAsync(s.Db, [id], cancellationToken);
                var collaboration = await s.Db.Cases.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
                if (!Visible(collaboration, caller, s))
                {
                    return Problems.NotFound();
                }

                if (!caller.HasScope(Scopes.CasesWrite) || !Caller.IsEngineer(caller))
                {
                    return Problems.Forbidden("Only a member's engineers and systems write notes.");
                }

                if (await DataSubjectSearch.RestrictionOfAsync(s.Db, id, cancellationToken) is { } restricted)
                {
                    return Problems.Refused(restricted);
                }

                var side = caller.Access.SideOf(collaboration!)!.Value;
                if (CaseLifecycle.Check(collaboration!, CaseAction.AddNote, side) is { } refusal)
                {
                    return Problems.Refused(refusal);
                }

                var (screened, redacted, screenRefusal, times) = await ScreenAsync(collaboration!, side, [("body", body.Body)], s, cancellationToken);
                if (screenRefusal is not null)
                {
                    return Problems.Refused(screenRefusal);
                }

                var note = NewNote(collaboration!, caller, NoteKind.Note, screened["body"], times.Now);
                s.Db.CaseNotes.Add(note);
                var eventType = CaseLifecycle.Apply(collaboration!, CaseAction.AddNote, side, times);
                await s.Audit.AppendAsync(caller.Actor, "case.note_added", "case_note", note.Id.ToString(), id, new { redacted }, cancellationToken);
                s.Db.OutboxMessages.Add(CaseEvents.ForCase(eventType, collaboration!, times.Now));
                return TypedResults.Created($"/api/v1/cases/{id}/notes", NoteDto.From(note));
            }, cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // The case changed meanwhile (its version is the concurrency token); this unit rolled back.
            return Problems.PreconditionFailed();
        }
    }

    // ---- shared ----

    /// <summary>
    /// The case with its fields, its content decrypted only when the caller is one of its two
    /// members (anyone else gets the case locked, which <see cref="Visible"/> then refuses).
    /// </summary>
    internal static async Task<CollaborationCase?> LoadAsync(CaseServices s, Guid id, Caller caller, bool tracking, CancellationToken cancellationToken)
    {
        // The party check and the key lookup are one query: only a case the caller sees gets its key.
        await caller.Access.UnlockAsync(s.Db, id, cancellationToken);

        var query = s.Db.Cases.Include(c => c.Fields).Include(c => c.WithheldFields).AsSplitQuery();
        return await (tracking ? query : query.AsNoTracking()).FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
    }

    /// <summary>Need-to-know (<see cref="CaseAccess"/>): only the case's two members. A denial is logged with ids only.</summary>
    private static bool Visible(CollaborationCase? collaboration, Caller caller, CaseServices s)
    {
        if (caller.Access.Sees(collaboration))
        {
            return true;
        }

        s.Logger.LogInformation("Case {CaseId} not visible to member {Member} actor {Actor} ({Method} {Path})",
            s.Http.GetRouteValue("id"), caller.MemberId, caller.ActorId, s.Http.Request.Method, s.Http.Request.Path.Value);
        return false;
    }

    private static async Task<(Dictionary<string, string> Text, List<string> Redacted, Refusal? Refusal, CaseTimes Times)> ScreenAsync(
        CollaborationCase collaboration, CaseSide side, IReadOnlyList<(string Field, string? Text)> freeText, CaseServices s, CancellationToken cancellationToken)
    {
        var members = await s.Db.Members.AsNoTracking()
            .Where(m => m.Id == collaboration.SubmittingMemberId || m.Id == collaboration.ReceivingMemberId)
            .ToDictionaryAsync(m => m.Id, cancellationToken);
        var submitter = members[collaboration.SubmittingMemberId];
        var receiver = members[collaboration.ReceivingMemberId];
        var times = CaseTimes.For(s.Now, submitter, receiver, s.Retention.Value.Default);
        // Text goes to the other side, so the other side's policy decides between redacting and refusing.
        var reader = side == CaseSide.Submitter ? receiver : submitter;
        var screened = new Dictionary<string, string>(StringComparer.Ordinal);
        var redacted = new List<string>();
        foreach (var (field, text) in freeText)
        {
            var result = FreeTextScreening.Screen(field, text, reader.IntakePolicy.FreeTextPersonalData);
            if (result.Refusal is not null)
            {
                return (screened, redacted, result.Refusal, times);
            }

            if (result.Redacted)
            {
                redacted.Add(field);
            }

            screened[field] = result.Text!;
        }

        return (screened, redacted, null, times);
    }

    private static CaseNote NewNote(CollaborationCase collaboration, Caller caller, NoteKind kind, string body, DateTime now) => new()
    {
        CaseId = collaboration.Id,
        AuthorMemberId = caller.MemberId,
        AuthorId = caller.ActorId,
        AuthorInitials = caller.Initials,
        Kind = kind,
        Body = body,
        CreatedAt = now,
    };

    /// <summary>The request in one canonical form (fields in name order), hashed: equal bodies hash alike whatever their key order.</summary>
    private static string Hash(CreateCaseRequest body)
    {
        var canonical = JsonSerializer.Serialize(new
        {
            body.ReceivingMemberId,
            body.CustomerAuthorisationId,
            body.Severity,
            body.SubmitterCaseReference,
            Fields = body.Fields!.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => new[] { f.Key, f.Value }),
        });
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }
}
