using Exchange.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Core.Content;

/// <summary>Unlocking case content for reading: the step after need-to-know and before the query that reads content.</summary>
public static class CaseContent
{
    /// <summary>
    /// Unwraps the data keys of these cases into this context, so rows read afterwards in it are
    /// decrypted. Cases without a key (purged, or never written since decision 0006) are skipped.
    /// </summary>
    public static async Task UnlockAsync(this ExchangeDbContext db, IEnumerable<Guid> caseIds, CancellationToken cancellationToken = default)
    {
        var protector = db.ContentProtector ?? throw new InvalidOperationException("This context has no case content protector (AddExchangeDatabase registers it).");
        var wanted = caseIds.Distinct().Where(id => !db.ContentKeys.Keys.ContainsKey(id)).ToList();
        if (wanted.Count == 0)
        {
            return;
        }

        await UnwrapAsync(db, protector, db.CaseDataKeys.Where(k => wanted.Contains(k.CaseId)), cancellationToken);
    }

    /// <summary>
    /// Unwraps the data keys of the cases a query selects, in the one query that fetches the keys: a
    /// caller's need-to-know filter and the key lookup travel together, with no round trip between.
    /// </summary>
    public static Task UnlockAsync(this ExchangeDbContext db, IQueryable<Guid> caseIds, CancellationToken cancellationToken = default)
    {
        var protector = db.ContentProtector ?? throw new InvalidOperationException("This context has no case content protector (AddExchangeDatabase registers it).");
        return UnwrapAsync(db, protector, db.CaseDataKeys.Where(k => caseIds.Contains(k.CaseId)), cancellationToken);
    }

    private static async Task UnwrapAsync(ExchangeDbContext db, CaseContentProtector protector, IQueryable<CaseDataKey> keys, CancellationToken cancellationToken)
    {
        foreach (var row in await keys.AsNoTracking().ToListAsync(cancellationToken))
        {
            db.ContentKeys.Keys[row.CaseId] = protector.Unwrap(row.CaseId, row.KekId, row.WrappedKey);
        }
    }

    public static Task UnlockAsync(this ExchangeDbContext db, Guid caseId, CancellationToken cancellationToken = default) =>
        db.UnlockAsync([caseId], cancellationToken);

    /// <summary>
    /// Opens a content column a query projected itself (projections bypass the interceptor): the
    /// stored text as it is for a plaintext row (marker 0), decrypted with the unlocked key for a
    /// sealed one; null when the case was not unlocked. <paramref name="purpose"/> comes from
    /// <see cref="CaseContentInterceptor.CasePurpose"/> or <see cref="CaseContentInterceptor.FieldPurpose"/>.
    /// Throws <see cref="CaseContentIntegrityException"/> for a value altered or moved.
    /// </summary>
    public static string? OpenProjected(this ExchangeDbContext db, Guid caseId, string purpose, int version, string? stored)
    {
        if (stored is null || version == CaseContentInterceptor.Plaintext)
        {
            return stored;
        }

        return db.ContentKeys.Keys.TryGetValue(caseId, out var key) ? CaseContentProtector.Open(key, caseId, purpose, stored) : null;
    }
}
