using System.Text.Json;
using System.Text.Json.Serialization;

namespace Exchange.Portal.Api;

// The portal's view of Exchange.Api's bodies (/api/v1, camelCase, enums as snake_case strings).
// States and other enums stay strings here: the API owns their meaning, the portal only shows them.

public sealed record MemberDto(
    string Id,
    string LegalName,
    string Region,
    IntakePolicyDto? IntakePolicy,
    string? SupportContact = null,
    string? EscalationContact = null,
    string? Retention = null);

/// <summary>Response targets are ISO 8601 durations (`PT4H`) keyed by severity ("1" to "4").</summary>
public sealed record IntakePolicyDto(
    List<string> RequiredFields,
    List<string> AcceptedFields,
    string FreeTextPersonalData,
    Dictionary<string, string>? ResponseTargets);

public sealed record CatalogueFieldDto(string Name, string Category, string? Description = null, bool FreeText = false, int MaxLength = 0);

public sealed record WithheldFieldDto(string Field, string Reason)
{
    /// <summary>Passed on, with personal data in its text replaced; every other reason means not passed on at all.</summary>
    public bool PassedOn => Reason == "personal_data_redacted";
}

public sealed record CaseDto(
    Guid Id,
    string SubmittingMemberId,
    string ReceivingMemberId,
    Guid? CustomerAuthorisationId,
    int? Severity,
    string Status,
    string? SubmitterCaseReference,
    string? ReceiverCaseReference,
    Dictionary<string, string>? Fields,
    List<WithheldFieldDto>? WithheldFields,
    DateTimeOffset CreatedAt,
    DateTimeOffset? UpdatedAt,
    DateTimeOffset? ResponseDueAt,
    DateTimeOffset? ConcludedAt,
    string? RejectionReason,
    string? HaltReason,
    string? StepsTaken,
    string? Conclusion,
    DateTimeOffset? RespondedAt = null,
    string? Summary = null,
    PurgeDto? Purge = null,
    List<string>? AllowedActions = null,
    CaseOwnersDto? Owners = null,
    bool? RespondedInTime = null,
    bool WaitingOnYou = false)
{
    public bool IsPurged => Status == "purged";

    /// <summary>Whether the API allows the signed-in user this action now (`accept`, `withdraw`, ...): the lifecycle's answer, not the portal's.</summary>
    public bool Allows(string action) => AllowedActions?.Contains(action) == true;

    /// <summary>A field's value; list lines carry only the summary, at the top level.</summary>
    public string? Field(string name) => Fields?.GetValueOrDefault(name) ?? (name == "summary" ? Summary : null);

    public string CounterpartOf(string? memberId) => memberId == SubmittingMemberId ? ReceivingMemberId : SubmittingMemberId;
}

/// <summary>A page of a case list: cursors both ways and the whole list's count (capped by the API: `TotalCapped`).</summary>
public sealed record CasePage(List<CaseDto> Items, string? NextCursor, string? PreviousCursor = null, int Total = 0, bool TotalCapped = false);

/// <summary>What remains of a purged case: when and why, how it ended, and each member's confirmation that its copy is gone.</summary>
public sealed record PurgeDto(DateTimeOffset PurgedAt, string Reason, string Outcome, string SubmitterInitials, string? ReceiverInitials, List<PurgeReceiptLineDto> Receipts);

public sealed record PurgeReceiptLineDto(string MemberId, DateTimeOffset ConfirmedAt);

/// <summary>What the receiver would see if the case were sent now; nothing is stored.</summary>
public sealed record CasePreviewDto(string ReceivingMemberId, Dictionary<string, string> Fields, List<WithheldFieldDto> WithheldFields);

public sealed record NoteDto(Guid Id, string AuthorMemberId, string? AuthorInitials, string? Kind, string Body, DateTimeOffset CreatedAt, string? AuthorName = null);

