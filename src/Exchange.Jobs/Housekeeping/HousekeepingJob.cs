using Exchange.Core.Audit;
using Exchange.Core.Data;
using Exchange.Jobs.Scheduling;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Exchange.Jobs.Housekeeping;

/// <summary>
/// Deletes rows that nothing needs any more and nothing else deletes: Identity's signing keys once
/// they have expired (by a grace period; OpenIddict's expired tokens and authorizations are pruned
/// by Identity itself, TokenPruning), the Api's idempotency records once they are past the kept period, and
/// old job runs. Each table is cleared in bounded batches, each one statement of its own, so a
/// run holds no long lock and a large backlog takes several runs rather than one long one.
/// </summary>
public sealed class HousekeepingJob(
    ExchangeDbContext db,
    AuditLog audit,
    IOptions<HousekeepingJobOptions> options,
    IServiceScopeFactory scopes,
    TimeProvider clock,
    ILogger<HousekeepingJob> logger) : ExchangeJob(scopes, clock, logger)
{
    public const string JobName = "Housekeeping";

    public override string Name => JobName;

    protected override async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = Clock.GetUtcNow().UtcDateTime;
        var expiredBefore = now - settings.GracePeriod;

        // Identity publishes a key until its ExpiresAt, which is past the expiry of every token it
        // signed (SigningKeyService); a key that still signs or is announced has a later RetiresAt,
        // which is checked as well so no misconfigured row can ever lose a key in use.
        var signingKeys = await DeleteAsync(
            db.SigningKeys.Where(k => k.ExpiresAt < expiredBefore && k.RetiresAt < expiredBefore && k.ActivatesAt < expiredBefore).OrderBy(k => k.ExpiresAt),
            settings,
            cancellationToken);

        var idempotencyBefore = now - settings.IdempotencyRetention;
        var idempotencyRecords = await DeleteAsync(
            db.IdempotencyRecords.Where(r => r.CreatedAt < idempotencyBefore).OrderBy(r => r.CreatedAt),
            settings,
            cancellationToken);

        var jobRunsBefore = now - settings.JobRunRetention;
        var jobRuns = await DeleteAsync(
            db.JobRuns.Where(r => r.StartedAt < jobRunsBefore).OrderBy(r => r.StartedAt),
            settings,
            cancellationToken);

        var total = signingKeys + idempotencyRecords + jobRuns;
        if (total > 0)
        {
            await audit.InTransactionAsync(() => audit.AppendAsync(AuditActor.System, "housekeeping.deleted", "housekeeping", null, details: new
            {
                signingKeys,
                idempotencyRecords,
                jobRuns,
            }, cancellationToken: cancellationToken), cancellationToken);
            Logger.LogInformation(
                "Housekeeping deleted {SigningKeys} signing key(s), {IdempotencyRecords} idempotency record(s), {JobRuns} job run(s)",
                signingKeys, idempotencyRecords, jobRuns);
        }

        return total;
    }

    /// <summary>Deletes the due rows oldest first, a batch per statement, up to the run's bound.</summary>
    private static async Task<int> DeleteAsync<T>(IQueryable<T> due, HousekeepingJobOptions settings, CancellationToken cancellationToken)
    {
        var deleted = 0;
        for (var batch = 0; batch < settings.MaxBatchesPerRun; batch++)
        {
            var count = await due.Take(settings.BatchSize).ExecuteDeleteAsync(cancellationToken);
            deleted += count;
            if (count < settings.BatchSize)
            {
                break;
            }
        }

        return deleted;
    }
}
