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
}
