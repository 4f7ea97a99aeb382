using Exchange.Core.Audit;
using Exchange.Core.Cases;
using Exchange.Core.Data;
using Exchange.Core.Jobs;
using Exchange.Core.Webhooks;
using Exchange.Jobs.Audit;
using Exchange.Jobs.Dashboard;
using Exchange.Jobs.Deadlines;
using Exchange.Jobs.Housekeeping;
using Exchange.Jobs.KeyRotation;
using Exchange.Jobs.Purge;
using Exchange.Jobs.Scheduling;
using Exchange.Jobs.Webhooks;
using Hangfire;
using Hangfire.AspNetCore;
using Microsoft.Extensions.Options;

namespace Exchange.Jobs;

public static class JobsExtensions
{
    public static WebApplicationBuilder AddJobsServices(this WebApplicationBuilder builder)
    {
        Exchange.Core.Hosting.ExchangeHost.UsesCaseContent(builder);
        var services = builder.Services;
        services.AddOptions<SchedulerOptions>().BindConfiguration(SchedulerOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<CasePurger>();
        services.AddSingleton<WebhookSecret>();
        // Loopback is allowed only where a demo or test receiver runs on the same machine.
        var environment = builder.Environment;
        services.AddSingleton(new WebhookTargetPolicy(allowLoopback: environment.IsDevelopment() || environment.IsEnvironment("Testing")));
        services.AddSingleton<WebhookSender>();
        services.AddScoped<WebhookDispatcher>();
        services.AddScoped<CasePurgeJob>();
        services.AddScoped<WebhookDeliveryJob>();

        AddJob<PurgeJob, PurgeJobOptions>(services, PurgeJob.JobName);
        AddJob<WebhookJob, WebhookJobOptions>(services, WebhookJob.JobName);
        AddJob<PurgeReceiptsJob, PurgeReceiptsJobOptions>(services, PurgeReceiptsJob.JobName);
        AddJob<DeadlinesJob, DeadlinesJobOptions>(services, DeadlinesJob.JobName);
        AddJob<HousekeepingJob, HousekeepingJobOptions>(services, HousekeepingJob.JobName);
        services.AddScoped<Exchange.Core.Content.ContentKeyRotation>();
        AddJob<KeyRotationJob, KeyRotationJobOptions>(services, KeyRotationJob.JobName);

        AddAuditSealing(builder);
        AddHangfire(services);
        builder.AddJobsDashboard();
        return builder;
    }

    /// <summary>
    /// The audit sequencer (decision 0208) and its signing key: configured in Production (a start
    /// without it is refused), made on first use elsewhere, beside the development database.
    /// </summary>
    private static void AddAuditSealing(WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.Section)
            .Validate(o => o.BatchSize > 0 && o.SealInterval > TimeSpan.Zero && o.LeaseDuration > TimeSpan.FromSeconds(1),
                "Exchange:Audit needs a positive BatchSize and SealInterval and a LeaseDuration above one second.")
            .ValidateOnStart();
        var production = builder.Environment.IsProduction();
        services.AddSingleton(sp =>
        {
            var path = sp.GetRequiredService<IOptions<AuditOptions>>().Value.SigningKeyPath;
            if (string.IsNullOrWhiteSpace(path))
            {
                path = production
                    ? throw new InvalidOperationException($"{AuditOptions.Section}:SigningKeyPath is not configured, and Jobs signs the audit log's checkpoints with it.")
                    : AuditOptions.DevelopmentSigningKeyPath;
            }

            return AuditSigner.Load(path, create: !production);
        });
        services.AddScoped<AuditSequencer>();
        services.AddSingleton<Exchange.Core.Hosting.ExchangeHost.AuditSealingHost>();
        services.AddHostedService<AuditSealingService>();
    }

    /// <summary>
    /// Hangfire on the exchange's database (<see cref="JobStorageFactory"/>). The storage and the job
    /// activator are this host's own services rather than Hangfire's process-wide defaults, so several
    /// hosts in one process (tests) never run each other's jobs or share a database by accident.
    /// </summary>
    private static void AddHangfire(IServiceCollection services)
    {
        services.AddSingleton<JobStorage>(sp => JobStorageFactory.Create(
            sp.GetRequiredService<IOptions<DatabaseOptions>>().Value, sp.GetRequiredService<IOptions<JobStorageOptions>>().Value));
        services.AddSingleton<JobActivator>(sp => new AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        services.AddHangfire((sp, configuration) => configuration
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseLogProvider(new LaxLogProvider(sp.GetRequiredService<ILoggerFactory>())));
        services.AddSingleton<IHostedService>(sp =>
        {
            var scheduler = sp.GetRequiredService<IOptions<SchedulerOptions>>().Value;
            return new JobsServer(sp, scheduler);
        });
        services.AddHostedService<RecurringJobsRegistration>();
    }

    private static void AddJob<TJob, TOptions>(IServiceCollection services, string name)
        where TJob : ExchangeJob
        where TOptions : JobOptions
    {
        services.AddOptions<TOptions>().BindConfiguration($"{SchedulerOptions.Section}:{name}").ValidateDataAnnotations()
            .Validate(o => JobSchedule.RefusalFor(o.Interval) is null, $"{SchedulerOptions.Section}:{name}:Interval must be whole seconds or minutes dividing 60, whole hours dividing 24, or one day.")
            .ValidateOnStart();
        services.AddScoped<TJob>();
        services.AddSingleton(new JobDefinition(name, typeof(TJob), sp => sp.GetRequiredService<IOptions<TOptions>>().Value));
    }

    public static WebApplication MapJobs(this WebApplication app)
    {
        app.MapJobsDashboard();
        return app;
    }
}
