using Exchange.Core.Cases;
using Exchange.Core.Data;
using Hangfire;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Jobs.Purge;

/// <summary>
/// Purges one case at its purge time: the job <see cref="PurgeJob"/> schedules when a case concludes.
/// All or nothing in one transaction (<see cref="CasePurger.PurgeIfDueAsync"/>), and a no-op when run
/// again, so Hangfire's at-least-once delivery purges each case exactly once.
/// </summary>
public sealed class CasePurgeJob(CasePurger purger, ExchangeDbContext db, ILogger<CasePurgeJob> logger)
{
    // A purge that failed (the database went away) is tried again soon; the sweep is the last resort.
    [AutomaticRetry(Attempts = 5, DelaysInSeconds = [5, 15, 30, 60, 120], OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    [Queue("default")]
    public async Task PurgeAsync(Guid caseId, CancellationToken cancellationToken)
    {
        var result = await purger.PurgeIfDueAsync(caseId, cancellationToken);
        if (result.Cases == 0)
        {
            return;
        }

        logger.LogInformation("Purged case {Case}", caseId);
        if (db.Database.IsSqlite())
        {
            // The old pages of the purged rows are still in the WAL until a checkpoint copies them home.
            await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE)", cancellationToken);
        }
    }
}
