using System.Text.Json.Serialization;
using Exchange.Api.Http;
using Exchange.Core.Cases;
using FluentValidation;

namespace Exchange.Api.Features.Cases;

public sealed record WithheldFieldDto(string Field, string Reason);

/// <summary>
/// A case as its two members see it. Once purged (status `purged`), only what the tombstone keeps
/// is filled in (the summary and customer organisation in fields, steps taken, conclusion, the
/// timestamps) and `purge` says when and why, with the members' purge receipts; the rest is null.
/// `purge` is left out, not null, while the case is not purged (decision 0205).
/// </summary>
public sealed record CaseDto(
    Guid Id, string SubmittingMemberId, string ReceivingMemberId, Guid? CustomerAuthorisationId, int? Severity, CaseStatus Status,
    string? SubmitterCaseReference, string? ReceiverCaseReference, string? OpenedBy, IReadOnlyDictionary<string, string> Fields,
    IReadOnlyList<WithheldFieldDto> WithheldFields, string? RejectionReason, string? HaltReason, string? StepsTaken, string? Conclusion,
    DateTime CreatedAt, DateTime UpdatedAt, DateTime? ResponseDueAt, DateTime? ConcludedAt, DateTime? PurgeDueAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] PurgeDto? Purge = null)
{
    public static CaseDto From(CollaborationCase c) => new(
        c.Id, c.SubmittingMemberId, c.ReceivingMemberId, c.CustomerAuthorisationId, c.Severity, c.Status, c.SubmitterCaseReference,
        c.ReceiverCaseReference, c.OpenedBy,
        new SortedDictionary<string, string>(c.Fields.ToDictionary(f => f.Name, f => f.Value), StringComparer.Ordinal),
        c.WithheldFields.OrderBy(w => w.Name, StringComparer.Ordinal).Select(w => new WithheldFieldDto(w.Name, w.Reason)).ToList(),
        c.RejectionReason, c.HaltReason, c.StepsTaken, c.Conclusion, c.CreatedAt, c.UpdatedAt, c.ResponseDueAt, c.ConcludedAt, c.PurgeDueAt);

    public static CaseDto From(Tombstone t, string? reason)
    {
        var fields = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (t.Summary is not null)
        {
            fields[FieldCatalogue.Summary] = t.Summary;
        }

        if (t.CustomerOrganisation is not null)
        {
            fields[FieldCatalogue.CustomerOrganisation] = t.CustomerOrganisation;
        }

        return new(t.CaseId, t.SubmittingMemberId, t.ReceivingMemberId, null, null, CaseStatus.Purged, null, null, null, fields, [],
            null, null, t.StepsTaken, t.Conclusion, t.OpenedAt, t.PurgedAt, null, t.ConcludedAt, null, PurgeDto.From(t, reason));
    }
}

/// <summary>
/// When and why a case was purged, the state it ended in, the engineers' initials the tombstone
/// keeps, and each member's confirmation that it deleted its own copy.
/// </summary>
public sealed record PurgeDto(DateTime PurgedAt, string Reason, CaseStatus Outcome, string SubmitterInitials, string? ReceiverInitials,
    IReadOnlyList<PurgeReceiptLineDto> Receipts)
{
    /// <summary>The reason when the audit entry names none (purges written before reasons were kept).</summary>
    public const string UnknownReason = "unknown";

    public static PurgeDto From(Tombstone t, string? reason) => new(t.PurgedAt, reason ?? UnknownReason, t.Outcome, t.SubmitterInitials,
        t.ReceiverInitials, t.Receipts.OrderBy(r => r.ConfirmedAt).Select(r => new PurgeReceiptLineDto(r.MemberId, r.ConfirmedAt)).ToList());
}

public sealed record PurgeReceiptLineDto(string MemberId, DateTime ConfirmedAt);

/// <summary>A line of a case list. Operator staff get the same shape without the summary: metadata, not content.</summary>
public sealed record CaseSummaryDto(
    Guid Id, string SubmittingMemberId, string ReceivingMemberId, int? Severity, CaseStatus Status, string? SubmitterCaseReference,
    string? ReceiverCaseReference, string? Summary, DateTime CreatedAt, DateTime UpdatedAt, DateTime? ResponseDueAt, DateTime? ConcludedAt);

