using Exchange.Core.Data;

namespace Exchange.Core.Cases;

/// <summary>
/// Per-object locks held until the unit of work commits, for changes that read, decide and write
/// one object (decision 0208): the audit log no longer serialises every writer, so two changes of
/// one case, or two signatures of one agreement, take turns here instead, and changes of different
/// objects do not wait for each other.
/// </summary>
public static class CaseLocks
{
    /// <summary>Locks the cases in id order, so two units locking overlapping sets never deadlock.</summary>
    public static async Task LockCasesAsync(ExchangeDbContext db, IEnumerable<Guid> caseIds, CancellationToken cancellationToken)
    {
        foreach (var id in caseIds.Distinct().Order())
        {
            await ProviderStatements.LockAsync(db, $"case/{id:N}", shared: false, cancellationToken);
        }
    }

    /// <summary>Locks one object other than a case (an agreement, an authorisation), taken before any case lock.</summary>
    public static Task LockAsync(ExchangeDbContext db, string kind, Guid id, CancellationToken cancellationToken) =>
        ProviderStatements.LockAsync(db, $"{kind}/{id:N}", shared: false, cancellationToken);

    /// <summary>
    /// Holds, shared, what a new case rests on: its authorisation, then its agreements in id order. A
    /// withdrawal or termination takes them exclusively (<see cref="LockAsync"/>), so it waits for cases
    /// being created on them and finds them when it purges or halts; submissions do not wait for each other.
    /// </summary>
    public static async Task HoldAsync(ExchangeDbContext db, Guid authorisationId, IEnumerable<Guid> agreementIds, CancellationToken cancellationToken)
    {
        await ProviderStatements.LockAsync(db, $"authorisation/{authorisationId:N}", shared: true, cancellationToken);
        foreach (var id in agreementIds.Distinct().Order())
        {
            await ProviderStatements.LockAsync(db, $"agreement/{id:N}", shared: true, cancellationToken);
        }
    }
}
