using Exchange.Api.OpenApi;
using Exchange.Api.Auth;
using Exchange.Api.Http;
using Exchange.Core.Audit;
using Exchange.Core.Cases;
using Exchange.Core.Data;
using Exchange.Core.Identity;
using Exchange.Core.Webhooks;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Api.Features.Webhooks;

public sealed record CreateWebhookSubscriptionRequest(string? Url, List<string>? EventTypes);

/// <summary>
/// An endpoint without its secret. `disabledReason`: `gone` (it answered 410) or `persistent_failure`
/// (a run of failed attempts); `consecutiveFailures` counts the current run, which a success ends.
/// </summary>
public sealed record WebhookSubscriptionDto(Guid Id, string Url, List<string> EventTypes, DateTime CreatedAt, DateTime? DisabledAt, string? DisabledReason,
    int ConsecutiveFailures = 0);

/// <summary>A test event queued for one endpoint: its delivery appears in the deliveries list under this message id.</summary>
public sealed record WebhookTestDto(Guid SubscriptionId, string MessageId, string EventType);

/// <summary>The one answer that carries the secret: it is shown once and cannot be read again.</summary>
public sealed record CreatedWebhookSubscriptionDto(Guid Id, string Url, List<string> EventTypes, DateTime CreatedAt, string Secret);

public sealed record WebhookDeliveryDto(Guid Id, Guid SubscriptionId, string MessageId, string EventType, string Status, int Attempts,
    DateTime CreatedAt, DateTime NextAttemptAt, DateTime? LastAttemptAt, int? LastStatusCode, string? LastError, DateTime? DeliveredAt);

public sealed record PurgeReceiptDto(string MemberId, DateTime ConfirmedAt);

public sealed record TombstoneReceiptsDto(Guid CaseId, DateTime PurgedAt, List<PurgeReceiptDto> Receipts);

/// <summary>
/// Members' webhook endpoints, the deliveries made to them, and the purge receipts that answer
/// `case.purged`. Everything is scoped to the caller's member: another member's subscription or
/// delivery is 404, exactly like one that does not exist.
/// </summary>
public static class WebhooksEndpoints
{
    public const int MaxSubscriptionsPerMember = 10;
    public const int MaxUrlLength = 2000;

    public static IEndpointRouteBuilder MapWebhooksEndpoints(this IEndpointRouteBuilder app)
    {
        var manage = new AuthorizationPolicyBuilder()
            .RequireAuthenticatedUser().RequireClaim(Caller.MemberIdClaim).RequireClaim("sub")
            .AddRequirements(new ScopeRequirement(Scopes.WebhooksManage))
            .Build();

        var subscriptions = app.MapGroup("/api/v1/webhook-subscriptions").WithTags("Webhooks").RequireAuthorization(manage);
        subscriptions.MapPost("/", Create)
            .Describe("createWebhookSubscription", "Register a webhook endpoint", "Registers an https endpoint for some or all event types; the answer shows the signing secret once.");
        subscriptions.MapGet("/", List)
            .Describe("listWebhookSubscriptions", "List webhook endpoints", "The member's webhook endpoints, without secrets.");
        subscriptions.MapDelete("/{id:guid}", Delete)
            .Describe("deleteWebhookSubscription", "Delete a webhook endpoint", "Removes the endpoint; nothing more is delivered to it.");
        subscriptions.MapPost("/{id:guid}/test", SendTest)
            .Describe("testWebhookSubscription", "Send a test event", "Queues a `webhook.ping` event for this one endpoint through the outbox and the normal delivery path (signed, retried, listed with the deliveries). A disabled endpoint is re-enabled first.");
        subscriptions.MapPost("/{id:guid}/enable", Enable)
            .Describe("enableWebhookSubscription", "Re-enable a webhook endpoint", "Turns a disabled endpoint back on and starts its run of failures afresh; deliveries dead-lettered meanwhile can be sent again with redeliver.");
        subscriptions.MapPost("/{id:guid}/rotate-secret", RotateSecret)
            .Describe("rotateWebhookSecret", "Rotate a webhook secret", "Issues a new signing secret, shown once; for 24 hours deliveries carry signatures with both secrets.");

        var deliveries = app.MapGroup("/api/v1/webhook-deliveries").WithTags("Webhooks").RequireAuthorization(manage);
        deliveries.MapGet("/", Deliveries)
            .Describe("listWebhookDeliveries", "List webhook deliveries", "Deliveries to the member's endpoints, newest first, with attempts, status and the last failure's reason (status code, timeout, connection or TLS failure; never the response body). Optionally by `status` and `subscriptionId`; keyset pages: `before` the last delivery's id for older ones, `after` the first one's id for newer ones.");
        deliveries.MapPost("/{id:guid}/redeliver", Redeliver)
            .Describe("redeliverWebhook", "Deliver again", "Queues one delivery again with the same message id.");

        app.MapPost("/api/v1/cases/{id:guid}/purge-receipts", ConfirmPurge).WithTags("Cases").RequireAuthorization(ApiPolicies.CasesWrite)
            .Describe("confirmCasePurge", "Confirm a purge", "A member confirms it deleted its own copy of a purged case; the receipt shows on the tombstone.");
        return app;
    }