/// <summary>Who owns a case on each side, once accepted.</summary>
public sealed record CaseOwnersDto(CaseOwnerDto Submitter, CaseOwnerDto Receiver);

/// <summary>A person (name, e-mail, phone) or, when a member system acted, the member's support contact.</summary>
public sealed record CaseOwnerDto(string MemberId, string? Name, string? Email, string? Phone, string? SupportContact);

public sealed record AuditEntryDto(long? Sequence, DateTimeOffset OccurredAt, string? ActorMemberId, string? ActorId, string Action, string? ObjectType, string? ObjectId);

public sealed record AgreementPartyDto(string PartyId, string? SignerName, string? SignerRole, DateTimeOffset? SignedAt);

public sealed record AgreementDto(
    Guid Id,
    string Kind,
    string DocumentReference,
    string DocumentSha256,
    string Version,
    DateTimeOffset EffectiveFrom,
    DateTimeOffset ExpiresAt,
    string Status,
    List<string> PermittedCategories,
    List<string> PermittedRegions,
    List<AgreementPartyDto> Parties,
    DateTimeOffset? CreatedAt = null,
    DateTimeOffset? TerminatedAt = null,
    string? TerminationReason = null);

public sealed record CustomerAuthorisationDto(
    Guid Id,
    string SubmittingMemberId,
    string CustomerOrganisation,
    List<string> ReceivingMemberIds,
    string Purpose,
    string CaptureMethod,
    List<string> DataCategories,
    List<string>? AllowedRegions,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? WithdrawnAt = null,
    AuthorisedByDto? AuthorisedBy = null,
    DateTimeOffset? CreatedAt = null)
{
    /// <summary>Usable for new requests at <paramref name="now"/>: neither withdrawn nor expired.</summary>
    public string StateAt(DateTimeOffset now) => WithdrawnAt is not null ? "withdrawn" : ExpiresAt <= now ? "expired" : "active";
}

public sealed record AuthorisedByDto(string? Name, string? Role, string? Email);

public sealed record AuthorisationPageDto(List<CustomerAuthorisationDto> Items, string? NextCursor);

/// <summary>A case citing an authorisation; `Open` ones are halted, and all purged, if it is withdrawn.</summary>
public sealed record AuthorisationCaseDto(Guid Id, string ReceivingMemberId, string Status, bool Open, string? SubmitterCaseReference, string? Summary, DateTimeOffset CreatedAt);

/// <summary>Whether an agreement covers requests to one member now; when not, `Code` is the refusal any request would get.</summary>
public sealed record CoverageDto(
    string MemberId, string LegalName, string Region, bool Covered, string? Code, string? Detail, List<Guid> AgreementIds,
    List<string> PermittedCategories, List<string> PermittedRegions, List<string> RequiredCategories);

/// <summary>Anything the API returns that the portal has no dedicated shape for.</summary>
public sealed record Raw(JsonElement Body);

internal static class ApiJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}

/// <summary>A member's webhook endpoint; no event types means every event.</summary>
public sealed record WebhookSubscriptionDto(Guid Id, string Url, List<string> EventTypes, DateTimeOffset CreatedAt, DateTimeOffset? DisabledAt, string? DisabledReason,
    int ConsecutiveFailures = 0);

public sealed record WebhookTestDto(Guid SubscriptionId, string MessageId, string EventType);

/// <summary>The only answer that carries an endpoint's signing secret (after create or rotate): shown once.</summary>
public sealed record CreatedWebhookSubscriptionDto(Guid Id, string Url, List<string> EventTypes, DateTimeOffset CreatedAt, string Secret);

public sealed record WebhookDeliveryDto(Guid Id, Guid SubscriptionId, string MessageId, string EventType, string Status, int Attempts,
    DateTimeOffset CreatedAt, DateTimeOffset NextAttemptAt, DateTimeOffset? LastAttemptAt, int? LastStatusCode, string? LastError, DateTimeOffset? DeliveredAt);

