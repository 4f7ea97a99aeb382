using Exchange.Core.Audit;
using Exchange.Core.Cases;
using Exchange.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Exchange.Core.Content;

/// <summary>What one rotation did: the new key, how many data keys it re-wrapped, which old keys it destroyed.</summary>
public sealed record RotationResult(string KekId, int Rewrapped, int Unreadable, IReadOnlyList<string> Destroyed, bool Superseded);

/// <summary>
/// Rotation of the key-encryption key (decision 0006): a new key is made; after a grace period
/// (every node then wraps with it) every live data key is re-wrapped with it, in batches; then
/// every older key-encryption key that no live data key references is destroyed. From then on a
/// data key deleted by a purge, wherever a copy of its row lingers (freed pages, WAL, replicas,
/// backups), is wrapped by a key that exists nowhere. Each batch and the destruction hold
/// <see cref="LockResource"/> exclusively, so a rotation on another node, or a case created with the
/// old key just before (which holds it shared), is serialised with the check that a key is no longer referenced.
/// </summary>
public sealed class ContentKeyRotation(
    ExchangeDbContext db, AuditLog audit, CaseContentProtector protector, IOptions<ContentKeyOptions> options, TimeProvider clock,
    ILogger<ContentKeyRotation> logger)
{
    public const string AuditAction = "content_keys.rotated";

    /// <summary>
    /// The lock a rotation's batches and its destruction check hold exclusively, and every
    /// transaction that wraps a new data key holds shared (<see cref="CaseContentInterceptor"/>).
    /// </summary>
    public const string LockResource = "exchange-content-keys";

    public async Task<RotationResult> RotateAsync(int batchSize, CancellationToken cancellationToken = default)
    {
        var keks = protector.Keks;
        var newId = keks.Create();
        if (options.Value.RotationGrace > TimeSpan.Zero)
        {
            await Task.Delay(options.Value.RotationGrace, clock, cancellationToken);
        }

        var newKey = keks.Get(newId);
        var rewrapped = 0;
        var unreadable = 0;
        Guid? after = null;
        while (true)
        {
            var (superseded, count, failed, opened, last) = await audit.InTransactionAsync(async () =>
            {
                // Rotations on two nodes take turns, batch by batch.
                await ProviderStatements.LockAsync(db, LockResource, shared: false, cancellationToken);
                if (keks.Ids() is { Count: > 0 } ids && ids[^1] != newId)
                {
                    // A later rotation (another node) made a newer key: it finishes the work.
                    logger.LogInformation("Key rotation {Kek} superseded by {Newer}", newId, ids[^1]);
                    return (true, 0, 0, new List<Guid>(), (Guid?)null);
                }

                var query = db.CaseDataKeys.Where(k => k.KekId != newId);
                if (after is { } previous)
                {
                    query = query.Where(k => k.CaseId.CompareTo(previous) > 0);
                }

                var batch = await query.OrderBy(k => k.CaseId).Take(batchSize).ToListAsync(cancellationToken);
                var now = clock.GetUtcNow().UtcDateTime;
                var done = new List<Guid>();
                var failures = 0;
                foreach (var row in batch)
                {
                    try
                    {
                        var dataKey = protector.Unwrap(row.CaseId, row.KekId, row.WrappedKey);
                        row.WrappedKey = CaseContentProtector.Wrap(row.CaseId, dataKey, newId, newKey);
                        row.KekId = newId;
                        row.RewrappedAt = now;
                        db.ContentKeys.Keys[row.CaseId] = dataKey;
                        done.Add(row.CaseId);
                    }
                    catch (Exception ex) when (ex is KeyEncryptionKeyMissingException or CaseContentIntegrityException)
                    {
                        failures++;
                        logger.LogWarning("Data key of case {CaseId} could not be unwrapped for rotation: {Reason}", row.CaseId, ex.GetType().Name);
                    }
                }

                await RebuildBlindIndexAsync(done, newId, newKey, cancellationToken);
                return (false, batch.Count, failures, done, batch.Count == 0 ? (Guid?)null : batch[^1].CaseId);
            }, cancellationToken);
            if (superseded)
            {
                return new RotationResult(newId, rewrapped, unreadable, [], Superseded: true);
            }

            if (count == 0)
            {
                break;
            }

            rewrapped += opened.Count;
            unreadable += failed;
            after = last;
            db.ChangeTracker.Clear();
            foreach (var id in opened)
            {
                db.ContentKeys.Forget(id);
            }
        }

        var destroyed = await audit.InTransactionAsync(async () =>
        {
            // Waits for every transaction that wrapped a new data key (they hold the lock shared), so
            // a key wrapped with an old KEK just before is seen here and keeps that KEK alive.
            await ProviderStatements.LockAsync(db, LockResource, shared: false, cancellationToken);
            var referenced = (await db.CaseDataKeys.Select(k => k.KekId).Distinct().ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
            var unreferenced = keks.Ids().Where(id => string.CompareOrdinal(id, newId) < 0 && !referenced.Contains(id)).ToList();
            // Entries hashed under a key about to go would match nothing any more: they go too.
            await db.CaseBlindIndex.Where(e => unreferenced.Contains(e.KekId)).ExecuteDeleteAsync(cancellationToken);
            await audit.AppendAsync(AuditActor.System, AuditAction, "content_key", newId, details: new { rewrapped, unreadable, destroyed = unreferenced }, cancellationToken: cancellationToken);
            return unreferenced;
        }, cancellationToken);

        // After the commit: a key is destroyed only once no committed row needs it.
        foreach (var id in destroyed)
        {
            keks.Destroy(id);
        }

        logger.LogInformation("Key rotation made {Kek}, re-wrapped {Rewrapped} data keys, destroyed {Destroyed} old keys", newId, rewrapped, destroyed.Count);
        return new RotationResult(newId, rewrapped, unreadable, destroyed, Superseded: false);
    }

    /// <summary>
    /// Recomputes the blind index of these cases (their keys unlocked in the context) from their
    /// decrypted content, under the new key-encryption key: the old entries, and with them
    /// anything they could link, are replaced.
    /// </summary>
    private async Task RebuildBlindIndexAsync(List<Guid> ids, string kekId, byte[] kek, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return;
        }

        var cases = await db.Cases.AsNoTracking().Where(c => ids.Contains(c.Id)).ToListAsync(cancellationToken);
        var fields = await db.CaseFields.AsNoTracking().Where(f => ids.Contains(f.CaseId)).ToListAsync(cancellationToken);
        var notes = await db.CaseNotes.AsNoTracking().Where(n => ids.Contains(n.CaseId)).ToListAsync(cancellationToken);
        await db.CaseBlindIndex.Where(e => ids.Contains(e.CaseId)).ExecuteDeleteAsync(cancellationToken);
        foreach (var collaboration in cases)
        {
            var terms = BlindIndex.CaseTerms(collaboration, fields.Where(f => f.CaseId == collaboration.Id), notes.Where(n => n.CaseId == collaboration.Id));
            db.CaseBlindIndex.AddRange(BlindIndex.EntriesFor(collaboration.Id, kekId, kek, terms));
        }
    }

    /// <summary>
    /// Seals case content still stored in plaintext (rows written before decision 0006), in
    /// batches of whole cases, each in its own transaction: readers see a row either as it was
    /// (marker 0, read as plaintext) or sealed (marker 1) with its key committed beside it.
    /// Run by the migrate step; returns the number of cases converted.
    /// </summary>
    public static async Task<int> SealPlaintextAsync(ExchangeDbContext db, AuditLog audit, int batchSize, CancellationToken cancellationToken = default)
    {
        var total = 0;
        while (true)
        {
            var ids = await db.Cases.AsNoTracking()
                .Where(c => EF.Property<int>(c, CaseContentInterceptor.VersionProperty) == CaseContentInterceptor.Plaintext
                    || c.Fields.Any(f => EF.Property<int>(f, CaseContentInterceptor.VersionProperty) == CaseContentInterceptor.Plaintext)
                    || c.Notes.Any(n => EF.Property<int>(n, CaseContentInterceptor.VersionProperty) == CaseContentInterceptor.Plaintext))
                .OrderBy(c => c.Id).Select(c => c.Id).Take(batchSize).ToListAsync(cancellationToken);
            if (ids.Count == 0)
            {
                return total;
            }

            await audit.InTransactionAsync(async () =>
            {
                await db.UnlockAsync(ids, cancellationToken);
                var cases = await db.Cases.Where(c => ids.Contains(c.Id)).Include(c => c.Fields).Include(c => c.Notes).AsSplitQuery().ToListAsync(cancellationToken);
                foreach (var entity in cases.Cast<object>().Concat(cases.SelectMany(c => c.Fields)).Concat(cases.SelectMany(c => c.Notes)))
                {
                    var entry = db.Entry(entity);
                    if ((int)entry.Property(CaseContentInterceptor.VersionProperty).CurrentValue! != CaseContentInterceptor.Plaintext)
                    {
                        continue;
                    }

                    var properties = entity switch
                    {
                        CollaborationCase => CaseContentInterceptor.CaseProperties,
                        CaseField => [nameof(CaseField.Value)],
                        _ => [nameof(CaseNote.Body), nameof(CaseNote.AuthorName)],
                    };
                    foreach (var name in properties)
                    {
                        entry.Property(name).IsModified = true;
                    }
                }

                await audit.AppendAsync(AuditActor.System, "case_content.sealed", "case", null, details: new { cases = ids.Count }, cancellationToken: cancellationToken);
            }, cancellationToken);
            db.ChangeTracker.Clear();
            total += ids.Count;
        }
    }
}
