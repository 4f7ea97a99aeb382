using Exchange.Core.Cases;
using Exchange.Core.Data;
using Exchange.Jobs.Scheduling;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Quartz;

namespace Exchange.Jobs.Purge;

/// <summary>
/// Purges concluded cases whose retention has passed, in bounded batches of one transaction each
/// (<see cref="CasePurger"/>), then makes sure the purged bytes leave the database files: SQLite
/// overwrites freed pages (secure_delete is on for every connection) and the WAL, which still holds
/// the old pages, is checkpointed and truncated; PostgreSQL vacuums the tables that held case data.
/// </summary>
[DisallowConcurrentExecution]
public sealed class PurgeJob(
    CasePurger purger,
    ExchangeDbContext db,
    IOptions<PurgeJobOptions> options,
    IServiceScopeFactory scopes,
    TimeProvider clock,
    ILogger<PurgeJob> logger) : ExchangeJob(scopes, clock, logger)
{
    public const string JobName = "Purge";

    public override string Name => JobName;

    protected override async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var purged = 0;
        for (var batch = 0; batch < options.Value.MaxBatchesPerRun; batch++)
        {
            var result = await purger.PurgeDueAsync(options.Value.BatchSize, cancellationToken);
            purged += result.Cases;
            if (result.Cases < options.Value.BatchSize)
            {
                break;
            }
        }

        await ScrubFilesAsync(db, cancellationToken);
        if (purged > 0)
        {
            Logger.LogInformation("Purged {Count} case(s)", purged);
        }

        return purged;
    }

    /// <summary>Removes what deleted rows leave behind in the database files.</summary>
    public static async Task ScrubFilesAsync(ExchangeDbContext db, CancellationToken cancellationToken)
    {
        if (db.Database.IsSqlite())
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE)", cancellationToken);
        }
        else if (db.Database.IsNpgsql())
        {
            // VACUUM cannot run inside a transaction; outside one each statement is its own.
            await db.Database.ExecuteSqlRawAsync("VACUUM cases, case_fields, withheld_fields, case_notes, idempotency_records", cancellationToken);
        }
    }
}
