namespace Exchange.Core.Mail;

public enum MailStatus
{
    Pending = 0,
    Sent = 1,
    /// <summary>Gave up after the last attempt; the reason is in <see cref="MailNotification.LastError"/>.</summary>
    Failed = 2,
    /// <summary>Not sent because the recipient was deactivated or lost the role in between.</summary>
    Skipped = 3,
}

/// <summary>
/// One e-mail to one user about one event, made from the outbox in the transaction that claims the
/// event for mail. It holds ids only: the address is looked up when it is sent, so a user removed in
/// between gets nothing, and no copy of an address lives here.
/// </summary>
public sealed class MailNotification
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid OutboxMessageId { get; init; }
    public required string EventType { get; init; }
    public Guid? CaseId { get; init; }
    /// <summary>The member the recipient acts for.</summary>
    public required string MemberId { get; init; }
    public Guid UserId { get; init; }
    public MailStatus Status { get; set; } = MailStatus.Pending;
    public int Attempts { get; set; }
    public DateTime NextAttemptAt { get; set; }
    /// <summary>Set while a worker holds it, so two workers never send it at once.</summary>
    public DateTime? LockedUntil { get; set; }
    /// <summary>The kind of failure and the SMTP status code: never the server's text, which may quote the address.</summary>
    public string? LastError { get; set; }
    public DateTime CreatedAt { get; init; }
    public DateTime? SentAt { get; set; }
}
