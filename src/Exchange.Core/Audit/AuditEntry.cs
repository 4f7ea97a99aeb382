namespace Exchange.Core.Audit;

/// <summary>
/// One link of the append-only, hash-chained audit log. Holds ids and actions only,
/// never personal data, so the log itself never needs purging.
/// </summary>
public sealed class AuditEntry
{
    public long Sequence { get; init; }
    public DateTime OccurredAt { get; init; }
    /// <summary>The member the actor acts for, or "operator" / "system".</summary>
    public required string ActorMemberId { get; init; }
    /// <summary>A user id or a client id.</summary>
    public required string ActorId { get; init; }
    public required string Action { get; init; }
    public required string ObjectType { get; init; }
    public string? ObjectId { get; init; }
    public Guid? CaseId { get; init; }
    /// <summary>Ids and counts as JSON; never field values.</summary>
    public string? Details { get; init; }
    public required string PreviousHash { get; init; }
    public required string Hash { get; init; }
}
