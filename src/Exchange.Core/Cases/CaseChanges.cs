using Exchange.Core.Audit;
using Exchange.Core.Data;
using Exchange.Core.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Core.Cases;

/// <summary>
/// Case changes that are not a member's request: halting the open cases an authorisation
/// withdrawal, an agreement termination or an agreement's expiry leaves without a basis. Used by
/// the API and the jobs alike. Runs inside the caller's <see cref="AuditLog.BeginAsync"/>
/// transaction; the caller saves and commits.
/// </summary>
public static class CaseChanges
{
    public static async Task HaltAsync(
        ExchangeDbContext db, AuditLog audit, IReadOnlyCollection<CollaborationCase> cases, string reason, bool purgeImmediately,
        DateTime now, TimeSpan retentionDefault, CancellationToken cancellationToken)
    {
        if (cases.Count == 0)
        {
            return;
        }

        var memberIds = cases.SelectMany(c => new[] { c.SubmittingMemberId, c.ReceivingMemberId }).Distinct().ToList();
        var members = await db.Members.Where(m => memberIds.Contains(m.Id)).ToDictionaryAsync(m => m.Id, cancellationToken);
        foreach (var collaboration in cases)
        {
            var times = CaseTimes.For(now, members[collaboration.SubmittingMemberId], members[collaboration.ReceivingMemberId], retentionDefault, purgeImmediately);
            if (CaseLifecycle.Halt(collaboration, reason, times))
            {
                await audit.AppendAsync(AuditActor.System, "case.halted", "case", collaboration.Id.ToString(), collaboration.Id,
                    new { reason }, cancellationToken);
                db.OutboxMessages.Add(CaseEvents.ForCase(CaseEvents.Halted, collaboration, now));
            }
            else if (purgeImmediately && (collaboration.PurgeDueAt is null || collaboration.PurgeDueAt > now))
            {
                // Already concluded: withdrawal still means the data goes now, not after retention.
                collaboration.PurgeDueAt = now;
                collaboration.Version = Guid.NewGuid();
                await audit.AppendAsync(AuditActor.System, "case.purge_brought_forward", "case", collaboration.Id.ToString(), collaboration.Id,
                    new { reason }, cancellationToken);
            }
        }
    }

    /// <summary>
    /// After an agreement ends (terminated or expired), halts the open cases of its parties that
    /// no agreement in force covers any more. Coverage is decided by <see cref="CaseSubmissionRules.Coverage"/>,
    /// the same rule that gates a new case; agreements already tracked by the caller are seen as changed.
    /// </summary>
    public static async Task<int> HaltUncoveredAsync(
        ExchangeDbContext db, AuditLog audit, IReadOnlyCollection<string> partyIds, string reason,
        DateTime now, TimeSpan retentionDefault, CancellationToken cancellationToken)
    {
        var open = await db.Cases
            .Where(c => (partyIds.Contains(c.SubmittingMemberId) || partyIds.Contains(c.ReceivingMemberId))
                && (c.Status == CaseStatus.Submitted || c.Status == CaseStatus.InformationRequested || c.Status == CaseStatus.Accepted))
            .ToListAsync(cancellationToken);
        if (open.Count == 0)
        {
            return 0;
        }

        var involved = open.SelectMany(c => new[] { c.SubmittingMemberId, c.ReceivingMemberId }).Distinct().ToList();
        var agreements = await db.Agreements.Include(a => a.Parties)
            .Where(a => a.Parties.Any(p => involved.Contains(p.PartyId)))
            .ToListAsync(cancellationToken);
        var uncovered = open.Where(c => CaseSubmissionRules.Coverage(c.SubmittingMemberId, c.ReceivingMemberId, agreements, now, out _) is null).ToList();
        // Read before the lock: each is read again under it, and one another change has concluded meanwhile is left alone.
        await CaseLocks.LockCasesAsync(db, uncovered.Select(c => c.Id), cancellationToken);
        foreach (var collaboration in uncovered)
        {
            await db.Entry(collaboration).ReloadAsync(cancellationToken);
        }

        uncovered = uncovered.Where(c => c.IsOpen).ToList();
        await HaltAsync(db, audit, uncovered, reason, purgeImmediately: false, now, retentionDefault, cancellationToken);
        return uncovered.Count;
    }
}
