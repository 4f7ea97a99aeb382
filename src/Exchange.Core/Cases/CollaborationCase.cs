namespace Exchange.Core.Cases;

public enum CaseStatus
{
    Submitted,
    InformationRequested,
    Accepted,
    Rejected,
    Resolved,
    Halted,

    /// <summary>The submitter no longer needs the receiver's help; concluded, so the retention clock starts.</summary>
    Withdrawn,

    /// <summary>Never stored on a case: what the API shows for a case whose data has been purged, leaving its tombstone.</summary>
    Purged,
}

/// <summary>A collaboration request between a submitting and a receiving member about one shared customer.</summary>
public sealed class CollaborationCase
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public required string SubmittingMemberId { get; init; }
    public required string ReceivingMemberId { get; init; }
    public Guid CustomerAuthorisationId { get; init; }
    public int Severity { get; set; }
    public CaseStatus Status { get; set; } = CaseStatus.Submitted;
    public required string SubmitterCaseReference { get; set; }
    public string? ReceiverCaseReference { get; set; }
    /// <summary>The user or client that opened the case, and the initials kept on the tombstone.</summary>
    public required string OpenedBy { get; init; }
    public required string OpenedByInitials { get; init; }
    /// <summary>The user or client of the receiver that accepted the case: the receiver's owner of it.</summary>
    public string? AcceptedBy { get; set; }
    public string? ReceiverInitials { get; set; }
    public List<CaseField> Fields { get; set; } = [];
    public List<WithheldField> WithheldFields { get; set; } = [];
    public List<CaseNote> Notes { get; set; } = [];
    public string? RejectionReason { get; set; }
    public string? HaltReason { get; set; }
    public string? StepsTaken { get; set; }
    public string? Conclusion { get; set; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? ResponseDueAt { get; set; }
    /// <summary>
    /// When the receiver first answered (accepted, rejected or asked a question) and whether that was
    /// by the deadline then running: metadata the tombstone keeps, so the dashboard counts survive purges.
    /// </summary>
    public DateTime? RespondedAt { get; set; }
    public bool? RespondedInTime { get; set; }
    public DateTime? DeadlineNotifiedAt { get; set; }
    public DateTime? ConcludedAt { get; set; }
    /// <summary>When purge is due: conclusion time plus the shorter of the two members' retentions.</summary>
    public DateTime? PurgeDueAt { get; set; }
    /// <summary>
    /// The purge time the Jobs service last scheduled a purge job for. Differs from <see cref="PurgeDueAt"/>
    /// while a conclusion (or a purge brought forward) still awaits its job; see CasePurgeScheduler.
    /// </summary>
    public DateTime? PurgeScheduledFor { get; set; }
    /// <summary>Changes on every update; the ETag and the optimistic concurrency token.</summary>
    public Guid Version { get; set; } = Guid.NewGuid();

    public bool IsOpen => Status is CaseStatus.Submitted or CaseStatus.InformationRequested or CaseStatus.Accepted;
}

/// <summary>One catalogue field's value as stored after minimisation.</summary>
public sealed class CaseField
{
    public Guid CaseId { get; init; }
    public required string Name { get; init; }
    public DataCategory Category { get; init; }
    public required string Value { get; set; }
}

/// <summary>Bookkeeping of what was dropped at submission and why; the value itself is never stored.</summary>
public sealed class WithheldField
{
    public Guid CaseId { get; init; }
    public required string Name { get; init; }
    public required string Reason { get; init; }
}

public enum NoteKind
{
    Note,
    Question,
    Answer,
}

public sealed class CaseNote
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid CaseId { get; init; }
    public required string AuthorMemberId { get; init; }
    public required string AuthorId { get; init; }
    public required string AuthorInitials { get; init; }
    /// <summary>The author's display name when a person wrote the note (null for machine clients). Case content: encrypted, purged.</summary>
    public string? AuthorName { get; set; }
    public NoteKind Kind { get; init; }
    public required string Body { get; set; }
    public DateTime CreatedAt { get; init; }
}

/// <summary>What remains of a case after its purge. No personal data.</summary>
public sealed class Tombstone
{
    public Guid CaseId { get; init; }
    public required string SubmittingMemberId { get; init; }
    public required string ReceivingMemberId { get; init; }
    public required string SubmitterInitials { get; init; }
    public string? ReceiverInitials { get; init; }
    public string? CustomerOrganisation { get; init; }
    public string? Summary { get; init; }
    public string? StepsTaken { get; init; }
    public string? Conclusion { get; init; }
    public CaseStatus Outcome { get; init; }
    public DateTime OpenedAt { get; init; }
    public DateTime? RespondedAt { get; init; }
    public bool? RespondedInTime { get; init; }
    public DateTime? ConcludedAt { get; init; }
    public DateTime PurgedAt { get; init; }
    public int NotificationsSent { get; set; }
    public DateTime? LastNotifiedAt { get; set; }
    public List<PurgeReceipt> Receipts { get; set; } = [];
}

/// <summary>A member's confirmation that it deleted its own copy of a purged case.</summary>
public sealed class PurgeReceipt
{
    public Guid CaseId { get; init; }
    public required string MemberId { get; init; }
    public DateTime ConfirmedAt { get; init; }
}
