namespace Exchange.Core.Webhooks;

public sealed class WebhookSubscription
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public required string MemberId { get; init; }
    public required string Url { get; set; }
    public List<string> EventTypes { get; set; } = [];
    /// <summary>The signing secret, encrypted with data protection: signing needs the secret itself, so it cannot be hashed.</summary>
    public required string ProtectedSecret { get; set; }
    /// <summary>The secret before the last rotation; deliveries are signed with both until it lapses.</summary>
    public string? PreviousProtectedSecret { get; set; }
    public DateTime? PreviousSecretExpiresAt { get; set; }
    public DateTime CreatedAt { get; init; }
    public DateTime? DisabledAt { get; set; }
    public string? DisabledReason { get; set; }
    /// <summary>Failed attempts in a row across the endpoint's deliveries; a success resets it, a run long enough disables the endpoint.</summary>
    public int ConsecutiveFailures { get; set; }
}

public enum DeliveryStatus
{
    Pending,
    Succeeded,
    Dead,
}

public sealed class WebhookDelivery
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid SubscriptionId { get; init; }
    public required string MemberId { get; init; }
    public Guid OutboxMessageId { get; init; }
    /// <summary>The webhook-id header: the same on every retry so receivers can de-duplicate.</summary>
    public required string MessageId { get; init; }
    public required string EventType { get; init; }
    public required string Payload { get; init; }
    public DeliveryStatus Status { get; set; } = DeliveryStatus.Pending;
    public int Attempts { get; set; }
    public DateTime NextAttemptAt { get; set; }
    public DateTime? LastAttemptAt { get; set; }
    public int? LastStatusCode { get; set; }
    public string? LastError { get; set; }
    public DateTime CreatedAt { get; init; }
    public DateTime? DeliveredAt { get; set; }
    /// <summary>Set while a worker holds the delivery, so two workers never send it at once.</summary>
    public DateTime? LockedUntil { get; set; }
}

/// <summary>An event written in the same transaction as the change it announces.</summary>
public sealed class OutboxMessage
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public required string EventType { get; init; }
    public Guid? CaseId { get; init; }
    /// <summary>The members that may receive it: the two members of the case.</summary>
    public List<string> RecipientMemberIds { get; init; } = [];
    /// <summary>Set for a test event: delivered to this one endpoint only, whatever event types it chose.</summary>
    public Guid? SubscriptionId { get; init; }
    public required string Payload { get; init; }
    public DateTime OccurredAt { get; init; }
    public DateTime? ProcessedAt { get; set; }
    /// <summary>When the mail dispatcher claimed it (and made its mail notifications, if any).</summary>
    public DateTime? MailedAt { get; set; }
}
