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

        var rows = await db.CaseDataKeys.AsNoTracking().Where(k => wanted.Contains(k.CaseId)).ToListAsync(cancellationToken);
        foreach (var row in rows)
        {
            db.ContentKeys.Keys[row.CaseId] = protector.Unwrap(row.CaseId, row.KekId, row.WrappedKey);
        }
    }

    public static Task UnlockAsync(this ExchangeDbContext db, Guid caseId, CancellationToken cancellationToken = default) =>
        db.UnlockAsync([caseId], cancellationToken);
}
