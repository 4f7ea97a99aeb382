using Exchange.Core.Cases;

namespace Exchange.Core.Agreements;

public enum AgreementKind
{
    /// <summary>The exchange's multi-vendor framework: one per member, signed by the member and the operator.</summary>
    Framework,
    /// <summary>A collaboration agreement binding two members directly.</summary>
    Bilateral,
}

public enum AgreementStatus
{
    Draft,
    AwaitingSignatures,
    InForce,
    Expired,
    Terminated,
}

public sealed class Agreement
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public AgreementKind Kind { get; init; }
    public required string DocumentReference { get; set; }
    /// <summary>Hex SHA-256 of the signed document, so the text can be proven later.</summary>
    public required string DocumentSha256 { get; set; }
    public required string Version { get; set; }
    public DateTime EffectiveFrom { get; set; }
    public DateTime ExpiresAt { get; set; }
    public AgreementStatus Status { get; set; } = AgreementStatus.Draft;
    public List<DataCategory> PermittedCategories { get; set; } = [];
    public List<string> PermittedRegions { get; set; } = [];
    public List<AgreementParty> Parties { get; set; } = [];
    public DateTime CreatedAt { get; init; }
    public DateTime? TerminatedAt { get; set; }
    public string? TerminationReason { get; set; }
    public DateTime? ExpiryNotifiedAt { get; set; }

    /// <summary>Whether the agreement makes collaboration lawful at <paramref name="at"/>.</summary>
    public bool IsInForceAt(DateTime at) =>
        Status == AgreementStatus.InForce && EffectiveFrom <= at && at < ExpiresAt;
}

/// <summary>One party to an agreement and its signature record.</summary>
public sealed class AgreementParty
{
    public Guid AgreementId { get; init; }
    /// <summary>A member id, or <see cref="Members.Member.OperatorId"/> for the exchange operator.</summary>
    public required string PartyId { get; init; }
    public string? SignerName { get; set; }
    public string? SignerRole { get; set; }
    public DateTime? SignedAt { get; set; }
}
