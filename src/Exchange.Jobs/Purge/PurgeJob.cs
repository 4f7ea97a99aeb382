using Exchange.Core.Cases;
using Exchange.Core.Data;
using Exchange.Jobs.Scheduling;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Quartz;

namespace Exchange.Jobs.Purge;

/// <summary>
/// Purges concluded cases whose retention has passed, in bounded batches of one transaction each
/// (<see cref="CasePurger"/>), then makes sure the purged bytes leave the database files
/// (<see cref="ProviderStatements.ScrubFreedPagesAsync"/> says how on each provider).
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

        await ProviderStatements.ScrubFreedPagesAsync(db, cancellationToken);
        if (purged > 0)
        {
            Logger.LogInformation("Purged {Count} case(s)", purged);
        }

        return purged;
    }
}
