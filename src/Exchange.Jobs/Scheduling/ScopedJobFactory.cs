using Quartz;
using Quartz.Spi;

namespace Exchange.Jobs.Scheduling;

/// <summary>Each run of a job gets its own DI scope, and so its own DbContext.</summary>
internal sealed class ScopedJobFactory(IServiceScopeFactory scopes) : IJobFactory
{
    public IJob NewJob(TriggerFiredBundle bundle, IScheduler scheduler)
    {
        var scope = scopes.CreateAsyncScope();
        try
        {
            return new ScopedJob(scope, (IJob)scope.ServiceProvider.GetRequiredService(bundle.JobDetail.JobType));
        }
        catch
        {
            scope.Dispose();
            throw;
        }
    }

    public void ReturnJob(IJob job)
    {
        if (job is ScopedJob scoped)
        {
            scoped.Scope.Dispose();
        }
    }

    private sealed class ScopedJob(AsyncServiceScope scope, IJob inner) : IJob
    {
        public AsyncServiceScope Scope { get; } = scope;

        public Task Execute(IJobExecutionContext context) => inner.Execute(context);
    }
}
