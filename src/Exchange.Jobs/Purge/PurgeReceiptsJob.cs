using Exchange.Core.Audit;
using Exchange.Core.Data;
using Exchange.Core.Webhooks;
using Exchange.Jobs.Scheduling;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Exchange.Jobs.Purge;

/// <summary>
/// A purge at the exchange leaves the copies members keep in their own systems. Until both
/// members confirm (POST /api/v1/cases/{id}/purge-receipts), `case.purged` is sent again to those
/// that have not, a day apart by default, up to a bounded number of notifications.
/// </summary>
public sealed class PurgeReceiptsJob(
    ExchangeDbContext db,
    AuditLog audit,
    IOptions<PurgeReceiptsJobOptions> options,
    IServiceScopeFactory scopes,
    TimeProvider clock,
    ILogger<PurgeReceiptsJob> logger) : ExchangeJob(scopes, clock, logger)
{
    public const string JobName = "PurgeReceipts";

    public override string Name => JobName;

    protected override async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = Clock.GetUtcNow().UtcDateTime;
        var dueBefore = now - settings.RenotifyAfter;
        var candidates = await db.Tombstones.AsNoTracking()
            .Where(t => t.NotificationsSent < settings.MaxNotifications
                && (t.LastNotifiedAt ?? t.PurgedAt) <= dueBefore
                && t.Receipts.Count(r => r.MemberId == t.SubmittingMemberId || r.MemberId == t.ReceivingMemberId) < 2)
            .OrderBy(t => t.PurgedAt)
            .Take(settings.BatchSize)
            .Select(t => new { t.CaseId, t.SubmittingMemberId, t.ReceivingMemberId, t.NotificationsSent, Confirmed = t.Receipts.Select(r => r.MemberId).ToList() })
            .ToListAsync(cancellationToken);

        var sent = 0;
        foreach (var tombstone in candidates)
        {
            var claimed = await audit.InTransactionAsync(async () =>
            {
                // The claim: only the worker whose update finds the count it read sends this round.
                var claimed = await db.Tombstones
                    .Where(t => t.CaseId == tombstone.CaseId && t.NotificationsSent == tombstone.NotificationsSent)
                    .ExecuteUpdateAsync(s => s.SetProperty(t => t.NotificationsSent, t => t.NotificationsSent + 1).SetProperty(t => t.LastNotifiedAt, now), cancellationToken);
                if (claimed == 0)
                {
                    return false;
                }

                var unconfirmed = new[] { tombstone.SubmittingMemberId, tombstone.ReceivingMemberId }.Except(tombstone.Confirmed).ToList();
                db.OutboxMessages.Add(CaseEvents.ForCaseMembers(CaseEvents.Purged, tombstone.CaseId, unconfirmed, now));
                await audit.AppendAsync(AuditActor.System, "case.purge_renotified", "case", tombstone.CaseId.ToString(), tombstone.CaseId,
                    new { members = unconfirmed, notification = tombstone.NotificationsSent + 1 }, cancellationToken);
                return true;
            }, cancellationToken);
            db.ChangeTracker.Clear();
            sent += claimed ? 1 : 0;
        }

        return sent;
    }
}
