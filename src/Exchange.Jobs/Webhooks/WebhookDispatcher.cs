using System.Collections.Concurrent;
using Exchange.Core.Audit;
using Exchange.Core.Data;
using Exchange.Core.Webhooks;
using Exchange.Jobs.Scheduling;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Exchange.Jobs.Webhooks;

/// <summary>
/// Moves events from the transactional outbox to the members' endpoints. Fan-out turns each outbox
/// message into one delivery per matching endpoint of the message's recipients (the two members of
/// the case, never anyone else); delivery sends each due delivery, retrying with exponential backoff
/// and jitter under the same webhook-id until it succeeds or is dead-lettered. Both steps claim their
/// rows with conditional updates, so any number of Jobs processes can run them side by side.
/// </summary>
public sealed class WebhookDispatcher(
    ExchangeDbContext db,
    AuditLog audit,
    WebhookSender sender,
    WebhookSecret secrets,
    IOptions<WebhookJobOptions> options,
    TimeProvider clock,
    ILogger<WebhookDispatcher> logger)
{
    public const string GoneReason = "gone";
    public const string PersistentFailureReason = "persistent_failure";

    public static string MessageIdFor(Guid outboxMessageId) => $"msg_{outboxMessageId:N}";

    /// <summary>Fans out up to one batch of outbox messages, in one transaction. Returns the messages handled.</summary>
    public async Task<int> FanOutAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var messages = await db.OutboxMessages.AsNoTracking()
            .Where(m => m.ProcessedAt == null)
            .OrderBy(m => m.Id)
            .Take(options.Value.BatchSize)
            .ToListAsync(cancellationToken);
        if (messages.Count == 0)
        {
            return 0;
        }

        var subscriptions = await db.WebhookSubscriptions.AsNoTracking().Where(s => s.DisabledAt == null).ToListAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var handled = 0;
        foreach (var message in messages)
        {
            // The claim: a message is fanned out by the one worker whose update finds it unprocessed.
            // Workers claim in the same (id) order, so they never wait on each other in a cycle.
            var claimed = await db.OutboxMessages
                .Where(m => m.Id == message.Id && m.ProcessedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.ProcessedAt, now), cancellationToken);
            if (claimed == 0)
            {
                continue;
            }

            handled++;
            foreach (var subscription in subscriptions.Where(s => message.RecipientMemberIds.Contains(s.MemberId)
                && (s.EventTypes.Count == 0 || s.EventTypes.Contains(message.EventType))))
            {
                db.WebhookDeliveries.Add(new WebhookDelivery
                {
                    SubscriptionId = subscription.Id,
                    MemberId = subscription.MemberId,
                    OutboxMessageId = message.Id,
                    MessageId = MessageIdFor(message.Id),
                    EventType = message.EventType,
                    Payload = message.Payload,
                    NextAttemptAt = now,
                    CreatedAt = now,
                });
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
        return handled;
    }

    /// <summary>Sends up to one batch of due deliveries. Returns the attempts made.</summary>
    public async Task<int> DeliverAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow().UtcDateTime;
        var candidates = await db.WebhookDeliveries.AsNoTracking()
            .Where(d => d.Status == DeliveryStatus.Pending && d.NextAttemptAt <= now && (d.LockedUntil == null || d.LockedUntil < now))
            .OrderBy(d => d.NextAttemptAt)
            .Take(settings.BatchSize)
            .Select(d => d.Id)
            .ToListAsync(cancellationToken);
        if (candidates.Count == 0)
        {
            return 0;
        }

        // The claim: a lease, taken only where no other worker holds one, so a delivery is sent by one
        // worker at a time; a worker that dies lets its lease lapse and another picks the delivery up.
        var leaseUntil = now + settings.Lease;
        var claimed = new List<Guid>();
        foreach (var id in candidates)
        {
            var taken = await db.WebhookDeliveries
                .Where(d => d.Id == id && d.Status == DeliveryStatus.Pending && (d.LockedUntil == null || d.LockedUntil < now))
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.LockedUntil, leaseUntil), cancellationToken);
            if (taken == 1)
            {
                claimed.Add(id);
            }
        }

        var deliveries = await db.WebhookDeliveries.AsNoTracking().Where(d => claimed.Contains(d.Id)).ToListAsync(cancellationToken);
        var subscriptionIds = deliveries.Select(d => d.SubscriptionId).Distinct().ToList();
        var subscriptions = await db.WebhookSubscriptions.AsNoTracking().Where(s => subscriptionIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, cancellationToken);

        var outcomes = new ConcurrentDictionary<Guid, SendOutcome>();
        await Parallel.ForEachAsync(deliveries, new ParallelOptions { MaxDegreeOfParallelism = settings.Concurrency, CancellationToken = cancellationToken }, async (delivery, ct) =>
        {
            var subscription = subscriptions.GetValueOrDefault(delivery.SubscriptionId);
            if (subscription is null || subscription.DisabledAt is not null)
            {
                outcomes[delivery.Id] = new SendOutcome(false, null, null, "endpoint disabled");
                return;
            }

            outcomes[delivery.Id] = await sender.SendAsync(new Uri(subscription.Url), delivery.MessageId, delivery.Payload,
                secrets.SigningSecrets(subscription, now), clock.GetUtcNow(), ct);
        });

        foreach (var delivery in deliveries)
        {
            await RecordAsync(delivery, subscriptions.GetValueOrDefault(delivery.SubscriptionId), outcomes[delivery.Id], cancellationToken);
        }

        return deliveries.Count;
    }

    private async Task RecordAsync(WebhookDelivery delivery, WebhookSubscription? subscription, SendOutcome outcome, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow().UtcDateTime;
        var attempts = delivery.Attempts + 1;
        var endpointDisabled = subscription is null || subscription.DisabledAt is not null;
        DeliveryStatus status;
        DateTime? deliveredAt = null;
        var nextAttemptAt = delivery.NextAttemptAt;
        string? disableReason = null;
        if (outcome.Succeeded)
        {
            status = DeliveryStatus.Succeeded;
            deliveredAt = now;
        }
        else if (outcome.Gone)
        {
            // 410 is the receiver saying the endpoint is gone for good: stop sending to it.
            status = DeliveryStatus.Dead;
            disableReason = GoneReason;
        }
        else if (endpointDisabled)
        {
            status = DeliveryStatus.Dead;
        }
        else if (attempts >= settings.MaxAttempts)
        {
            status = DeliveryStatus.Dead;
            disableReason = PersistentFailureReason;
        }
        else
        {
            status = DeliveryStatus.Pending;
            nextAttemptAt = now + RetryDelay(attempts, outcome.RetryAfter);
        }

        await db.WebhookDeliveries.Where(d => d.Id == delivery.Id).ExecuteUpdateAsync(s => s
            .SetProperty(d => d.Status, status)
            .SetProperty(d => d.Attempts, attempts)
            .SetProperty(d => d.LastAttemptAt, now)
            .SetProperty(d => d.LastStatusCode, outcome.StatusCode)
            .SetProperty(d => d.LastError, outcome.Error)
            .SetProperty(d => d.DeliveredAt, deliveredAt)
            .SetProperty(d => d.NextAttemptAt, nextAttemptAt)
            .SetProperty(d => d.LockedUntil, (DateTime?)null), cancellationToken);

        if (status == DeliveryStatus.Dead)
        {
            logger.LogWarning("Webhook delivery {Delivery} to subscription {Subscription} of member {Member} dead-lettered after {Attempts} attempt(s): {Error}",
                delivery.Id, delivery.SubscriptionId, delivery.MemberId, attempts, outcome.Error);
        }

        if (disableReason is not null && subscription is not null)
        {
            await DisableAsync(subscription, disableReason, now, cancellationToken);
        }
    }

    /// <summary>Disables an endpoint and records it in the audit log, which is what the member and the operator are shown.</summary>
    private async Task DisableAsync(WebhookSubscription subscription, string reason, DateTime now, CancellationToken cancellationToken)
    {
        await using var transaction = await audit.BeginAsync(cancellationToken);
        var disabled = await db.WebhookSubscriptions
            .Where(s => s.Id == subscription.Id && s.DisabledAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.DisabledAt, now).SetProperty(x => x.DisabledReason, reason), cancellationToken);
        if (disabled == 0)
        {
            return;
        }

        await audit.AppendAsync(AuditActor.System, "webhook_subscription.disabled", "webhook_subscription", subscription.Id.ToString(),
            details: new { memberId = subscription.MemberId, reason }, cancellationToken: cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
        logger.LogWarning("Webhook subscription {Subscription} of member {Member} disabled: {Reason}", subscription.Id, subscription.MemberId, reason);
    }

    /// <summary>Exponential backoff with up to 25% jitter, never sooner than the receiver's Retry-After, capped.</summary>
    internal TimeSpan RetryDelay(int attempts, TimeSpan? retryAfter)
    {
        var settings = options.Value;
        var exponential = settings.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempts - 1, 30));
        var jittered = exponential * (1 + Random.Shared.NextDouble() * 0.25);
        var delay = TimeSpan.FromMilliseconds(Math.Min(jittered, settings.MaxRetryDelay.TotalMilliseconds));
        if (retryAfter is { } hint && hint > delay)
        {
            delay = hint < settings.MaxRetryDelay ? hint : settings.MaxRetryDelay;
        }

        return delay;
    }
}