    private static async Task<Results<Created<CreatedWebhookSubscriptionDto>, ValidationProblem, ProblemHttpResult>> Create(
        CreateWebhookSubscriptionRequest request, Caller caller, ExchangeDbContext db, AuditLog audit, WebhookSecret secrets,
        IHostEnvironment environment, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (caller.IsOperator)
        {
            return Problems.Forbidden("Webhook endpoints belong to members.");
        }

        if (string.IsNullOrWhiteSpace(request.Url) || request.Url.Length > MaxUrlLength || !Uri.TryCreate(request.Url, UriKind.Absolute, out var url))
        {
            return Problems.Invalid("url", "An absolute URL of at most 2000 characters is required.");
        }

        // Loopback only where a demo receiver runs on the same machine; the Jobs service checks the resolved address again.
        var policy = new WebhookTargetPolicy(allowLoopback: environment.IsDevelopment() || environment.IsEnvironment("Testing"));
        if (policy.RefusalFor(url) is { } refusal)
        {
            return Problems.Invalid("url", refusal);
        }

        var eventTypes = request.EventTypes ?? [];
        if (eventTypes.Count > CaseEvents.All.Count || eventTypes.Any(e => !CaseEvents.All.Contains(e)))
        {
            return Problems.Invalid("eventTypes", "Unknown event type; known types are " + string.Join(", ", CaseEvents.All) + ".");
        }

        if (await db.WebhookSubscriptions.CountAsync(s => s.MemberId == caller.MemberId, cancellationToken) >= MaxSubscriptionsPerMember)
        {
            return Problems.Invalid("url", $"A member has at most {MaxSubscriptionsPerMember} webhook endpoints; delete one first.");
        }

        var secret = WebhookSecret.Generate();
        var now = clock.UtcNowStored();
        var subscription = new WebhookSubscription
        {
            MemberId = caller.MemberId,
            Url = url.ToString(),
            EventTypes = eventTypes.Distinct().ToList(),
            ProtectedSecret = secrets.Protect(secret),
            CreatedAt = now,
        };
        return await audit.InTransactionAsync<Results<Created<CreatedWebhookSubscriptionDto>, ValidationProblem, ProblemHttpResult>>(async () =>
        {
            db.WebhookSubscriptions.Add(subscription);
            await audit.AppendAsync(caller.Actor, "webhook_subscription.created", "webhook_subscription", subscription.Id.ToString(), cancellationToken: cancellationToken);
            return TypedResults.Created($"/api/v1/webhook-subscriptions/{subscription.Id}",
                new CreatedWebhookSubscriptionDto(subscription.Id, subscription.Url, subscription.EventTypes, subscription.CreatedAt, secret));
        }, cancellationToken);
    }

