using Exchange.Core.Audit;
using Exchange.Core.Content;
using Exchange.Core.Data;
using Exchange.Core.Members;
using Exchange.Core.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Core.Cases;

/// <summary>What one purge removed: counts only, the same numbers the audit entries hold.</summary>
public sealed record PurgeResult(int Cases, int Fields, int WithheldFields, int Notes)
{
    public static readonly PurgeResult None = new(0, 0, 0, 0);
}

/// <summary>
/// The one place a case is purged (rule 6). In one transaction it deletes the case's data key and the case row, whose
/// fields, withheld-field bookkeeping and notes go with it by cascade, and the body of any stored
/// replay of the request that created it; writes the tombstone; audits the purge with ids and counts; and
/// writes the `case.purged` outbox message for both members. A purge killed halfway therefore
/// leaves every case whole or purged. The Jobs service purges cases whose retention has passed
/// (<see cref="PurgeDueAsync"/>); <see cref="PurgeNowAsync"/> purges inside a caller's own
/// transaction, for a purge that must not wait for the next run (an authorisation withdrawn).
/// </summary>
public sealed class CasePurger(ExchangeDbContext db, AuditLog audit, TimeProvider clock)
{
    public const string AuditAction = "case.purged";

    public static bool IsConcluded(CaseStatus status) => status is CaseStatus.Resolved or CaseStatus.Rejected or CaseStatus.Halted or CaseStatus.Withdrawn;

