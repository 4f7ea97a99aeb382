using Exchange.Core.Hosting;
using Exchange.Core.Audit;
using Exchange.Core.Data;
using Exchange.Core.Webhooks;
using Exchange.Jobs.Scheduling;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Exchange.Jobs.Webhooks;

/// <summary>
/// Moves events from the transactional outbox to the members' endpoints. Fan-out turns each outbox
/// message into one delivery per matching endpoint of the message's recipients (the two members of
/// the case, never anyone else) and enqueues one Hangfire job per delivery; each job sends its one
/// delivery and, when the attempt fails, records it and schedules the next attempt by Standard
/// Webhooks' schedule (exponential backoff with jitter, Retry-After honoured) under the same
/// webhook-id, until it succeeds or is dead-lettered. One delivery per job means one endpoint that
/// fails, hangs or cannot be signed for never holds up another member's deliveries.
///
/// Hangfire runs a job at least once, so every effect is claimed: fan-out claims the outbox message
/// with a conditional update in the transaction that inserts its deliveries; a delivery job claims
/// its delivery with a lease (<see cref="WebhookJobOptions.Lease"/>) taken only where none is held,
/// and releases it with the attempt's outcome, so a delivery is sent by one worker at a time and a
/// recorded success is never sent again.
/// </summary>
public sealed class WebhookDispatcher(
    ExchangeDbContext db,
    AuditLog audit,
    WebhookSender sender,
    WebhookSecret secrets,
    IBackgroundJobClient jobs,
    IOptions<WebhookJobOptions> options,
    TimeProvider clock,
    ILogger<WebhookDispatcher> logger)
{
    public const string GoneReason = "gone";
    public const string PersistentFailureReason = "persistent_failure";

    public static string MessageIdFor(Guid outboxMessageId) => $"msg_{outboxMessageId:N}";

    /// <summary>Fans out up to one batch of outbox messages in one transaction, then enqueues a job per delivery. Returns the messages handled.</summary>
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
        var created = new List<Guid>();
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
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

                // A test event goes to the one endpoint it names; any other to every matching endpoint of its recipients.
                foreach (var subscription in subscriptions.Where(s => message.RecipientMemberIds.Contains(s.MemberId)
                    && (message.SubscriptionId is { } target ? s.Id == target : s.EventTypes.Count == 0 || s.EventTypes.Contains(message.EventType))))
                {
                    var delivery = new WebhookDelivery
                    {
                        SubscriptionId = subscription.Id,
                        MemberId = subscription.MemberId,
                        OutboxMessageId = message.Id,
                        MessageId = MessageIdFor(message.Id),
                        EventType = message.EventType,
                        Payload = message.Payload,
                        NextAttemptAt = now,
                        CreatedAt = now,
                    };
                    db.WebhookDeliveries.Add(delivery);
                    created.Add(delivery.Id);
                }
            }

            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        db.ChangeTracker.Clear();
        // After the commit: a job never names a delivery that does not exist. A crash before these
        // are enqueued leaves pending deliveries without a job, which the sweep enqueues.
        foreach (var id in created)
        {
            jobs.Enqueue<WebhookDeliveryJob>(j => j.DeliverAsync(id, CancellationToken.None));
        }

        return messages.Count;
    }

    /// <summary>
    /// Enqueues a job for each pending delivery that no worker holds and that has none: one whose attempt
    /// is overdue by <see cref="WebhookJobOptions.SweepAfter"/> (its job was lost to a crash between
    /// recording an attempt and scheduling the next), or one a member asked to redeliver through the
    /// API (attempts reset to zero after an attempt was made), which the API leaves to this run. A job
    /// that exists as well is harmless: whichever runs second finds nothing to do.
    /// </summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var overdue = now - options.Value.SweepAfter;
        var ids = await db.WebhookDeliveries.AsNoTracking()
            .Where(d => d.Status == DeliveryStatus.Pending && (d.LockedUntil == null || d.LockedUntil < now)
                && (d.NextAttemptAt <= overdue || (d.Attempts == 0 && d.LastAttemptAt != null && d.NextAttemptAt <= now)))
            .OrderBy(d => d.NextAttemptAt)
            .Take(options.Value.BatchSize)
            .Select(d => d.Id)
            .ToListAsync(cancellationToken);
        foreach (var id in ids)
        {
            jobs.Enqueue<WebhookDeliveryJob>(j => j.DeliverAsync(id, CancellationToken.None));
        }

        return ids.Count;
    }

    /// <summary>Makes one attempt at one delivery if it is due and free. Returns whether an attempt was made.</summary>
    public async Task<bool> DeliverAsync(Guid deliveryId, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow().UtcDateTime;
        // A scheduled job may start a moment before a node whose clock runs behind thinks it is due.
        var dueBy = now + TimeSpan.FromSeconds(2);
        var leaseUntil = now + settings.Lease;
        // The claim: a lease, taken only where no other worker holds one, so a delivery is sent by one
        // worker at a time; a worker that dies lets its lease lapse and the job, run again, takes it.
        var taken = await db.WebhookDeliveries
            .Where(d => d.Id == deliveryId && d.Status == DeliveryStatus.Pending && d.NextAttemptAt <= dueBy && (d.LockedUntil == null || d.LockedUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.LockedUntil, leaseUntil), cancellationToken);
        if (taken == 0)
        {
            var current = await db.WebhookDeliveries.AsNoTracking().Where(d => d.Id == deliveryId)
                .Select(d => new { d.Status, d.LockedUntil }).FirstOrDefaultAsync(cancellationToken);
            if (current is { Status: DeliveryStatus.Pending, LockedUntil: { } held } && held >= now)
            {
                // Held by another worker, or by one that died holding it: look again when the lease ends.
                jobs.Schedule<WebhookDeliveryJob>(j => j.DeliverAsync(deliveryId, CancellationToken.None), new DateTimeOffset(DateTime.SpecifyKind(held, DateTimeKind.Utc)).AddSeconds(1));
            }

            return false;
        }

        var delivery = await db.WebhookDeliveries.AsNoTracking().SingleAsync(d => d.Id == deliveryId, cancellationToken);
        var subscription = await db.WebhookSubscriptions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == delivery.SubscriptionId, cancellationToken);
        SendOutcome outcome;
        if (subscription is null || subscription.DisabledAt is not null)
        {
            outcome = new SendOutcome(false, null, null, "endpoint disabled");
        }
        else if (SigningSecrets(subscription, now) is not { } signingSecrets)
        {
            outcome = new SendOutcome(false, null, null, "signing secret unreadable: its data-protection key is not in the key ring");
        }
        else
        {
            outcome = await sender.SendAsync(new Uri(subscription.Url), delivery.MessageId, delivery.Payload, signingSecrets, clock.GetUtcNow(), cancellationToken);
        }

        await RecordAsync(delivery, subscription, outcome, cancellationToken);
        return true;
    }

    /// <summary>The secrets to sign with, or null when they cannot be decrypted; that endpoint's deliveries fail, no one else's.</summary>
    private IReadOnlyList<string>? SigningSecrets(WebhookSubscription subscription, DateTime now)
    {
        try
        {
            return secrets.SigningSecrets(subscription, now);
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            logger.LogError(ex, "The signing secret of webhook subscription {Subscription} cannot be decrypted", subscription.Id);
            return null;
        }
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

        // The endpoint's run of failures, across its deliveries: long enough, and this delivery ends
        // here with its own reason (not "endpoint disabled" at a pointless next attempt).
        if (subscription is not null && !endpointDisabled && await CountRunAsync(subscription.Id, outcome.Succeeded, cancellationToken) is { } runReason)
        {
            status = DeliveryStatus.Dead;
            disableReason ??= runReason;
        }

        await db.WebhookDeliveries.Where(d => d.Id == delivery.Id && d.Status == DeliveryStatus.Pending).ExecuteUpdateAsync(s => s
            .SetProperty(d => d.Status, status)
            .SetProperty(d => d.Attempts, attempts)
            .SetProperty(d => d.LastAttemptAt, now)
            .SetProperty(d => d.LastStatusCode, outcome.StatusCode)
            .SetProperty(d => d.LastError, outcome.Error)
            .SetProperty(d => d.DeliveredAt, deliveredAt)
            .SetProperty(d => d.NextAttemptAt, nextAttemptAt)
            .SetProperty(d => d.LockedUntil, (DateTime?)null), cancellationToken);

        ExchangeMetrics.WebhookAttempts.Add(1, new KeyValuePair<string, object?>("outcome",
            status == DeliveryStatus.Succeeded ? "succeeded" : status == DeliveryStatus.Pending ? "retrying" : "dead"));
        if (deliveredAt is { } delivered)
        {
            ExchangeMetrics.WebhookLag.Record((delivered - delivery.CreatedAt).TotalSeconds);
        }

        if (status == DeliveryStatus.Pending)
        {
            // Recorded first, scheduled second: a crash between them leaves a pending delivery with no
            // job, which the sweep finds, never a job for an attempt that was not recorded.
            jobs.Schedule<WebhookDeliveryJob>(j => j.DeliverAsync(delivery.Id, CancellationToken.None),
                new DateTimeOffset(DateTime.SpecifyKind(nextAttemptAt, DateTimeKind.Utc)));
        }

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

    /// <summary>
    /// Keeps the endpoint's run of failed attempts: a success ends it, a failure lengthens it, and a
    /// run of <see cref="WebhookJobOptions.DisableAfterFailures"/> disables the endpoint (whatever
    /// the deliveries' own attempts), so an endpoint that is down stops collecting retries.
    /// </summary>
    private async Task<string?> CountRunAsync(Guid subscriptionId, bool succeeded, CancellationToken cancellationToken)
    {
        if (succeeded)
        {
            await db.WebhookSubscriptions.Where(s => s.Id == subscriptionId && s.ConsecutiveFailures != 0)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.ConsecutiveFailures, 0), cancellationToken);
            return null;
        }

        // One statement, so two workers failing at once both count.
        await db.WebhookSubscriptions.Where(s => s.Id == subscriptionId)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.ConsecutiveFailures, x => x.ConsecutiveFailures + 1), cancellationToken);
        var run = await db.WebhookSubscriptions.AsNoTracking().Where(s => s.Id == subscriptionId).Select(s => s.ConsecutiveFailures).FirstOrDefaultAsync(cancellationToken);
        return run >= options.Value.DisableAfterFailures ? PersistentFailureReason : null;
    }

    /// <summary>Disables an endpoint and records it in the audit log, which is what the member and the operator are shown.</summary>
    private async Task DisableAsync(WebhookSubscription subscription, string reason, DateTime now, CancellationToken cancellationToken)
    {
        var disabled = await audit.InTransactionAsync(async () =>
        {
            var disabled = await db.WebhookSubscriptions
                .Where(s => s.Id == subscription.Id && s.DisabledAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.DisabledAt, now).SetProperty(x => x.DisabledReason, reason), cancellationToken);
            if (disabled > 0)
            {
                await audit.AppendAsync(AuditActor.System, "webhook_subscription.disabled", "webhook_subscription", subscription.Id.ToString(),
                    details: new { memberId = subscription.MemberId, reason }, cancellationToken: cancellationToken);
            }

            return disabled > 0;
        }, cancellationToken);
        db.ChangeTracker.Clear();
        if (!disabled)
        {
            return;
        }

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
