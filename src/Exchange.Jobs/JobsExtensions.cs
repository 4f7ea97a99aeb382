using Exchange.Core.Cases;
using Exchange.Core.Webhooks;
using Exchange.Jobs.Deadlines;
using Exchange.Jobs.Housekeeping;
using Exchange.Jobs.Purge;
using Exchange.Jobs.Scheduling;
using Exchange.Jobs.Webhooks;
using Microsoft.Extensions.Options;

namespace Exchange.Jobs;

public static class JobsExtensions
{
    public static WebApplicationBuilder AddJobsServices(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<SchedulerOptions>().BindConfiguration(SchedulerOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<CasePurger>();
        services.AddSingleton<WebhookSecret>();
        // Loopback is allowed only where a demo or test receiver runs on the same machine.
        var environment = builder.Environment;
        services.AddSingleton(new WebhookTargetPolicy(allowLoopback: environment.IsDevelopment() || environment.IsEnvironment("Testing")));
        services.AddSingleton<WebhookSender>();
        services.AddScoped<WebhookDispatcher>();

        AddJob<PurgeJob, PurgeJobOptions>(services, PurgeJob.JobName);
        AddJob<WebhookJob, WebhookJobOptions>(services, WebhookJob.JobName);
        AddJob<PurgeReceiptsJob, PurgeReceiptsJobOptions>(services, PurgeReceiptsJob.JobName);
        AddJob<DeadlinesJob, DeadlinesJobOptions>(services, DeadlinesJob.JobName);
        AddJob<HousekeepingJob, HousekeepingJobOptions>(services, HousekeepingJob.JobName);
        services.AddHostedService<JobScheduler>();
        return builder;
    }

    private static void AddJob<TJob, TOptions>(IServiceCollection services, string name)
        where TJob : ExchangeJob
        where TOptions : JobOptions
    {
        services.AddOptions<TOptions>().BindConfiguration($"{SchedulerOptions.Section}:{name}").ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<TJob>();
        services.AddSingleton(new JobDefinition(name, typeof(TJob), sp => sp.GetRequiredService<IOptions<TOptions>>().Value));
    }
}
