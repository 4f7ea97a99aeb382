namespace Exchange.Core.Privacy;

/// <summary>The rights a data subject exercises through a member's privacy officer (GDPR articles 15 to 21).</summary>
public enum DataSubjectRight
{
    Access,
    Rectification,
    Restriction,
    Objection,
    Erasure,
}

/// <summary>
/// A data-subject request, handled for one member (the member of the privacy officer who opened
/// it, or the member an operator privacy officer named). The person's identifiers are kept only
/// while the request needs them: an erasure clears them with the data it erases.
/// </summary>
public sealed class DataSubjectRequest
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    /// <summary>The member whose cases and authorisations are searched; never another's.</summary>
    public required string MemberId { get; init; }
    public required string OpenedByMemberId { get; init; }
    public required string OpenedBy { get; init; }
    public DataSubjectRight Right { get; init; }
    public string? SubjectEmail { get; set; }
    public string? SubjectPhone { get; set; }
    public string? SubjectName { get; set; }
    /// <summary>How the person's identity was verified (a note of the privacy officer's).</summary>
    public string? IdentityVerification { get; set; }
    public DateTime CreatedAt { get; init; }
    /// <summary>One month after receipt; extendable once by two further months with a reason (article 12(3)).</summary>
    public DateTime DueAt { get; set; }
    public DateTime? ExtendedAt { get; set; }
    public string? ExtensionReason { get; set; }
    /// <summary>When the right was carried out (rectified, restricted, erased); an access request when first exported.</summary>
    public DateTime? CompletedAt { get; set; }
    public DateTime? LiftedAt { get; set; }
    public string? LiftReason { get; set; }
    public DateTime? ErasedAt { get; set; }
    /// <summary>The cases and authorisations found holding the person's data, by id only.</summary>
    public List<string> CaseIds { get; set; } = [];
    public List<string> AuthorisationIds { get; set; } = [];
}

/// <summary>A case a restriction or objection holds: nothing new is shared on it until the request is lifted.</summary>
public sealed class CaseRestriction
{
    public Guid CaseId { get; init; }
    public Guid RequestId { get; init; }
    public DateTime CreatedAt { get; init; }
}

/// <summary>
/// The scoping of a possible breach: what one user or client did in a time window, from the audit
/// log, opened by the operator's privacy officer; the 72-hour notification deadline runs from opening.
/// </summary>
public sealed class BreachAssessment
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    /// <summary>The user id or client id whose access is assessed (the audit log's actor id).</summary>
    public required string ActorId { get; init; }
    public DateTime WindowFrom { get; init; }
    public DateTime WindowTo { get; init; }
    public DateTime OpenedAt { get; init; }
    public DateTime DeadlineAt { get; init; }
    public required string OpenedBy { get; init; }
    public string? Description { get; set; }
    public List<string> CaseIds { get; set; } = [];
}
