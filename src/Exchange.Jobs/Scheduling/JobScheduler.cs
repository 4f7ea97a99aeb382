using System.Collections.Specialized;
using Exchange.Core.Data;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Quartz;
using Quartz.Impl;

namespace Exchange.Jobs.Scheduling;

/// <summary>A job the scheduler runs, with the options that say how often.</summary>
internal sealed record JobDefinition(string Name, Type JobType, Func<IServiceProvider, JobOptions> Options);

/// <summary>
/// Runs Quartz.NET on the ADO.NET job store in the exchange's own database. On PostgreSQL the
/// store is clustered: every Jobs process shares the triggers, a trigger fires on one node only,
/// and a node that dies has its work recovered by the others. Quartz refuses clustering on
/// SQLite (it has no row locks), and a SQLite file cannot be shared between machines anyway, so
/// there it runs unclustered; each job's own work stays safe with two processes either way,
/// because it claims rows with conditional updates (docs/decisions/0300-quartz-not-hangfire.md).
/// </summary>
internal sealed class JobScheduler(
    IServiceProvider services,
    IEnumerable<JobDefinition> jobs,
    IOptions<DatabaseOptions> database,
    IOptions<SchedulerOptions> options,
    ILogger<JobScheduler> logger) : IHostedService
{
    public const string Group = "exchange";

    // Quartz keeps schedulers in a process-wide repository; creating them one at a time keeps
    // several hosts in one process (tests) from racing on it.
    private static readonly SemaphoreSlim Creating = new(1, 1);

    private IScheduler? _scheduler;

    private string DataSourceName { get; } = "exchange_" + Guid.NewGuid().ToString("N");

    public string InstanceId { get; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled)
        {
            logger.LogInformation("Job scheduling is disabled by configuration");
            return;
        }

        await Creating.WaitAsync(cancellationToken);
        try
        {
            // Quartz logs through one process-wide provider: the most recently started host's, and
            // nothing once that host is gone (tests start many hosts in one process).
            Quartz.Logging.LogContext.SetCurrentLogProvider(new LaxLoggerFactory(services.GetRequiredService<ILoggerFactory>()));
            var factory = new StdSchedulerFactory(Properties());
            _scheduler = await factory.GetScheduler(cancellationToken);
        }
        finally
        {
            Creating.Release();
        }

        _scheduler.JobFactory = new ScopedJobFactory(services.GetRequiredService<IServiceScopeFactory>());
        foreach (var job in jobs)
        {
            var jobOptions = job.Options(services);
            var detail = JobBuilder.Create(job.JobType)
                .WithIdentity(job.Name, Group)
                .StoreDurably()
                .Build();
            var trigger = TriggerBuilder.Create()
                .WithIdentity(job.Name, Group)
                .ForJob(detail)
                .StartNow()
                // A backlog of missed runs collapses into the next one: every run does all that is due.
                .WithSimpleSchedule(s => s.WithInterval(jobOptions.Interval).RepeatForever().WithMisfireHandlingInstructionNextWithRemainingCount())
                .Build();
            // Replacing keeps the stored schedule in step with configuration; cluster nodes that start
            // together replace it one after another under Quartz's lock.
            await _scheduler.ScheduleJob(detail, [trigger], replace: true, cancellationToken);
            logger.LogInformation("Scheduled job {Job} every {Interval}", job.Name, jobOptions.Interval);
        }

        await _scheduler.Start(cancellationToken);
        logger.LogInformation("Scheduler {Scheduler} started as instance {Instance}", options.Value.SchedulerName, InstanceId);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_scheduler is not null)
        {
            // Each batch is a transaction of its own, so a run cut short leaves nothing half done.
            await _scheduler.Shutdown(waitForJobsToComplete: true, cancellationToken);
        }
    }

    private NameValueCollection Properties()
    {
        var db = database.Value;
        var postgres = db.Provider == DatabaseProvider.Postgres;
        var connectionString = db.ConnectionString;
        if (!postgres)
        {
            // Wait for the file's writer rather than fail, as the exchange's own connections do.
            var sqlite = new SqliteConnectionStringBuilder(connectionString);
            if (sqlite.DefaultTimeout < 30)
            {
                sqlite.DefaultTimeout = 30;
            }

            connectionString = sqlite.ToString();
        }

        return new NameValueCollection
        {
            ["quartz.scheduler.instanceName"] = options.Value.SchedulerName,
            ["quartz.scheduler.instanceId"] = InstanceId,
            ["quartz.threadPool.maxConcurrency"] = options.Value.Threads.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["quartz.serializer.type"] = typeof(JsonObjectSerializer).AssemblyQualifiedName,
            ["quartz.jobStore.type"] = "Quartz.Impl.AdoJobStore.JobStoreTX, Quartz",
            ["quartz.jobStore.driverDelegateType"] = postgres
                ? "Quartz.Impl.AdoJobStore.PostgreSQLDelegate, Quartz"
                : "Quartz.Impl.AdoJobStore.SQLiteDelegate, Quartz",
            ["quartz.jobStore.tablePrefix"] = "qrtz_",
            ["quartz.jobStore.useProperties"] = "true",
            ["quartz.jobStore.clustered"] = postgres ? "true" : "false",
            ["quartz.jobStore.clusterCheckinInterval"] = ((long)options.Value.ClusterCheckinInterval.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
            // Quartz keeps data sources in a process-wide registry by name, so each scheduler names its own.
            ["quartz.jobStore.dataSource"] = DataSourceName,
            [$"quartz.dataSource.{DataSourceName}.provider"] = postgres ? "Npgsql" : "SQLite-Microsoft",
            [$"quartz.dataSource.{DataSourceName}.connectionString"] = connectionString,
        };
    }
}

/// <summary>Hands Quartz loggers from a host's factory, and silent ones once that host has been disposed.</summary>
internal sealed class LaxLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName)
    {
        try
        {
            return inner.CreateLogger(categoryName);
        }
        catch (ObjectDisposedException)
        {
            return Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        }
    }

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose()
    {
    }
}