    private static async Task<Ok<List<WebhookSubscriptionDto>>> List(Caller caller, ExchangeDbContext db, CancellationToken cancellationToken)
    {
        var list = await db.WebhookSubscriptions.AsNoTracking()
            .Where(s => s.MemberId == caller.MemberId)
            .OrderBy(s => s.CreatedAt)
            .Select(s => new WebhookSubscriptionDto(s.Id, s.Url, s.EventTypes, s.CreatedAt, s.DisabledAt, s.DisabledReason, s.ConsecutiveFailures))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(list);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid id, Caller caller, ExchangeDbContext db, AuditLog audit, CancellationToken cancellationToken)
    {
        return await audit.InTransactionAsync<Results<NoContent, ProblemHttpResult>>(async () =>
        {
            // Its deliveries go with it (cascade): they only ever held ids.
            var deleted = await db.WebhookSubscriptions.Where(s => s.Id == id && s.MemberId == caller.MemberId).ExecuteDeleteAsync(cancellationToken);
            if (deleted == 0)
            {
                return Problems.NotFound();
            }

            await audit.AppendAsync(caller.Actor, "webhook_subscription.deleted", "webhook_subscription", id.ToString(), cancellationToken: cancellationToken);
            return TypedResults.NoContent();
        }, cancellationToken);
    }

    /// <summary>How long deliveries carry the old secret's signature as well, so the receiver can switch over.</summary>
    public static readonly TimeSpan RotationOverlap = TimeSpan.FromHours(24);

    /// <summary>A new secret, shown once; until the overlap ends every delivery is signed with both.</summary>
    private static async Task<Results<Ok<CreatedWebhookSubscriptionDto>, ProblemHttpResult>> RotateSecret(
        Guid id, Caller caller, ExchangeDbContext db, AuditLog audit, WebhookSecret secrets, TimeProvider clock, CancellationToken cancellationToken)
    {
        return await audit.InTransactionAsync<Results<Ok<CreatedWebhookSubscriptionDto>, ProblemHttpResult>>(async () =>
        {
            // Two rotations take turns, so the second keeps the first's new secret as the previous one.
            await CaseLocks.LockAsync(db, "webhook_subscription", id, cancellationToken);
            var subscription = await db.WebhookSubscriptions.FirstOrDefaultAsync(s => s.Id == id && s.MemberId == caller.MemberId, cancellationToken);
            if (subscription is null)
            {
                return Problems.NotFound();
            }

            var secret = WebhookSecret.Generate();
            subscription.PreviousProtectedSecret = subscription.ProtectedSecret;
            subscription.PreviousSecretExpiresAt = clock.UtcNowStored() + RotationOverlap;
            subscription.ProtectedSecret = secrets.Protect(secret);
            await audit.AppendAsync(caller.Actor, "webhook_subscription.secret_rotated", "webhook_subscription", id.ToString(), cancellationToken: cancellationToken);
            return TypedResults.Ok(new CreatedWebhookSubscriptionDto(subscription.Id, subscription.Url, subscription.EventTypes, subscription.CreatedAt, secret));
        }, cancellationToken);
    }

    /// <summary>A test event through the outbox, for this endpoint only (<see cref="CaseEvents.ForTest"/>).</summary>
    private static async Task<Results<Accepted<WebhookTestDto>, ProblemHttpResult>> SendTest(
        Guid id, Caller caller, ExchangeDbContext db, AuditLog audit, TimeProvider clock, CancellationToken cancellationToken)
    {
        return await audit.InTransactionAsync<Results<Accepted<WebhookTestDto>, ProblemHttpResult>>(async () =>
        {
            var subscription = await db.WebhookSubscriptions.FirstOrDefaultAsync(s => s.Id == id && s.MemberId == caller.MemberId, cancellationToken);
            if (subscription is null)
            {
                return Problems.NotFound();
            }

            // Testing an endpoint is the admin saying it should work: a disabled one is turned back on.
            if (subscription.DisabledAt is not null)
            {
                Reenable(subscription);
                await audit.AppendAsync(caller.Actor, "webhook_subscription.enabled", "webhook_subscription", id.ToString(), cancellationToken: cancellationToken);
            }

            var message = CaseEvents.ForTest(subscription, clock.UtcNowStored());
            db.OutboxMessages.Add(message);
            await audit.AppendAsync(caller.Actor, "webhook_subscription.tested", "webhook_subscription", id.ToString(),
                details: new { outboxMessageId = message.Id }, cancellationToken: cancellationToken);
            var messageId = "msg_" + message.Id.ToString("N");
            return TypedResults.Accepted($"/api/v1/webhook-deliveries?subscriptionId={id}", new WebhookTestDto(id, messageId, CaseEvents.Ping));
        }, cancellationToken);
    }