public sealed record Download(byte[] Bytes, string ContentType, string? FileName);

public sealed record DataSubjectDto(string? Email, string? Phone, string? Name);

public sealed record DataSubjectRequestDto(
    Guid Id, string MemberId, string Type, string Status, DataSubjectDto Subject, string? IdentityVerification,
    DateTimeOffset CreatedAt, DateTimeOffset DueAt, DateTimeOffset? ExtendedAt, string? ExtensionReason, DateTimeOffset? CompletedAt,
    DateTimeOffset? LiftedAt, string? LiftReason, DateTimeOffset? ErasedAt, List<Guid> CaseIds, List<Guid> AuthorisationIds)
{
    /// <summary>Past its due date and not yet answered.</summary>
    public bool OverdueAt(DateTimeOffset now) => Status == "open" && DueAt < now;
}

public sealed record DataSubjectItemDto(
    string Kind, Guid? CaseId, Guid? AuthorisationId, string Part, string Value, string SharedBy, string SharedWith, DateTimeOffset SharedAt,
    List<Guid> AgreementIds, DateTimeOffset? PurgeDueAt, string Status);

public sealed record DataSubjectFindingsDto(DataSubjectRequestDto Request, List<DataSubjectItemDto> Items);

public sealed record RecipientDto(string MemberId, string LegalName, string Region);

public sealed record LegalBasisDto(
    Guid AgreementId, string Kind, string DocumentReference, string Version, DateTimeOffset EffectiveFrom, DateTimeOffset ExpiresAt,
    List<string> PermittedCategories, List<string> PermittedRegions);

public sealed record ProcessingRecordDto(
    string MemberId, string LegalName, string Region, List<string> Purposes,
    List<string> CategoriesShared, List<string> CategoriesReceived, List<string> FieldsAccepted,
    List<RecipientDto> Recipients, List<RecipientDto> Sources, List<string> TransferRegions,
    string Retention, List<LegalBasisDto> LegalBasis, List<string> SecurityMeasures,
    int LiveCases, int PurgedCases, int Authorisations, string Notice);

public sealed record RecordsOfProcessingDto(DateTimeOffset GeneratedAt, List<ProcessingRecordDto> Records);

public sealed record CaseCountDto(string SubmittingMemberId, string ReceivingMemberId, string Status, int Count);

public sealed record CaseMetadataDto(DateTimeOffset GeneratedAt, List<CaseCountDto> Counts, int Overdue, int PurgesDue, int PurgesDueWithinWeek, int Purged);

public sealed record AuditVerificationDto(bool Intact, long Entries, long? FirstBrokenSequence);

public sealed record JobRunDto(DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, double? DurationMs, int ItemsProcessed, bool Failed, string? Error, string Node);

public sealed record JobDto(string Name, double? IntervalSeconds, DateTimeOffset? NextRunAt, JobRunDto? LastRun, int RunsLast24Hours, int FailuresLast24Hours);

public sealed record ExposedCaseDto(
    Guid CaseId, string? SubmittingMemberId, string? ReceivingMemberId, bool Read, bool Changed, List<string> Actions,
    List<string> Categories, bool Purged, int Subjects);

public sealed record BreachAssessmentDto(
    Guid Id, string ActorId, DateTimeOffset From, DateTimeOffset To, string? Description, DateTimeOffset OpenedAt, DateTimeOffset DeadlineAt,
    List<ExposedCaseDto> Cases, List<string> Categories, int DataSubjects, int Records, List<string> MembersToInform, List<string> Subjects);

public sealed record BreachNotificationDraftDto(
    Guid AssessmentId, DateTimeOffset OpenedAt, DateTimeOffset DeadlineAt, string Nature, List<string> CategoriesOfData,
    int ApproximateDataSubjects, int ApproximateRecords, List<string> MembersToInform, string LikelyConsequences,
    List<string> MeasuresTaken, List<string> MeasuresProposed, string Contact);
