using Exchange.Core.Data;
using Exchange.Core.Jobs;
using Microsoft.EntityFrameworkCore;
using Quartz;

namespace Exchange.Jobs.Scheduling;

/// <summary>
/// A job of the exchange: runs its work and records the run in `job_runs` for the operator's jobs
/// view (start, end, items processed, failure). The record is written through its own scope, so a
/// failed job's half-done changes can never ride along with it.
/// </summary>
public abstract class ExchangeJob(IServiceScopeFactory scopes, TimeProvider clock, ILogger logger) : IJob
{
    protected TimeProvider Clock { get; } = clock;

    protected ILogger Logger { get; } = logger;

    /// <summary>The job's name in configuration (`Exchange:Jobs:&lt;Name&gt;`) and in the jobs view.</summary>
    public abstract string Name { get; }

    /// <summary>Does one run's work and returns how many items it handled.</summary>
    protected abstract Task<int> RunAsync(CancellationToken cancellationToken);

    public async Task Execute(IJobExecutionContext context)
    {
        var run = new JobRun
        {
            JobName = Name,
            Node = context.Scheduler.SchedulerInstanceId,
            StartedAt = Clock.GetUtcNow().UtcDateTime,
        };
        await SaveRunAsync(run, added: true);
        try
        {
            run.ItemsProcessed = await RunAsync(context.CancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.CancellationToken.IsCancellationRequested)
        {
            run.Failed = true;
            // The type and message of the exception, which name the failing operation; case data
            // never reaches exception messages of the exchange.
            run.Error = Truncate($"{ex.GetType().Name}: {ex.GetBaseException().Message}", 2000);
            Logger.LogError(ex, "Job {Job} failed", Name);
        }

        run.FinishedAt = Clock.GetUtcNow().UtcDateTime;
        await SaveRunAsync(run, added: false);
    }

    private async Task SaveRunAsync(JobRun run, bool added)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ExchangeDbContext>();
        if (added)
        {
            db.JobRuns.Add(run);
        }
        else
        {
            db.JobRuns.Update(run);
        }

        await db.SaveChangesAsync(CancellationToken.None);
    }

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];
}
