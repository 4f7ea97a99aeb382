using Exchange.Api.OpenApi;
using System.Text.RegularExpressions;
using Exchange.Api.Auth;
using Exchange.Api.Http;
using Exchange.Core.Audit;
using Exchange.Core.Authorisations;
using Exchange.Core.Cases;
using Exchange.Core.Data;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Exchange.Api.Features.Authorisations;

public sealed record AuthorisedByDto(string? Name, string? Role, string? Email);

public sealed record AuthorisationDto(
    Guid Id, string SubmittingMemberId, string CustomerOrganisation, AuthorisedByDto AuthorisedBy, IReadOnlyList<string> ReceivingMemberIds,
    string Purpose, CaptureMethod CaptureMethod, string EvidenceReference, IReadOnlyList<DataCategory> DataCategories,
    IReadOnlyList<string> AllowedRegions, DateTime CreatedAt, DateTime ExpiresAt, DateTime? WithdrawnAt)
{
    public static AuthorisationDto From(CustomerAuthorisation a) => new(a.Id, a.SubmittingMemberId, a.CustomerOrganisation,
        new AuthorisedByDto(a.AuthorisedByName, a.AuthorisedByRole, a.AuthorisedByEmail), a.ReceivingMemberIds, a.Purpose, a.CaptureMethod,
        a.EvidenceReference, a.DataCategories, a.AllowedRegions, a.CreatedAt, a.ExpiresAt, a.WithdrawnAt);
}

public sealed record AuthorisationPage(IReadOnlyList<AuthorisationDto> Items, string? NextCursor);

public sealed record CreateAuthorisationRequest(
    string? CustomerOrganisation, AuthorisedByDto? AuthorisedBy, List<string>? ReceivingMemberIds, string? Purpose, CaptureMethod? CaptureMethod,
    string? EvidenceReference, List<DataCategory>? DataCategories, List<string>? AllowedRegions, DateTime? ExpiresAt);

public sealed class CreateAuthorisationRequestValidator : AbstractValidator<CreateAuthorisationRequest>
{
    public CreateAuthorisationRequestValidator(TimeProvider clock)
    {
        RuleFor(r => r.CustomerOrganisation).Text(200);
        RuleFor(r => r.AuthorisedBy).NotNull();
        RuleFor(r => r.AuthorisedBy!.Name).Text(200).OverridePropertyName("authorisedBy.name").When(r => r.AuthorisedBy is not null);
        RuleFor(r => r.AuthorisedBy!.Role).OptionalText(200).OverridePropertyName("authorisedBy.role").When(r => r.AuthorisedBy is not null);
        RuleFor(r => r.AuthorisedBy!.Email).MaximumLength(320).EmailAddress().OverridePropertyName("authorisedBy.email").When(r => r.AuthorisedBy is not null);
        RuleFor(r => r.ReceivingMemberIds).NotEmpty().Must(ids => ids is null || (ids.Count <= 20 && ids.Distinct().Count() == ids.Count)).WithMessage("List up to 20 members, each once.");
        RuleForEach(r => r.ReceivingMemberIds).Identifier();
        RuleFor(r => r.Purpose).Text(1000);
        RuleFor(r => r.CaptureMethod).NotNull().IsInEnum();
        RuleFor(r => r.EvidenceReference).Text(500);
        RuleFor(r => r.DataCategories).NotEmpty().Must(c => c is null || c.Distinct().Count() == c.Count).WithMessage("List each category once.");
        RuleForEach(r => r.DataCategories).IsInEnum().NotEqual(DataCategory.Special).WithMessage("Special category data is never shared through the exchange.");
        RuleFor(r => r.AllowedRegions).Must(r => r is null || r.Count <= 20);
        RuleForEach(r => r.AllowedRegions).Region();
        RuleFor(r => r.ExpiresAt).NotNull().Must(t => t!.Value.ToUniversalTime() > clock.UtcNowStored()).WithMessage("Must be in the future.");
    }
}

public sealed record WithdrawRequest(string? Reason);

public sealed class WithdrawRequestValidator : AbstractValidator<WithdrawRequest>
{
    public WithdrawRequestValidator() => RuleFor(r => r.Reason).OptionalText(1000);
}

