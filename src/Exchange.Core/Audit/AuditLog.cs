using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Exchange.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Core.Audit;

/// <summary>Who did something: the member acted for and the user or client id. Never a name or an e-mail.</summary>
public sealed record AuditActor(string MemberId, string ActorId)
{
    public static readonly AuditActor System = new("system", "exchange");
}

/// <summary>
/// The one place that writes and verifies the hash-chained audit log. Each entry's hash covers
/// its content and the previous entry's hash, so changing, removing or reordering any row breaks
/// the chain from that row on.
/// </summary>
public sealed class AuditLog(ExchangeDbContext db, TimeProvider clock)
{
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>
    /// Begins the transaction a change and its audit entries commit in, holding the chain's head
    /// until commit so concurrent writers append one after another (<see cref="ProviderStatements.LockAuditChainAsync"/>).
    /// </summary>
    public async Task<Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction> BeginAsync(CancellationToken cancellationToken = default)
    {
        var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            await ProviderStatements.LockAuditChainAsync(db, cancellationToken);
        }
        catch
        {
            // The caller never receives the transaction, so it cannot end it; a retry must find none open.
            await transaction.DisposeAsync();
            throw;
        }

        return transaction;
    }

    /// <summary>Adds an entry to the context; it is written by the caller's SaveChanges, inside <see cref="BeginAsync"/>.</summary>
    public async Task<AuditEntry> AppendAsync(
        AuditActor actor, string action, string objectType, string? objectId, Guid? caseId = null,
        object? details = null, CancellationToken cancellationToken = default)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("Audit entries are appended inside AuditLog.BeginAsync's transaction.");
        }

        var pending = db.ChangeTracker.Entries<AuditEntry>().Where(e => e.State == EntityState.Added).Select(e => e.Entity).MaxBy(e => e.Sequence);
        var head = pending ?? await db.AuditEntries.AsNoTracking().OrderByDescending(e => e.Sequence).FirstOrDefaultAsync(cancellationToken);

        // Timestamps are cut to microseconds, the finest PostgreSQL keeps, so the hash survives a round trip.
        var now = clock.GetUtcNow().UtcDateTime;
        var occurredAt = new DateTime(now.Ticks - now.Ticks % 10, DateTimeKind.Utc);
        var sequence = (head?.Sequence ?? 0) + 1;
        var previousHash = head?.Hash ?? Genesis;
        var detailsJson = details is null ? null : JsonSerializer.Serialize(details);
        var entry = new AuditEntry
        {
            Sequence = sequence,
            OccurredAt = occurredAt,
            ActorMemberId = actor.MemberId,
            ActorId = actor.ActorId,
            Action = action,
            ObjectType = objectType,
            ObjectId = objectId,
            CaseId = caseId,
            Details = detailsJson,
            PreviousHash = previousHash,
            Hash = ComputeHash(sequence, occurredAt, actor.MemberId, actor.ActorId, action, objectType, objectId, caseId, detailsJson, previousHash),
        };
        db.AuditEntries.Add(entry);
        return entry;
    }

    /// <summary>Recomputes the whole chain in order and reports the first broken link.</summary>
    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default)
    {
        var expectedPrevious = Genesis;
        long expectedSequence = 1;
        long count = 0;
        await foreach (var entry in db.AuditEntries.AsNoTracking().OrderBy(e => e.Sequence).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            var hash = ComputeHash(entry.Sequence, entry.OccurredAt, entry.ActorMemberId, entry.ActorId, entry.Action,
                entry.ObjectType, entry.ObjectId, entry.CaseId, entry.Details, entry.PreviousHash);
            if (entry.Sequence != expectedSequence || entry.PreviousHash != expectedPrevious || hash != entry.Hash)
            {
                return new AuditVerification(false, count, expectedSequence);
            }

            expectedPrevious = entry.Hash;
            expectedSequence++;
            count++;
        }

        return new AuditVerification(true, count, null);
    }

    internal static string ComputeHash(
        long sequence, DateTime occurredAt, string actorMemberId, string actorId, string action, string objectType,
        string? objectId, Guid? caseId, string? details, string previousHash)
    {
        // Length-prefixed fields, so no choice of values can make two different entries hash alike.
        var builder = new StringBuilder();
        foreach (var field in new[]
        {
            sequence.ToString(System.Globalization.CultureInfo.InvariantCulture),
            occurredAt.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", System.Globalization.CultureInfo.InvariantCulture),
            actorMemberId, actorId, action, objectType, objectId ?? "", caseId?.ToString("D") ?? "", details ?? "", previousHash,
        })
        {
            builder.Append(field.Length).Append(':').Append(field).Append('|');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(builder.ToString())));
    }
}

/// <summary>The result of recomputing the chain: intact, how many entries, and the first broken sequence if any.</summary>
public sealed record AuditVerification(bool Intact, long Entries, long? FirstBrokenSequence);