    /// <summary>
    /// Purges up to <paramref name="batchSize"/> concluded cases whose purge is overdue by at least
    /// <paramref name="overdueBy"/>, in one transaction: the sweep behind the per-case purge jobs.
    /// The candidates are claimed inside the transaction (<see cref="ClaimAsync"/>), so two workers
    /// never purge the same case twice.
    /// </summary>
    public async Task<PurgeResult> PurgeDueAsync(int batchSize, TimeSpan overdueBy, CancellationToken cancellationToken = default)
    {
        var result = await audit.InTransactionAsync(async () =>
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var dueBefore = now - overdueBy;
            var due = await db.Cases
                .Where(c => (c.Status == CaseStatus.Resolved || c.Status == CaseStatus.Rejected || c.Status == CaseStatus.Halted || c.Status == CaseStatus.Withdrawn)
                    && c.PurgeDueAt != null && c.PurgeDueAt <= dueBefore)
                .OrderBy(c => c.PurgeDueAt)
                .Select(c => c.Id)
                .Take(batchSize)
                .ToListAsync(cancellationToken);
            var claimed = await ClaimAsync(due, dueBefore, cancellationToken);
            return claimed.Count == 0 ? PurgeResult.None : await PurgeInTransactionAsync(claimed, AuditActor.System, "retention_elapsed", now, cancellationToken);
        }, cancellationToken);
        // A worker runs batch after batch on one context; what it wrote is of no further use.
        db.ChangeTracker.Clear();
        return result;
    }

    /// <summary>
    /// Purges one case if it is concluded and its purge is due, in one transaction; a no-op for a
    /// case already purged, still open, or not yet due (its retention was lengthened). Run by the
    /// purge job scheduled for the case, which may run more than once (Hangfire delivers at least
    /// once): the case is claimed inside the transaction, so a second run, or the sweep, waits for
    /// this one and then finds it gone.
    /// </summary>
    public async Task<PurgeResult> PurgeIfDueAsync(Guid caseId, CancellationToken cancellationToken = default)
    {
        var result = await audit.InTransactionAsync(async () =>
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var claimed = await ClaimAsync([caseId], now, cancellationToken);
            return claimed.Count == 0 ? PurgeResult.None : await PurgeInTransactionAsync(claimed, AuditActor.System, "retention_elapsed", now, cancellationToken);
        }, cancellationToken);
        db.ChangeTracker.Clear();
        return result;
    }

    /// <summary>
    /// Purges the given cases now, whatever their state (an open case is recorded as halted), e.g.
    /// when the customer withdraws the authorisation. Joins the caller's unit of work if one is open
    /// (<see cref="AuditLog.InTransactionAsync{T}"/>); otherwise runs as its own.
    /// Cases already purged are skipped.
    /// </summary>
    public async Task<PurgeResult> PurgeNowAsync(IReadOnlyCollection<Guid> caseIds, AuditActor actor, string reason, CancellationToken cancellationToken = default)
    {
        if (caseIds.Count == 0)
        {
            return PurgeResult.None;
        }

        return await audit.InTransactionAsync(async () =>
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var ids = caseIds.Distinct().ToList();
            // Row locks on the cases, so a purge job running meanwhile waits and then finds them gone.
            await db.Cases.Where(c => ids.Contains(c.Id))
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.PurgeScheduledFor, c => c.PurgeScheduledFor), cancellationToken);
            return await PurgeInTransactionAsync(ids, actor, reason, now, cancellationToken);
        }, cancellationToken);
    }

    /// <summary>
    /// Claims the cases among <paramref name="ids"/> that are concluded and due by <paramref name="dueBy"/>:
    /// a no-op update locks their rows until commit (the audit log no longer serialises writers,
    /// decision 0208). A second purger blocks on the same rows and, once this one commits, finds
    /// them deleted. Returns the ids claimed.
    /// </summary>
    private async Task<List<Guid>> ClaimAsync(List<Guid> ids, DateTime dueBy, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return ids;
        }

        var claimed = await DueCases(ids, dueBy)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.PurgeScheduledFor, c => c.PurgeScheduledFor), cancellationToken);
        return claimed == 0 ? [] : await DueCases(ids, dueBy).Select(c => c.Id).ToListAsync(cancellationToken);
    }

    private IQueryable<CollaborationCase> DueCases(List<Guid> ids, DateTime dueBy) =>
        db.Cases.Where(c => ids.Contains(c.Id)
            && (c.Status == CaseStatus.Resolved || c.Status == CaseStatus.Rejected || c.Status == CaseStatus.Halted || c.Status == CaseStatus.Withdrawn)
            && c.PurgeDueAt != null && c.PurgeDueAt <= dueBy);

    private async Task<PurgeResult> PurgeInTransactionAsync(IReadOnlyCollection<Guid> caseIds, AuditActor actor, string reason, DateTime now, CancellationToken cancellationToken)
    {
        var ids = caseIds.Distinct().ToList();
        // The tombstone keeps the summary, customer organisation and resolution: read in plaintext here, once.
        await db.UnlockAsync(ids, cancellationToken);
        var cases = await db.Cases.AsNoTracking()
            .Where(c => ids.Contains(c.Id))
            .Include(c => c.Fields.Where(f => f.Name == FieldCatalogue.Summary || f.Name == FieldCatalogue.CustomerOrganisation))
            .AsSplitQuery()
            .ToListAsync(cancellationToken);
        if (cases.Count == 0)
        {
            return PurgeResult.None;
        }

        ids = cases.Select(c => c.Id).ToList();
        var fieldCounts = await CountsAsync(db.CaseFields.Where(f => ids.Contains(f.CaseId)).GroupBy(f => f.CaseId).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken), x => x.Key, x => x.Count);
        var withheldCounts = await CountsAsync(db.WithheldFields.Where(f => ids.Contains(f.CaseId)).GroupBy(f => f.CaseId).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken), x => x.Key, x => x.Count);
        var noteCounts = await CountsAsync(db.CaseNotes.Where(n => ids.Contains(n.CaseId)).GroupBy(n => n.CaseId).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken), x => x.Key, x => x.Count);

        // A stored replay of the request that created a case may hold its content: the body goes,
        // the key stays, so a late retry is still recognised and does not create the case again.
        var locations = ids.Select(id => $"/api/v1/cases/{id}").ToList();
        await db.IdempotencyRecords.Where(r => r.Location != null && locations.Contains(r.Location) && r.ResponseBody != null)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.ResponseBody, (string?)null), cancellationToken);

        // The data keys first (the cascade would take them too): with them goes every copy of the
        // content that lingers in freed pages, WAL, replicas and backups, once the key-encryption
        // key that wrapped them is rotated away (decision 0006).
        await db.CaseDataKeys.Where(k => ids.Contains(k.CaseId)).ExecuteDeleteAsync(cancellationToken);
        foreach (var id in ids)
        {
            db.ContentKeys.Forget(id);
        }

        // Fields, withheld-field bookkeeping and notes are deleted by the foreign keys' cascade.
        await db.Cases.Where(c => ids.Contains(c.Id)).ExecuteDeleteAsync(cancellationToken);

        foreach (var collaboration in cases)
        {
            db.Tombstones.Add(new Tombstone
            {
                CaseId = collaboration.Id,
                SubmittingMemberId = collaboration.SubmittingMemberId,
                ReceivingMemberId = collaboration.ReceivingMemberId,
                SubmitterInitials = collaboration.OpenedByInitials,
                ReceiverInitials = collaboration.ReceiverInitials,
                CustomerOrganisation = collaboration.Fields.FirstOrDefault(f => f.Name == FieldCatalogue.CustomerOrganisation)?.Value,
                Summary = collaboration.Fields.FirstOrDefault(f => f.Name == FieldCatalogue.Summary)?.Value,
                StepsTaken = collaboration.StepsTaken,
                Conclusion = collaboration.Conclusion,
                Outcome = collaboration.IsOpen ? CaseStatus.Halted : collaboration.Status,
                OpenedAt = collaboration.CreatedAt,
                RespondedAt = collaboration.RespondedAt,
                RespondedInTime = collaboration.RespondedInTime,
                ConcludedAt = collaboration.ConcludedAt ?? now,
                PurgedAt = now,
                NotificationsSent = 1,
                LastNotifiedAt = now,
            });
            db.OutboxMessages.Add(CaseEvents.ForCase(CaseEvents.Purged, collaboration, now));
            await audit.AppendAsync(actor, AuditAction, "case", collaboration.Id.ToString(), collaboration.Id, new
            {
                reason,
                fields = fieldCounts.GetValueOrDefault(collaboration.Id),
                withheldFields = withheldCounts.GetValueOrDefault(collaboration.Id),
                notes = noteCounts.GetValueOrDefault(collaboration.Id),
            }, cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        return new PurgeResult(cases.Count, fieldCounts.Values.Sum(), withheldCounts.Values.Sum(), noteCounts.Values.Sum());
    }

    private static async Task<Dictionary<Guid, int>> CountsAsync<T>(Task<List<T>> query, Func<T, Guid> key, Func<T, int> count) =>
        (await query).ToDictionary(key, count);
}
