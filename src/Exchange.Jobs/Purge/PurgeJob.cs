using Exchange.Core.Cases;
using Exchange.Core.Data;
using Exchange.Core.Hosting;
using Exchange.Jobs.Scheduling;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Exchange.Jobs.Purge;

/// <summary>
/// The recurring purge run. It schedules a <see cref="CasePurgeJob"/> for every case whose purge
/// time is not yet scheduled (a case just concluded, or a purge brought forward), sweeps up cases
/// whose purge is overdue by <see cref="PurgeJobOptions.SweepAfter"/> (their job was lost), and
/// makes sure purged bytes leave the database files (<see cref="ProviderStatements.ScrubFreedPagesAsync"/>
/// says how on each provider).
///
/// Why the Jobs service schedules from the database rather than the API calling Hangfire when a case
/// concludes: the purge time commits in the same transaction as the conclusion (CaseLifecycle), so
/// no conclusion can exist without its purge, whereas a Hangfire job created by the API would be
/// written through another connection, after or before that commit, and could be lost or orphaned.
/// </summary>
public sealed class PurgeJob(
    CasePurger purger,
    ExchangeDbContext db,
    IBackgroundJobClient jobs,
    IOptions<PurgeJobOptions> options,
    IServiceScopeFactory scopes,
    TimeProvider clock,
    ILogger<PurgeJob> logger) : ExchangeJob(scopes, clock, logger)
{
    public const string JobName = "Purge";

    public override string Name => JobName;

    protected override async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var startedAt = Clock.GetUtcNow().UtcDateTime;
        var scheduled = await ScheduleAsync(cancellationToken);
        var swept = await SweepAsync(cancellationToken);
        await ScrubIfPurgedSinceLastRunAsync(startedAt, cancellationToken);
        await CountBacklogAsync(cancellationToken);
        return scheduled + swept;
    }

    /// <summary>
    /// The purge backlog gauge (<see cref="ExchangeMetrics.PurgeBacklog"/>): cases due and still
    /// there, counted on the purge-time index once a run rather than on every scrape.
    /// </summary>
    private async Task CountBacklogAsync(CancellationToken cancellationToken)
    {
        var now = Clock.GetUtcNow().UtcDateTime;
        ExchangeMetrics.RecordPurgeBacklog(await db.Cases.AsNoTracking()
            .LongCountAsync(c => c.PurgeDueAt != null && c.PurgeDueAt <= now, cancellationToken));
    }

    /// <summary>Schedules one purge job per case whose purge time has no job yet, claiming each case first.</summary>
    private async Task<int> ScheduleAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var scheduled = 0;
        for (var batch = 0; batch < settings.MaxBatchesPerRun; batch++)
        {
            var waiting = await db.Cases.AsNoTracking()
                .Where(c => c.PurgeDueAt != null && (c.PurgeScheduledFor == null || c.PurgeScheduledFor != c.PurgeDueAt))
                .OrderBy(c => c.PurgeDueAt)
                .Take(settings.BatchSize)
                .Select(c => new { c.Id, DueAt = c.PurgeDueAt!.Value, c.PurgeScheduledFor })
                .ToListAsync(cancellationToken);
            foreach (var item in waiting)
            {
                // The claim: only the node whose update finds the values it read schedules the job, so
                // two nodes never schedule one purge twice. A crash between this update and the
                // schedule loses the job; the sweep purges that case once it is overdue.
                var claimed = await db.Cases
                    .Where(c => c.Id == item.Id && c.PurgeDueAt == item.DueAt && c.PurgeScheduledFor == item.PurgeScheduledFor)
                    .ExecuteUpdateAsync(s => s.SetProperty(c => c.PurgeScheduledFor, item.DueAt), cancellationToken);
                if (claimed == 0)
                {
                    continue;
                }

                var dueAt = new DateTimeOffset(DateTime.SpecifyKind(item.DueAt, DateTimeKind.Utc));
                if (dueAt <= Clock.GetUtcNow())
                {
                    jobs.Enqueue<CasePurgeJob>(j => j.PurgeAsync(item.Id, CancellationToken.None));
                }
                else
                {
                    jobs.Schedule<CasePurgeJob>(j => j.PurgeAsync(item.Id, CancellationToken.None), dueAt);
                }

                scheduled++;
            }

            if (waiting.Count < settings.BatchSize)
            {
                break;
            }
        }

        if (scheduled > 0)
        {
            Logger.LogInformation("Scheduled the purge of {Count} case(s)", scheduled);
        }

        return scheduled;
    }

    private async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var purged = 0;
        for (var batch = 0; batch < settings.MaxBatchesPerRun; batch++)
        {
            var result = await purger.PurgeDueAsync(settings.BatchSize, settings.SweepAfter, cancellationToken);
            purged += result.Cases;
            if (result.Cases < settings.BatchSize)
            {
                break;
            }
        }

        if (purged > 0)
        {
            Logger.LogWarning("The sweep purged {Count} overdue case(s) whose purge job had not run", purged);
        }

        return purged;
    }

    /// <summary>Scrubs the files when any case was purged since the previous run began (by its job or by this run).</summary>
    private async Task ScrubIfPurgedSinceLastRunAsync(DateTime startedAt, CancellationToken cancellationToken)
    {
        var previous = await db.JobRuns.AsNoTracking()
            .Where(r => r.JobName == JobName && !r.Failed && r.StartedAt < startedAt)
            .OrderByDescending(r => r.StartedAt)
            .Select(r => (DateTime?)r.StartedAt)
            .FirstOrDefaultAsync(cancellationToken);
        if (previous is null || await db.Tombstones.AnyAsync(t => t.PurgedAt >= previous, cancellationToken))
        {
            await ProviderStatements.ScrubFreedPagesAsync(db, cancellationToken);
        }
    }
}
