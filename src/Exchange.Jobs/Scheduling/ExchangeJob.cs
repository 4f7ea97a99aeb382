using Exchange.Core.Hosting;
using Exchange.Core.Data;
using Exchange.Core.Jobs;
using Hangfire;

namespace Exchange.Jobs.Scheduling;

/// <summary>
/// A recurring job of the exchange: runs its work and records the run in `job_runs` for
/// `GET /api/v1/jobs` (start, end, items processed, failure). The record is one insert after the
/// run, through its own scope, so a failed job's half-done changes never ride along with it, and a
/// run killed half-way leaves no run that says "running" for ever: Hangfire runs it again once its
/// invisibility timeout has passed, and that run is recorded. A failure is rethrown, so the
/// dashboard shows it too; Hangfire does not retry it, the next occurrence does the work.
/// </summary>
[AutomaticRetry(Attempts = 0, LogEvents = false)]
public abstract class ExchangeJob(IServiceScopeFactory scopes, TimeProvider clock, ILogger logger)
{
    protected TimeProvider Clock { get; } = clock;

    protected ILogger Logger { get; } = logger;

    /// <summary>The job's name in configuration (`Exchange:Jobs:&lt;Name&gt;`), in Hangfire and in the jobs view.</summary>
    public abstract string Name { get; }

    /// <summary>Does one run's work and returns how many items it handled.</summary>
    protected abstract Task<int> RunAsync(CancellationToken cancellationToken);

    /// <summary>What Hangfire calls; it passes its own shutdown token for <paramref name="cancellationToken"/>.</summary>
    public async Task ExecuteAsync(CancellationToken cancellationToken)
    {
        var run = new JobRun
        {
            JobName = Name,
            Node = JobNode.Name,
            StartedAt = Clock.GetUtcNow().UtcDateTime,
        };
        var job = new KeyValuePair<string, object?>("job", Name);
        var started = Clock.GetTimestamp();
        try
        {
            run.ItemsProcessed = await RunAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            ExchangeMetrics.JobRuns.Add(1, job, new("outcome", "failed"));
            ExchangeMetrics.JobDuration.Record(Clock.GetElapsedTime(started).TotalSeconds, job);
            run.Failed = true;
            // The type and message of the exception, which name the failing operation; case data
            // never reaches exception messages of the exchange.
            run.Error = Truncate($"{ex.GetType().Name}: {ex.GetBaseException().Message}", 2000);
            Logger.LogError(ex, "Job {Job} failed", Name);
            await SaveRunAsync(run);
            throw;
        }

        ExchangeMetrics.JobRuns.Add(1, job, new("outcome", "succeeded"));
        ExchangeMetrics.JobDuration.Record(Clock.GetElapsedTime(started).TotalSeconds, job);
        await SaveRunAsync(run);
    }

    private async Task SaveRunAsync(JobRun run)
    {
        run.FinishedAt = Clock.GetUtcNow().UtcDateTime;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ExchangeDbContext>();
        db.JobRuns.Add(run);
        try
        {
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (Exception ex) when (run.Failed)
        {
            // The database that failed the run may refuse its record too; the log has the failure.
            Logger.LogWarning(ex, "The failed run of {Job} could not be recorded", Name);
        }
    }

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];
}

/// <summary>This process's name in job runs and logs: machine and process id.</summary>
public static class JobNode
{
    public static string Name { get; } = $"{Environment.MachineName}:{Environment.ProcessId}";
}
