using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Exchange.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Exchange.Core.Audit;

/// <summary>Who did something: the member acted for and the user or client id. Never a name or an e-mail.</summary>
public sealed record AuditActor(string MemberId, string ActorId)
{
    public static readonly AuditActor System = new("system", "exchange");
}

/// <summary>
/// The one place that writes and verifies the audit log (decision 0208). A request appends its
/// entry in its own transaction with no lock and no chain work: the entry gets a database-assigned
/// insertion id and a hash of its own content. The sequencer (<see cref="AuditSequencer"/>) later
/// seals entries into the hash chain, each hash covering the entry and the previous hash, and signs
/// a checkpoint of the head; <see cref="VerifyAsync"/> recomputes all of it.
/// </summary>
public sealed class AuditLog(ExchangeDbContext db, TimeProvider clock)
{
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>
    /// Runs <paramref name="work"/> as one unit: a transaction, the work (its changes and audit
    /// entries), SaveChanges, commit. Under the retrying execution strategy the whole unit runs again
    /// after a database blink, from a cleared change tracker (decision 0204), so the work must load
    /// what it changes itself and have no effect outside the database before it returns. Inside an
    /// API handler (already one retriable unit) it runs once and the handler is retried. If a
    /// transaction is already open (a caller's unit), the work joins it and the caller commits.
    /// A refusal returned by the work must come before any change: whatever the context tracks is saved.
    /// </summary>
    public async Task<T> InTransactionAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken = default)
    {
        if (db.Database.CurrentTransaction is not null)
        {
            var joined = await work();
            await db.SaveChangesAsync(cancellationToken);
            return joined;
        }

        var attempt = 0;
        return await db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            if (attempt++ > 0)
            {
                // What the failed attempt loaded or added is not what this one must save.
                db.ChangeTracker.Clear();
            }

            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var result = await work();
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return result;
        }, cancellationToken);
    }

    /// <inheritdoc cref="InTransactionAsync{T}(Func{Task{T}}, CancellationToken)"/>
    public Task InTransactionAsync(Func<Task> work, CancellationToken cancellationToken = default) =>
        InTransactionAsync(async () =>
        {
            await work();
            return true;
        }, cancellationToken);

    /// <summary>
    /// Begins a transaction for code that manages its own unit of work. Prefer
    /// <see cref="InTransactionAsync{T}"/>, which also saves, commits and retries. No lock is taken:
    /// appends do not wait for each other any more (decision 0208).
    /// </summary>
    public Task<IDbContextTransaction> BeginAsync(CancellationToken cancellationToken = default) =>
        db.Database.BeginTransactionAsync(cancellationToken);

    /// <summary>Adds an entry to the context; it is written by the unit's SaveChanges, inside its transaction.</summary>
    public Task<AuditEntry> AppendAsync(
        AuditActor actor, string action, string objectType, string? objectId, Guid? caseId = null,
        object? details = null, CancellationToken cancellationToken = default)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("Audit entries are appended inside AuditLog.InTransactionAsync's transaction.");
        }

        // Timestamps are cut to microseconds, the finest PostgreSQL keeps, so the hash survives a round trip.
        var now = clock.GetUtcNow().UtcDateTime;
        var occurredAt = new DateTime(now.Ticks - now.Ticks % 10, DateTimeKind.Utc);
        var detailsJson = details is null ? null : JsonSerializer.Serialize(details);
        var entry = new AuditEntry
        {
            OccurredAt = occurredAt,
            ActorMemberId = actor.MemberId,
            ActorId = actor.ActorId,
            Action = action,
            ObjectType = objectType,
            ObjectId = objectId,
            CaseId = caseId,
            Details = detailsJson,
            ContentHash = ComputeContentHash(occurredAt, actor.MemberId, actor.ActorId, action, objectType, objectId, caseId, detailsJson),
        };
        db.AuditEntries.Add(entry);
        return Task.FromResult(entry);
    }

    /// <summary>
    /// Recomputes the whole chain in sequence order, checks it against the latest signed checkpoint
    /// and its signature, and checks every entry not yet sealed against its own content hash.
    /// </summary>
    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var expectedPrevious = Genesis;
        long count = 0;
        long? broken = null;
        string? head = null;

        // Recomputes the chain from where it was left up to sequence `upTo` (inclusive).
        async Task ContinueAsync(long upTo)
        {
            await foreach (var entry in db.AuditEntries.AsNoTracking().Where(e => e.Sequence > count && e.Sequence <= upTo).OrderBy(e => e.Sequence)
                .AsAsyncEnumerable().WithCancellation(cancellationToken))
            {
                var hash = ComputeHash(entry.Sequence!.Value, entry.OccurredAt, entry.ActorMemberId, entry.ActorId, entry.Action,
                    entry.ObjectType, entry.ObjectId, entry.CaseId, entry.Details, entry.PreviousHash ?? "");
                if (entry.Sequence != count + 1 || entry.PreviousHash != expectedPrevious || hash != entry.Hash || !ContentIntact(entry))
                {
                    broken = count + 1;
                    return;
                }

                expectedPrevious = head = entry.Hash;
                count++;
            }
        }

        // The chain is read in steps, each up to a checkpoint read before it, so a batch the sequencer
        // seals meanwhile (entries and checkpoint commit together) is never mistaken for tampering.
        var checkpoint = await LatestCheckpointAsync(cancellationToken);
        await ContinueAsync(checkpoint?.Sequence ?? long.MaxValue);
        while (broken is null && checkpoint is not null)
        {
            if (count < checkpoint.Sequence)
            {
                // The signed head lies beyond the chain's end: entries were deleted from its tail.
                broken = count + 1;
                break;
            }

            if (head != checkpoint.HeadHash)
            {
                broken = checkpoint.Sequence;
                break;
            }

            if (!await db.AuditEntries.AnyAsync(e => e.Sequence > checkpoint.Sequence, cancellationToken))
            {
                break;
            }

            // Sealed entries beyond the checkpoint are legitimate only if a newer checkpoint, committed
            // with them, covers them; none means they were written by someone other than the sequencer.
            var newer = await LatestCheckpointAsync(cancellationToken);
            if (newer!.Sequence == checkpoint.Sequence)
            {
                broken = checkpoint.Sequence + 1;
                break;
            }

            checkpoint = newer;
            await ContinueAsync(checkpoint.Sequence);
        }

        CheckpointVerification? signed = null;
        if (checkpoint is not null)
        {
            var key = await db.AuditSigningKeys.AsNoTracking().FirstOrDefaultAsync(k => k.KeyId == checkpoint.KeyId, cancellationToken);
            var signatureValid = key is not null && AuditSigner.Verify(key.PublicKeyPem, checkpoint);
            signed = new CheckpointVerification(checkpoint.Sequence, checkpoint.HeadHash, checkpoint.SignedAt, checkpoint.KeyId, signatureValid);
        }

        long unsealed = 0;
        long? firstTamperedUnsealed = null;
        DateTime? oldestUnsealed = null;
        await foreach (var entry in db.AuditEntries.AsNoTracking().Where(e => e.Sequence == null).OrderBy(e => e.Id)
            .AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            unsealed++;
            oldestUnsealed = oldestUnsealed is { } oldest && oldest <= entry.OccurredAt ? oldest : entry.OccurredAt;
            if (firstTamperedUnsealed is null && (entry.ContentHash is null || !ContentIntact(entry) || entry.Hash is not null || entry.PreviousHash is not null))
            {
                firstTamperedUnsealed = entry.Id;
            }
        }

        var lag = oldestUnsealed is { } since ? Math.Max(0, (now - since).TotalSeconds) : 0;
        var intact = broken is null && firstTamperedUnsealed is null && signed?.SignatureValid != false;
        return new AuditVerification(intact, count, broken, unsealed, firstTamperedUnsealed, lag, signed);
    }

    private Task<AuditCheckpoint?> LatestCheckpointAsync(CancellationToken cancellationToken) =>
        db.AuditCheckpoints.AsNoTracking().OrderByDescending(c => c.Sequence).FirstOrDefaultAsync(cancellationToken);

    private static bool ContentIntact(AuditEntry entry) =>
        entry.ContentHash is null
        || entry.ContentHash == ComputeContentHash(entry.OccurredAt, entry.ActorMemberId, entry.ActorId, entry.Action, entry.ObjectType, entry.ObjectId, entry.CaseId, entry.Details);

    /// <summary>The chain link: the entry's place, its content and the previous entry's hash (unchanged since the chain began).</summary>
    internal static string ComputeHash(
        long sequence, DateTime occurredAt, string actorMemberId, string actorId, string action, string objectType,
        string? objectId, Guid? caseId, string? details, string previousHash) =>
        LengthPrefixedSha256(
            sequence.ToString(CultureInfo.InvariantCulture), Timestamp(occurredAt),
            actorMemberId, actorId, action, objectType, objectId ?? "", caseId?.ToString("D") ?? "", details ?? "", previousHash);

    /// <summary>The entry's own content, hashed when it is appended, before it has a place in the chain.</summary>
    internal static string ComputeContentHash(
        DateTime occurredAt, string actorMemberId, string actorId, string action, string objectType, string? objectId, Guid? caseId, string? details) =>
        LengthPrefixedSha256("entry", Timestamp(occurredAt), actorMemberId, actorId, action, objectType, objectId ?? "", caseId?.ToString("D") ?? "", details ?? "");

    private static string Timestamp(DateTime occurredAt) => occurredAt.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture);

    private static string LengthPrefixedSha256(params string[] fields)
    {
        // Length-prefixed fields, so no choice of values can make two different entries hash alike.
        var builder = new StringBuilder();
        foreach (var field in fields)
        {
            builder.Append(field.Length).Append(':').Append(field).Append('|');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(builder.ToString())));
    }
}

/// <summary>The latest signed checkpoint as verification found it.</summary>
public sealed record CheckpointVerification(long Sequence, string HeadHash, DateTime SignedAt, string KeyId, bool SignatureValid);

/// <summary>
/// The result of verification: intact or not; how many sealed entries were verified; the first
/// broken sequence in the chain, if any; how many entries await sealing, the first of them whose
/// content does not match its own hash, and how long the oldest has waited; the latest checkpoint.
/// </summary>
public sealed record AuditVerification(
    bool Intact, long Entries, long? FirstBrokenSequence, long Unsealed = 0, long? FirstTamperedUnsealedId = null,
    double SealingLagSeconds = 0, CheckpointVerification? Checkpoint = null);
