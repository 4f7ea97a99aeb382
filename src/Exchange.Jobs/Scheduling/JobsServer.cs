using Exchange.Core.Jobs;
using Hangfire;
using Hangfire.AspNetCore;
using Microsoft.Extensions.Options;

namespace Exchange.Jobs.Scheduling;

/// <summary>A recurring job: its name and the options that say how often it runs.</summary>
internal sealed record JobDefinition(string Name, Type JobType, Func<IServiceProvider, JobOptions> Options);

/// <summary>
/// This node's Hangfire server: its workers take jobs from the shared storage, and its schedulers move
/// due delayed and recurring jobs into the queue (every node runs them; Hangfire's locks let one
/// node enqueue each occurrence). Off when Exchange:Jobs:Enabled is false.
/// </summary>
internal sealed class JobsServer(IServiceProvider services, SchedulerOptions options) : IHostedService, IDisposable
{
    private BackgroundJobServer? _server;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var logger = services.GetRequiredService<ILogger<JobsServer>>();
        if (!options.Enabled)
        {
            logger.LogInformation("Running jobs is disabled by configuration");
            return Task.CompletedTask;
        }

        _ = services.GetRequiredService<IGlobalConfiguration>();
        var serverOptions = new BackgroundJobServerOptions
        {
            ServerName = JobNode.Name,
            WorkerCount = options.Workers,
            SchedulePollingInterval = options.SchedulePollingInterval,
            // A dead node leaves the servers list after this; its jobs come back by the storage's invisibility timeout.
            ServerTimeout = TimeSpan.FromMinutes(1),
            ServerCheckInterval = TimeSpan.FromSeconds(30),
            HeartbeatInterval = TimeSpan.FromSeconds(10),
            // A stopping node lets its running jobs end (each is one transaction, or one bounded send).
            StopTimeout = TimeSpan.FromSeconds(15),
            ShutdownTimeout = TimeSpan.FromSeconds(18),
            Activator = services.GetRequiredService<JobActivator>(),
            FilterProvider = services.GetRequiredService<Hangfire.Common.IJobFilterProvider>(),
        };
        _server = new BackgroundJobServer(serverOptions, services.GetRequiredService<JobStorage>());
        logger.LogInformation("Hangfire server {Server} started with {Workers} worker(s)", JobNode.Name, options.Workers);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _server?.SendStop();
        return Task.Run(() => _server?.WaitForShutdown(TimeSpan.FromSeconds(18)), cancellationToken);
    }

    public void Dispose() => _server?.Dispose();
}

/// <summary>
/// Keeps the recurring jobs in the storage in step with configuration at start, and runs each once
/// at start (a node that was down catches up at once, not at the next occurrence). Nodes starting
/// together write the same definitions, which Hangfire serialises, and each job's work is claimed,
/// so a run started by two nodes does it once. A definition whose lock is held (by a node killed while
/// it held it: Hangfire's lock outlives its holder until `DistributedLockTimeout`) does not stop the
/// start: the stored definition keeps running, and this node writes its own once the lock is free.
/// </summary>
internal sealed class RecurringJobsRegistration(
    IServiceProvider services,
    IEnumerable<JobDefinition> jobs,
    IOptions<SchedulerOptions> options,
    ILogger<RecurringJobsRegistration> logger) : IHostedService
{
    private static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(5);
    private readonly CancellationTokenSource _stopping = new();
    private Task _retrying = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled)
        {
            return Task.CompletedTask;
        }

        var storage = services.GetRequiredService<JobStorage>();
        try
        {
            // Fails at once on a missing schema, where a registration would wait out a lock timeout first.
            using var connection = storage.GetConnection();
            _ = connection.GetAllItemsFromSet("recurring-jobs");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new InvalidOperationException(
                "Hangfire's job storage cannot be used; is its schema installed? Run the migrate step (`Exchange.Api migrate`).", ex);
        }

        var manager = new RecurringJobManager(storage);
        var locked = jobs.Where(job => !TryRegister(manager, job)).ToList();
        if (locked.Count > 0)
        {
            _retrying = RetryAsync(manager, locked, _stopping.Token);
        }

        return Task.CompletedTask;
    }

    // Hosts may call this more than once (a test host stops, then disposes): the source is only ever
    // cancelled, never disposed (it holds no timer), so a second call is harmless.
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _retrying.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>Writes the job's definition (and triggers it at start); false while its lock is held elsewhere.</summary>
    private bool TryRegister(RecurringJobManager manager, JobDefinition job)
    {
        var cron = JobSchedule.ToCron(job.Options(services).Interval);
        var method = job.JobType.GetMethod(nameof(ExchangeJob.ExecuteAsync))!;
        try
        {
            manager.AddOrUpdate(job.Name, new Hangfire.Common.Job(job.JobType, method, CancellationToken.None), cron, new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
            if (job.Options(services).RunAtStart)
            {
                manager.Trigger(job.Name);
            }
        }
        catch (Exception ex) when (IsLockTimeout(ex))
        {
            logger.LogWarning("Recurring job {Job}: its definition is locked by another node (perhaps one that stopped without releasing it); trying again every {Retry}", job.Name, RetryEvery);
            return false;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Most likely the schema: a running service never creates it (docs/decisions/0301).
            throw new InvalidOperationException(
                "Hangfire's job storage cannot be used; is its schema installed? Run the migrate step (`Exchange.Api migrate`).", ex);
        }

        logger.LogInformation("Recurring job {Job}: {Cron}", job.Name, cron);
        return true;
    }

    private async Task RetryAsync(RecurringJobManager manager, List<JobDefinition> locked, CancellationToken stopping)
    {
        while (locked.Count > 0 && !stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(RetryEvery, stopping);
                locked.RemoveAll(job => TryRegister(manager, job));
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The database away for a while: the stored definitions run meanwhile; try again.
                logger.LogWarning("Recurring job registration failed: {Error}", ex.GetType().Name);
            }
        }
    }

    private static bool IsLockTimeout(Exception ex) =>
        ex is Hangfire.Storage.DistributedLockTimeoutException or Hangfire.PostgreSql.PostgreSqlDistributedLockException
        || ex.InnerException is { } inner && IsLockTimeout(inner);
}

/// <summary>Hangfire logs through one process-wide provider; this one outlives a host that is gone (tests start many).</summary>
internal sealed class LaxLogProvider(ILoggerFactory factory) : Hangfire.Logging.ILogProvider
{
    private readonly AspNetCoreLogProvider _inner = new(factory);

    public Hangfire.Logging.ILog GetLogger(string name)
    {
        try
        {
            return _inner.GetLogger(name);
        }
        catch (ObjectDisposedException)
        {
            return new Silent();
        }
    }

    private sealed class Silent : Hangfire.Logging.ILog
    {
        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null) => false;
    }
}