    private static async Task<Results<Ok<WebhookSubscriptionDto>, ProblemHttpResult>> Enable(
        Guid id, Caller caller, ExchangeDbContext db, AuditLog audit, CancellationToken cancellationToken)
    {
        return await audit.InTransactionAsync<Results<Ok<WebhookSubscriptionDto>, ProblemHttpResult>>(async () =>
        {
            var subscription = await db.WebhookSubscriptions.FirstOrDefaultAsync(s => s.Id == id && s.MemberId == caller.MemberId, cancellationToken);
            if (subscription is null)
            {
                return Problems.NotFound();
            }

            if (subscription.DisabledAt is not null || subscription.ConsecutiveFailures != 0)
            {
                Reenable(subscription);
                await audit.AppendAsync(caller.Actor, "webhook_subscription.enabled", "webhook_subscription", id.ToString(), cancellationToken: cancellationToken);
            }

            return TypedResults.Ok(new WebhookSubscriptionDto(subscription.Id, subscription.Url, subscription.EventTypes, subscription.CreatedAt,
                subscription.DisabledAt, subscription.DisabledReason, subscription.ConsecutiveFailures));
        }, cancellationToken);
    }

    private static void Reenable(WebhookSubscription subscription)
    {
        subscription.DisabledAt = null;
        subscription.DisabledReason = null;
        subscription.ConsecutiveFailures = 0;
    }

    private static async Task<Results<Ok<List<WebhookDeliveryDto>>, ValidationProblem>> Deliveries(
        string? status, Guid? subscriptionId, Guid? before, Guid? after, int? limit, Caller caller, ExchangeDbContext db, CancellationToken cancellationToken)
    {
        if (before is not null && after is not null)
        {
            return Problems.Invalid("before", "Page one way at a time: before or after, not both.");
        }

        DeliveryStatus? wanted = null;
        if (status is not null)
        {
            if (!Enum.TryParse<DeliveryStatus>(status, ignoreCase: true, out var parsed) || int.TryParse(status, out _))
            {
                return Problems.Invalid("status", "One of pending, succeeded, dead.");
            }

            wanted = parsed;
        }

        var take = Math.Clamp(limit ?? 100, 1, 500);
        var query = db.WebhookDeliveries.AsNoTracking().Where(d => d.MemberId == caller.MemberId);
        if (wanted is { } s)
        {
            query = query.Where(d => d.Status == s);
        }

        if (subscriptionId is { } subscription)
        {
            query = query.Where(d => d.SubscriptionId == subscription);
        }

        // Keyset on the id (version 7, so creation order) over the index (member, id); newest first either way.
        List<WebhookDelivery> rows;
        if (after is { } newerThan)
        {
            rows = await query.Where(d => d.Id.CompareTo(newerThan) > 0).OrderBy(d => d.Id).Take(take).ToListAsync(cancellationToken);
            rows.Reverse();
        }
        else
        {
            if (before is { } olderThan)
            {
                query = query.Where(d => d.Id.CompareTo(olderThan) < 0);
            }

            rows = await query.OrderByDescending(d => d.Id).Take(take).ToListAsync(cancellationToken);
        }

        return TypedResults.Ok(rows.Select(ToDto).ToList());
    }

