using Exchange.Core.Cases;
using Hangfire;

namespace Exchange.Jobs.Purge;

/// <summary>
/// Purges one case at its purge time: the job <see cref="PurgeJob"/> schedules when a case concludes.
/// All or nothing in one transaction (<see cref="CasePurger.PurgeIfDueAsync"/>), and a no-op when run
/// again, so Hangfire's at-least-once delivery purges each case exactly once.
/// </summary>
public sealed class CasePurgeJob(CasePurger purger, ILogger<CasePurgeJob> logger)
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

        // The freed pages are scrubbed by the next Purge run (ProviderStatements.ScrubFreedPagesAsync),
        // once for all the cases purged since its last run rather than once per case.
        logger.LogInformation("Purged case {Case}", caseId);
    }
}
