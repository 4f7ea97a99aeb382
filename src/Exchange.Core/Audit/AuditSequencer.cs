using Exchange.Core.Data;
using Exchange.Core.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Exchange.Core.Audit;

/// <summary>What one sealing pass saw and did.</summary>
public sealed record SealResult(bool Leader, int Sealed, long Unsealed, DateTime? OldestUnsealed);

/// <summary>
/// Seals appended audit entries into the hash chain (decision 0208). Only the holder of the lease in
/// <c>audit_sequencer_lease</c> seals, and it renews the lease by a conditional update as the first
/// statement of every batch's transaction, so two sequencers never seal at once (the row is held
/// until commit; the second finds another holder and stops). A batch reads the oldest unsealed
/// entries by insertion id, gives them the next sequence numbers, chains them, and writes a signed
/// checkpoint of the new head in the same transaction.
/// The sequencer selects entries by state (not sealed yet), never by "insertion id above the last one
/// sealed": an entry whose transaction commits late with a lower id is simply sealed in a later batch.
/// </summary>
public sealed class AuditSequencer(ExchangeDbContext db, AuditSigner signer, TimeProvider clock, ILogger<AuditSequencer> logger)
{
    public const string LeaseName = "audit";

    public async Task<SealResult> SealBatchAsync(string holder, int batchSize, TimeSpan leaseDuration, CancellationToken cancellationToken = default)
    {
        var unsealed = await db.AuditEntries.CountAsync(e => e.Sequence == null, cancellationToken);
        if (unsealed == 0)
        {
            return new SealResult(Leader: false, 0, 0, null);
        }

        // Another sequencer may have sealed them since the count: then there is nothing left to do.
        var oldest = await db.AuditEntries.Where(e => e.Sequence == null).MinAsync(e => (DateTime?)e.OccurredAt, cancellationToken);
        if (oldest is null)
        {
            return new SealResult(Leader: false, 0, 0, null);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await TakeLeaseAsync(holder, leaseDuration, cancellationToken))
        {
            return new SealResult(Leader: false, 0, unsealed, oldest);
        }

        // The head is the last signed checkpoint: sealed rows that no checkpoint signed are not built on.
        var head = await db.AuditCheckpoints.AsNoTracking().OrderByDescending(c => c.Sequence)
            .Select(c => new { c.Sequence, c.HeadHash }).FirstOrDefaultAsync(cancellationToken)
            // Entries chained before checkpoints existed (decision 0208's migration) are adopted as they are.
            ?? await db.AuditEntries.AsNoTracking().Where(e => e.Sequence != null).OrderByDescending(e => e.Sequence)
                .Select(e => new { Sequence = e.Sequence!.Value, HeadHash = e.Hash! }).FirstOrDefaultAsync(cancellationToken);
        var sequence = head?.Sequence ?? 0;
        var previous = head?.HeadHash ?? AuditLog.Genesis;

        var batch = await db.AuditEntries.Where(e => e.Sequence == null).OrderBy(e => e.Id).Take(batchSize).ToListAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        now = new DateTime(now.Ticks - now.Ticks % 10, DateTimeKind.Utc);
        foreach (var entry in batch)
        {
            if (entry.ContentHash is not null && entry.ContentHash != AuditLog.ComputeContentHash(entry.OccurredAt, entry.ActorMemberId,
                entry.ActorId, entry.Action, entry.ObjectType, entry.ObjectId, entry.CaseId, entry.Details))
            {
                // Sealed as found, so verification keeps reporting it; the chain must not stop for it.
                logger.LogError("Audit entry {EntryId} no longer matches the content hash it was appended with", entry.Id);
            }

            sequence++;
            entry.Sequence = sequence;
            entry.PreviousHash = previous;
            entry.Hash = AuditLog.ComputeHash(sequence, entry.OccurredAt, entry.ActorMemberId, entry.ActorId, entry.Action,
                entry.ObjectType, entry.ObjectId, entry.CaseId, entry.Details, previous);
            previous = entry.Hash;
        }

        if (batch.Count > 0)
        {
            if (!await db.AuditSigningKeys.AnyAsync(k => k.KeyId == signer.KeyId, cancellationToken))
            {
                db.AuditSigningKeys.Add(new AuditSigningKey { KeyId = signer.KeyId, PublicKeyPem = signer.PublicKeyPem, CreatedAt = now });
            }

            db.AuditCheckpoints.Add(signer.Sign(sequence, previous, now));
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();

        foreach (var entry in batch)
        {
            ExchangeMetrics.AuditSealDelay.Record(Math.Max(0, (now - entry.OccurredAt).TotalSeconds));
        }

        ExchangeMetrics.AuditSealed.Add(batch.Count);
        return new SealResult(Leader: true, batch.Count, unsealed - batch.Count, batch.Count == unsealed ? null : oldest);
    }

    /// <summary>
    /// Takes or renews the lease inside the current transaction: held by this holder, or expired.
    /// On PostgreSQL and SQL Server the updated row stays locked until commit, which fences a
    /// sequencer whose lease another has taken meanwhile.
    /// </summary>
    private async Task<bool> TakeLeaseAsync(string holder, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var until = now + leaseDuration;
        var taken = await db.AuditSequencerLeases
            .Where(l => l.Name == LeaseName && (l.Holder == holder || l.ExpiresAt < now))
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Holder, holder).SetProperty(l => l.ExpiresAt, until), cancellationToken);
        if (taken > 0)
        {
            return true;
        }

        if (await db.AuditSequencerLeases.AnyAsync(l => l.Name == LeaseName, cancellationToken))
        {
            return false;
        }

        // The first sequencer ever: the lease row's key makes a second insert fail, and that one's transaction with it.
        db.AuditSequencerLeases.Add(new AuditSequencerLease { Name = LeaseName, Holder = holder, ExpiresAt = until });
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }
}