public sealed record CasePage(IReadOnlyList<CaseSummaryDto> Items, string? NextCursor);

/// <summary>What the receiver would see, and what would be withheld, if the case were submitted now.</summary>
public sealed record CasePreviewDto(string ReceivingMemberId, IReadOnlyDictionary<string, string> Fields, IReadOnlyList<WithheldFieldDto> WithheldFields);

public sealed record NoteDto(Guid Id, string AuthorMemberId, string AuthorInitials, NoteKind Kind, string Body, DateTime CreatedAt)
{
    public static NoteDto From(CaseNote n) => new(n.Id, n.AuthorMemberId, n.AuthorInitials, n.Kind, n.Body, n.CreatedAt);
}

public sealed record CreateCaseRequest(
    string? ReceivingMemberId, Guid? CustomerAuthorisationId, int? Severity, string? SubmitterCaseReference, Dictionary<string, string>? Fields);

public sealed class CreateCaseRequestValidator : AbstractValidator<CreateCaseRequest>
{
    public CreateCaseRequestValidator()
    {
        RuleFor(r => r.ReceivingMemberId).Identifier();
        RuleFor(r => r.CustomerAuthorisationId).NotNull().NotEqual(Guid.Empty);
        RuleFor(r => r.Severity).NotNull().InclusiveBetween(1, 4);
        RuleFor(r => r.SubmitterCaseReference).Text(100);
        RuleFor(r => r.Fields).NotEmpty().Custom((fields, context) =>
        {
            var position = 0;
            foreach (var (name, value) in fields ?? [])
            {
                position++;
                var key = $"fields.{name}";
                var field = FieldCatalogue.Find(name);
                if (field is null)
                {
                    // Named by position: a made-up property name may itself be personal data, so it is not echoed.
                    context.AddFailure("fields", $"Property {position} of fields is not a field of the catalogue (GET /api/v1/field-catalogue).");
                }
                else if (field.Category == DataCategory.Special)
                {
                    context.AddFailure(key, $"'{name}' is special category data, which is never shared through the exchange.");
                }
                else if (string.IsNullOrWhiteSpace(value))
                {
                    context.AddFailure(key, "Must not be empty; leave the field out instead.");
                }
                else if (value.Length > field.MaxLength)
                {
                    context.AddFailure(key, $"Must be at most {field.MaxLength} characters.");
                }
                else if (value.Any(c => char.IsControl(c) && !(field.FreeText && c is '\n' or '\r' or '\t')))
                {
                    context.AddFailure(key, "Must not contain control characters.");
                }
            }
        });
    }
}

public sealed record AcceptRequest(string? ReceiverCaseReference);

public sealed class AcceptRequestValidator : AbstractValidator<AcceptRequest>
{
    public AcceptRequestValidator() => RuleFor(r => r.ReceiverCaseReference).OptionalText(100);
}

public sealed record RejectRequest(string? Reason);

public sealed class RejectRequestValidator : AbstractValidator<RejectRequest>
{
    public RejectRequestValidator() => RuleFor(r => r.Reason).Text(4000);
}

public sealed record RequestInformationRequest(string? Question);

public sealed class RequestInformationRequestValidator : AbstractValidator<RequestInformationRequest>
{
    public RequestInformationRequestValidator() => RuleFor(r => r.Question).Text(8000);
}

public sealed record ProvideInformationRequest(string? Answer);

public sealed class ProvideInformationRequestValidator : AbstractValidator<ProvideInformationRequest>
{
    public ProvideInformationRequestValidator() => RuleFor(r => r.Answer).Text(8000);
}

public sealed record ResolveRequest(string? StepsTaken, string? Conclusion);

public sealed class ResolveRequestValidator : AbstractValidator<ResolveRequest>
{
    public ResolveRequestValidator()
    {
        RuleFor(r => r.StepsTaken).Text(8000);
        RuleFor(r => r.Conclusion).Text(8000);
    }
}

public sealed record NoteRequest(string? Body);

public sealed class NoteRequestValidator : AbstractValidator<NoteRequest>
{
    public NoteRequestValidator() => RuleFor(r => r.Body).Text(8000);
}
