using Exchange.Core.Agreements;
using Exchange.Core.Audit;
using Exchange.Core.Cases;
using Exchange.Core.Content;
using Exchange.Core.Data;
using Exchange.Core.Members;
using Exchange.Core.Webhooks;
using Exchange.Jobs.Scheduling;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Exchange.Jobs.Deadlines;

/// <summary>
/// The clock's rules: a response deadline passed is flagged and notified; an agreement nearing its
/// expiry is notified to its parties; an expired agreement moves to expired and the open cases it
/// alone made lawful are halted; an open case without activity for the inactivity period is closed
/// as resolved. Each change is claimed by a conditional update or the case's concurrency token, so
/// two workers, or a worker and the API, never apply it twice.
/// </summary>
public sealed class DeadlinesJob(
    ExchangeDbContext db,
    AuditLog audit,
    IOptions<DeadlinesJobOptions> options,
    IOptions<RetentionOptions> retention,
    IServiceScopeFactory scopes,
    TimeProvider clock,
    ILogger<DeadlinesJob> logger) : ExchangeJob(scopes, clock, logger)
{
    public const string JobName = "Deadlines";
    public const string AgreementExpiredReason = "agreement_expired";
    public const string InactivityConclusion = "Closed by the exchange after a period without activity.";

    public override string Name => JobName;

    protected override async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var now = Clock.GetUtcNow().UtcDateTime;
        return await FlagPassedDeadlinesAsync(now, cancellationToken)
            + await NotifyExpiringAgreementsAsync(now, cancellationToken)
            + await ExpireAgreementsAsync(now, cancellationToken)
            + await CloseInactiveCasesAsync(now, cancellationToken);
    }

    private async Task<int> FlagPassedDeadlinesAsync(DateTime now, CancellationToken cancellationToken)
    {
        var overdue = await db.Cases.AsNoTracking()
            .Where(c => (c.Status == CaseStatus.Submitted || c.Status == CaseStatus.InformationRequested || c.Status == CaseStatus.Accepted)
                && c.ResponseDueAt != null && c.ResponseDueAt <= now && c.DeadlineNotifiedAt == null)
            .OrderBy(c => c.ResponseDueAt)
            .Take(options.Value.BatchSize)
            .Select(c => new { c.Id, c.SubmittingMemberId, c.ReceivingMemberId })
            .ToListAsync(cancellationToken);
        var flagged = 0;
        foreach (var item in overdue)
        {
            var claimed = await audit.InTransactionAsync(async () =>
            {
                // Flagging is not a change of the case's content, so it leaves the ETag (Version) alone.
                var claimed = await db.Cases
                    .Where(c => c.Id == item.Id && c.DeadlineNotifiedAt == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(c => c.DeadlineNotifiedAt, now), cancellationToken);
                if (claimed == 0)
                {
                    return false;
                }

                db.OutboxMessages.Add(CaseEvents.ForCase(CaseEvents.DeadlinePassed, item.Id, item.SubmittingMemberId, item.ReceivingMemberId, now));
                await audit.AppendAsync(AuditActor.System, "case.deadline_passed", "case", item.Id.ToString(), item.Id, cancellationToken: cancellationToken);
                return true;
            }, cancellationToken);
            db.ChangeTracker.Clear();
            flagged += claimed ? 1 : 0;
        }

        return flagged;
    }

    private async Task<int> NotifyExpiringAgreementsAsync(DateTime now, CancellationToken cancellationToken)
    {
        var horizon = now + options.Value.AgreementExpiryNotice;
        var expiring = await db.Agreements.AsNoTracking()
            .Where(a => a.Status == AgreementStatus.InForce && a.ExpiresAt > now && a.ExpiresAt <= horizon && a.ExpiryNotifiedAt == null)
            .OrderBy(a => a.ExpiresAt)
            .Take(options.Value.BatchSize)
            .Select(a => new { a.Id, Parties = a.Parties.Select(p => p.PartyId).ToList() })
            .ToListAsync(cancellationToken);
        var notified = 0;
        foreach (var agreement in expiring)
        {
            var claimed = await audit.InTransactionAsync(async () =>
            {
                var claimed = await db.Agreements
                    .Where(a => a.Id == agreement.Id && a.ExpiryNotifiedAt == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(a => a.ExpiryNotifiedAt, now), cancellationToken);
                if (claimed == 0)
                {
                    return false;
                }

                var members = agreement.Parties.Where(p => p != Member.OperatorId).ToList();
                db.OutboxMessages.Add(CaseEvents.ForAgreement(CaseEvents.AgreementExpiring, agreement.Id, members, now));
                await audit.AppendAsync(AuditActor.System, "agreement.expiring", "agreement", agreement.Id.ToString(), details: new { parties = members }, cancellationToken: cancellationToken);
                return true;
            }, cancellationToken);
            db.ChangeTracker.Clear();
            notified += claimed ? 1 : 0;
        }

        return notified;
    }

    private async Task<int> ExpireAgreementsAsync(DateTime now, CancellationToken cancellationToken)
    {
        var expired = await db.Agreements.AsNoTracking()
            .Where(a => a.Status == AgreementStatus.InForce && a.ExpiresAt <= now)
            .OrderBy(a => a.ExpiresAt)
            .Take(options.Value.BatchSize)
            .Select(a => new { a.Id, Parties = a.Parties.Select(p => p.PartyId).ToList() })
            .ToListAsync(cancellationToken);
        var changed = 0;
        foreach (var agreement in expired)
        {
            changed += await audit.InTransactionAsync(async () =>
            {
                var claimed = await db.Agreements
                    .Where(a => a.Id == agreement.Id && a.Status == AgreementStatus.InForce)
                    .ExecuteUpdateAsync(s => s.SetProperty(a => a.Status, AgreementStatus.Expired), cancellationToken);
                if (claimed == 0)
                {
                    return 0;
                }

                await audit.AppendAsync(AuditActor.System, "agreement.expired", "agreement", agreement.Id.ToString(), cancellationToken: cancellationToken);
                // The same halting the API applies when an agreement is terminated.
                var members = agreement.Parties.Where(p => p != Member.OperatorId).ToList();
                return 1 + await CaseChanges.HaltUncoveredAsync(db, audit, members, AgreementExpiredReason, now, retention.Value.Default, cancellationToken);
            }, cancellationToken);
            db.ChangeTracker.Clear();
        }

        return changed;
    }

    private async Task<int> CloseInactiveCasesAsync(DateTime now, CancellationToken cancellationToken)
    {
        var inactiveSince = now - options.Value.InactivityPeriod;
        var ids = await db.Cases.AsNoTracking()
            .Where(c => (c.Status == CaseStatus.Submitted || c.Status == CaseStatus.InformationRequested || c.Status == CaseStatus.Accepted)
                && c.UpdatedAt <= inactiveSince)
            .OrderBy(c => c.UpdatedAt)
            .Take(options.Value.BatchSize)
            .Select(c => c.Id)
            .ToListAsync(cancellationToken);
        var closed = 0;
        foreach (var id in ids)
        {
            try
            {
                var done = await audit.InTransactionAsync(async () =>
                {
                    await CaseLocks.LockCasesAsync(db, [id], cancellationToken);
                    // The conclusion is set only when the case has none, so the case's content is read.
                    await db.UnlockAsync(id, cancellationToken);
                    var collaboration = await db.Cases.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
                    if (collaboration is null || !collaboration.IsOpen || collaboration.UpdatedAt > inactiveSince)
                    {
                        return false;
                    }

                    var members = await db.Members.Where(m => m.Id == collaboration.SubmittingMemberId || m.Id == collaboration.ReceivingMemberId)
                        .ToDictionaryAsync(m => m.Id, cancellationToken);
                    CaseLifecycle.CloseInactive(collaboration, CaseTimes.For(now,
                        members[collaboration.SubmittingMemberId], members[collaboration.ReceivingMemberId], retention.Value.Default));
                    collaboration.Conclusion ??= InactivityConclusion;
                    db.OutboxMessages.Add(CaseEvents.ForCase(CaseEvents.Resolved, collaboration, now));
                    await audit.AppendAsync(AuditActor.System, "case.resolved", "case", collaboration.Id.ToString(), collaboration.Id,
                        new { reason = "inactivity" }, cancellationToken);
                    return true;
                }, cancellationToken);
                closed += done ? 1 : 0;
            }
            catch (DbUpdateConcurrencyException)
            {
                // The case changed under us (someone acted on it): it is no longer inactive.
            }

            db.ChangeTracker.Clear();
        }

        return closed;
    }
}
