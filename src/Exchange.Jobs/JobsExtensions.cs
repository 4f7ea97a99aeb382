namespace Exchange.Jobs;

public static class JobsExtensions
{
    public static WebApplicationBuilder AddJobsServices(this WebApplicationBuilder builder)
    {
        return builder;
    }
}