/// <summary>Customer authorisations: recorded, read and withdrawn by the submitting member only.</summary>
public static partial class AuthorisationsEndpoints
{
    public static IEndpointRouteBuilder MapAuthorisationsEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/customer-authorisations").WithTags("Customer authorisations").RequireAuthorization(ApiPolicies.Authorisations);
        group.MapGet("/", List)
            .Describe("listCustomerAuthorisations", "List customer authorisations", "The caller's member's customer authorisations, newest first, optionally naming a receiver or only active ones; keyset pages.");
        group.MapPost("/", Create).Validated<CreateAuthorisationRequest>()
            .Describe("createCustomerAuthorisation", "Record a customer authorisation", "Records that the shared customer agreed to the collaboration with the named receiving members, for a purpose, data categories and until a date.");
        group.MapGet("/{id:guid}", Get)
            .Describe("getCustomerAuthorisation", "Get a customer authorisation", "One of the member's own customer authorisations.");
        group.MapPost("/{id:guid}/withdraw", Withdraw).Validated<WithdrawRequest>(bodyOptional: true)
            .Describe("withdrawCustomerAuthorisation", "Withdraw a customer authorisation", "Withdraws it: its open cases are halted and every case under it is purged at once, leaving tombstones.");
        return app;
    }

    /// <summary>
    /// The caller's own member's authorisations, newest first, keyset-paginated like GET /cases.
    /// Only member ids and flags are accepted as filters: nothing about the customer's people
    /// ever goes into the URL.
    /// </summary>
    private static async Task<Results<Ok<AuthorisationPage>, ValidationProblem>> List(
        string? receivingMemberId, string? active, string? cursor, int? limit, Caller caller, ExchangeDbContext db, AuditLog audit,
        TimeProvider clock, IOptions<ApiOptions> limits, CancellationToken cancellationToken)
    {
        var max = limits.Value.MaxPageSize;
        var size = limit ?? limits.Value.DefaultPageSize;
        if (size < 1 || size > max)
        {
            return Problems.Invalid("limit", $"Must be between 1 and {max}.");
        }

        if (receivingMemberId is not null && !MemberId().IsMatch(receivingMemberId))
        {
            return Problems.Invalid("receivingMemberId", "Must be a member id (lower-case letters, digits, '-' or '_').");
        }

        if (active is not (null or "true" or "false"))
        {
            return Problems.Invalid("active", "Must be true or false.");
        }

        // true: usable now (neither withdrawn nor expired); false: no longer usable.
        bool? activeOnly = active is null ? null : active == "true";

        Guid? after = null;
        if (cursor is not null)
        {
            if (!KeysetCursor.TryDecode(cursor, out var decoded))
            {
                return Problems.Invalid("cursor", "Not a cursor this API issued.");
            }

            after = decoded;
        }

        var now = clock.UtcNowStored();
        var query = db.CustomerAuthorisations.AsNoTracking().Where(a => a.SubmittingMemberId == caller.MemberId);
        query = activeOnly switch
        {
            true => query.Where(a => a.WithdrawnAt == null && a.ExpiresAt > now),
            false => query.Where(a => a.WithdrawnAt != null || a.ExpiresAt <= now),
            _ => query,
        };

        // The receivers are stored as one JSON text column that no provider-neutral query can
        // look inside, so that filter runs here, over batches read in keyset order until a page
        // (plus one row, to know whether another page follows) is full.
        var batchSize = receivingMemberId is null ? size + 1 : Math.Max(size + 1, 100);
        var rows = new List<CustomerAuthorisation>();
        var last = after;
        while (rows.Count <= size)
        {
            var batchQuery = last is { } below ? query.Where(a => a.Id.CompareTo(below) < 0) : query;
            var batch = await batchQuery.OrderByDescending(a => a.Id).Take(batchSize).ToListAsync(cancellationToken);
            rows.AddRange(receivingMemberId is null ? batch : batch.Where(a => a.ReceivingMemberIds.Contains(receivingMemberId, StringComparer.Ordinal)));
            if (batch.Count < batchSize)
            {
                break;
            }

            last = batch[^1].Id;
        }

        var items = rows.Take(size).Select(AuthorisationDto.From).ToList();
        var next = rows.Count > size ? KeysetCursor.Encode(items[^1].Id) : null;

        // Each item names a person at the customer, so the listing is accounted for like a read of each one.
        await audit.InTransactionAsync(() => audit.AppendAsync(caller.Actor, "authorisation.listed", "customer_authorisation", null,
            details: new { receivingMemberId, active = activeOnly, count = items.Count, authorisations = items.Select(i => i.Id) },
            cancellationToken: cancellationToken), cancellationToken);

        return TypedResults.Ok(new AuthorisationPage(items, next));
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$")]
    private static partial Regex MemberId();

    private static async Task<Results<Created<AuthorisationDto>, ValidationProblem, ProblemHttpResult>> Create(
        CreateAuthorisationRequest body, Caller caller, ExchangeDbContext db, AuditLog audit, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (caller.IsOperator)
        {
            return Problems.Forbidden("Customer authorisations are recorded by members.");
        }

        var receivers = body.ReceivingMemberIds!;
        if (receivers.Contains(caller.MemberId))
        {
            return Problems.Invalid("receivingMemberIds", "The submitting member cannot be a receiver.");
        }

        var known = await db.Members.Where(m => receivers.Contains(m.Id)).CountAsync(cancellationToken);
        if (known != receivers.Count)
        {
            return Problems.Invalid("receivingMemberIds", "Every receiving member must exist.");
        }

        var now = clock.UtcNowStored();
        var authorisation = new CustomerAuthorisation
        {
            SubmittingMemberId = caller.MemberId,
            CustomerOrganisation = body.CustomerOrganisation!.Trim(),
            AuthorisedByName = body.AuthorisedBy!.Name!,
            AuthorisedByRole = body.AuthorisedBy.Role,
            AuthorisedByEmail = body.AuthorisedBy.Email,
            ReceivingMemberIds = receivers,
            Purpose = body.Purpose!,
            CaptureMethod = body.CaptureMethod!.Value,
            EvidenceReference = body.EvidenceReference!,
            DataCategories = body.DataCategories!,
            AllowedRegions = body.AllowedRegions ?? [],
            CreatedAt = now,
            ExpiresAt = body.ExpiresAt!.Value.ToUniversalTime(),
        };

        return await audit.InTransactionAsync<Results<Created<AuthorisationDto>, ValidationProblem, ProblemHttpResult>>(async () =>
        {
            db.CustomerAuthorisations.Add(authorisation);
            await audit.AppendAsync(caller.Actor, "authorisation.created", "customer_authorisation", authorisation.Id.ToString(),
                details: new { receivers, categories = authorisation.DataCategories.Select(c => c.ToString()) }, cancellationToken: cancellationToken);
            return TypedResults.Created($"/api/v1/customer-authorisations/{authorisation.Id}", AuthorisationDto.From(authorisation));
        }, cancellationToken);
    }

    private static async Task<Results<Ok<AuthorisationDto>, ProblemHttpResult>> Get(
        Guid id, Caller caller, ExchangeDbContext db, AuditLog audit, CancellationToken cancellationToken)
    {
        return await audit.InTransactionAsync<Results<Ok<AuthorisationDto>, ProblemHttpResult>>(async () =>
        {
            var authorisation = await db.CustomerAuthorisations.AsNoTracking()
                .FirstOrDefaultAsync(a => a.Id == id && a.SubmittingMemberId == caller.MemberId, cancellationToken);
            if (authorisation is null)
            {
                return Problems.NotFound();
            }

            // It names a person at the customer, so reading it is accounted for like case data.
            await audit.AppendAsync(caller.Actor, "authorisation.read", "customer_authorisation", id.ToString(), cancellationToken: cancellationToken);
            return TypedResults.Ok(AuthorisationDto.From(authorisation));
        }, cancellationToken);
    }

    /// <summary>
    /// Withdrawal stops the collaboration it covers and purges at once: its open cases are halted,
    /// then every case under it, open or concluded, is replaced by its tombstone in the same transaction.
    /// </summary>
    private static async Task<Results<Ok<AuthorisationDto>, ProblemHttpResult>> Withdraw(
        Guid id, WithdrawRequest? body, Caller caller, ExchangeDbContext db, AuditLog audit, CasePurger purger, TimeProvider clock,
        IOptions<RetentionOptions> retention, CancellationToken cancellationToken)
    {
        return await audit.InTransactionAsync<Results<Ok<AuthorisationDto>, ProblemHttpResult>>(async () =>
        {
            // Two withdrawals of one authorisation take turns; the second finds it withdrawn.
            await CaseLocks.LockAsync(db, "authorisation", id, cancellationToken);
            var authorisation = await db.CustomerAuthorisations.FirstOrDefaultAsync(a => a.Id == id && a.SubmittingMemberId == caller.MemberId, cancellationToken);
            if (authorisation is null)
            {
                return Problems.NotFound();
            }

            if (authorisation.WithdrawnAt is not null)
            {
                return Problems.Refused(new Refusal(RefusalCodes.AlreadyWithdrawn, "The customer authorisation is already withdrawn.", RefusalKind.Conflict));
            }

            var now = clock.UtcNowStored();
            authorisation.WithdrawnAt = now;
            var caseIds = await db.Cases.Where(c => c.CustomerAuthorisationId == id).Select(c => c.Id).ToListAsync(cancellationToken);
            await CaseLocks.LockCasesAsync(db, caseIds, cancellationToken);
            var cases = await db.Cases.Where(c => c.CustomerAuthorisationId == id).ToListAsync(cancellationToken);
            await audit.AppendAsync(caller.Actor, "authorisation.withdrawn", "customer_authorisation", id.ToString(),
                details: new { cases = cases.Count, reasonGiven = body?.Reason is not null }, cancellationToken: cancellationToken);
            await CaseChanges.HaltAsync(db, audit, cases, "authorisation_withdrawn", purgeImmediately: true, now, retention.Value.Default, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await purger.PurgeNowAsync(cases.Select(c => c.Id).ToList(), caller.Actor, "authorisation_withdrawn", cancellationToken);
            return TypedResults.Ok(AuthorisationDto.From(authorisation));
        }, cancellationToken);
    }
}
