namespace Exchange.Core.Audit;

/// <summary>
/// One entry of the append-only audit log. Holds ids and actions only, never personal data, so the
/// log itself never needs purging. A request inserts it with its content hash and nothing else
/// (<see cref="AuditLog.AppendAsync"/>); the sequencer later seals it into the hash chain by giving it
/// <see cref="Sequence"/>, <see cref="PreviousHash"/> and <see cref="Hash"/> (decision 0208).
/// </summary>
public sealed class AuditEntry
{
    /// <summary>Assigned by the database at insert: the order entries were inserted in, with gaps (rolled-back inserts).</summary>
    public long Id { get; init; }

    /// <summary>The entry's place in the chain, contiguous from 1; null until sealed.</summary>
    public long? Sequence { get; set; }
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

    /// <summary>SHA-256 of the content, written with the entry; null only for entries chained before decision 0208.</summary>
    public string? ContentHash { get; init; }
    public string? PreviousHash { get; set; }
    public string? Hash { get; set; }
}

/// <summary>
/// A signed statement of the chain's head after a sealed batch: whoever holds the public key can
/// check that the chain up to <see cref="Sequence"/> ends in <see cref="HeadHash"/>, offline.
/// </summary>
public sealed class AuditCheckpoint
{
    public long Sequence { get; init; }
    public required string HeadHash { get; init; }
    public DateTime SignedAt { get; init; }
    public required string KeyId { get; init; }
    /// <summary>ECDSA P-256 over SHA-256 of <see cref="AuditSigner.Statement"/>, IEEE P1363 (r||s), base64.</summary>
    public required string Signature { get; init; }
}

/// <summary>A public key that signed checkpoints, published for auditors (SubjectPublicKeyInfo, PEM).</summary>
public sealed class AuditSigningKey
{
    public required string KeyId { get; init; }
    public required string PublicKeyPem { get; init; }
    public DateTime CreatedAt { get; init; }
}

/// <summary>The sequencer's leader lease: only the holder, before expiry, seals.</summary>
public sealed class AuditSequencerLease
{
    public required string Name { get; init; }
    public string? Holder { get; set; }
    public DateTime ExpiresAt { get; set; }
}