    private static async Task<Results<Accepted<WebhookDeliveryDto>, ProblemHttpResult>> Redeliver(
        Guid id, Caller caller, ExchangeDbContext db, AuditLog audit, TimeProvider clock, CancellationToken cancellationToken)
    {
        return await audit.InTransactionAsync<Results<Accepted<WebhookDeliveryDto>, ProblemHttpResult>>(async () =>
        {
            var delivery = await db.WebhookDeliveries.FirstOrDefaultAsync(d => d.Id == id && d.MemberId == caller.MemberId, cancellationToken);
            if (delivery is null)
            {
                return Problems.NotFound();
            }

            // Sent again under the same webhook-id, so a receiver that already has it can tell.
            var now = clock.UtcNowStored();
            delivery.Status = DeliveryStatus.Pending;
            delivery.Attempts = 0;
            delivery.NextAttemptAt = now;
            delivery.LockedUntil = null;
            // Asking for a redelivery is the member saying the endpoint works again.
            await db.WebhookSubscriptions.Where(s => s.Id == delivery.SubscriptionId && s.DisabledAt != null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.DisabledAt, (DateTime?)null).SetProperty(x => x.DisabledReason, (string?)null), cancellationToken);
            await audit.AppendAsync(caller.Actor, "webhook_delivery.redelivered", "webhook_delivery", delivery.Id.ToString(), cancellationToken: cancellationToken);
            return TypedResults.Accepted($"/api/v1/webhook-deliveries?status=pending", ToDto(delivery));
        }, cancellationToken);
    }

    /// <summary>A member confirms it deleted its own copy of a purged case; the tombstone shows who confirmed and when.</summary>
    private static async Task<Results<Ok<TombstoneReceiptsDto>, Created<TombstoneReceiptsDto>, ProblemHttpResult>> ConfirmPurge(
        Guid id, Caller caller, ExchangeDbContext db, AuditLog audit, TimeProvider clock, CancellationToken cancellationToken)
    {
        return await audit.InTransactionAsync<Results<Ok<TombstoneReceiptsDto>, Created<TombstoneReceiptsDto>, ProblemHttpResult>>(async () =>
        {
            // Only a party confirms its own copy's deletion: a procedure's access never reaches here.
            var access = caller.Access;
            if (access.MetadataOnly)
            {
                return Problems.NotFound();
            }

            // Two confirmations by one member take turns; the second finds the receipt.
            await CaseLocks.LockCasesAsync(db, [id], cancellationToken);
            var tombstone = await access.Tombstones(db.Tombstones.Include(t => t.Receipts)).FirstOrDefaultAsync(t => t.CaseId == id, cancellationToken);
            if (tombstone is null)
            {
                return Problems.NotFound();
            }

            var created = false;
            if (tombstone.Receipts.All(r => r.MemberId != caller.MemberId))
            {
                tombstone.Receipts.Add(new PurgeReceipt { CaseId = id, MemberId = caller.MemberId, ConfirmedAt = clock.UtcNowStored() });
                await audit.AppendAsync(caller.Actor, "case.purge_confirmed", "case", id.ToString(), id, cancellationToken: cancellationToken);
                created = true;
            }

            var dto = new TombstoneReceiptsDto(id, tombstone.PurgedAt, tombstone.Receipts.OrderBy(r => r.ConfirmedAt).Select(r => new PurgeReceiptDto(r.MemberId, r.ConfirmedAt)).ToList());
            return created ? TypedResults.Created($"/api/v1/cases/{id}/purge-receipts", dto) : TypedResults.Ok(dto);
        }, cancellationToken);
    }

    private static WebhookDeliveryDto ToDto(WebhookDelivery d) => new(d.Id, d.SubscriptionId, d.MessageId, d.EventType,
        d.Status.ToString().ToLowerInvariant(), d.Attempts, d.CreatedAt, d.NextAttemptAt, d.LastAttemptAt, d.LastStatusCode, d.LastError, d.DeliveredAt);
}
