using Exchange.Core.Hosting;
using Exchange.Jobs;
using Exchange.Jobs.Dashboard;

var builder = WebApplication.CreateBuilder(args);
builder.AddExchangeDefaults(JobsDashboardOptions.SecretSetting);
builder.AddJobsServices();

var app = builder.Build();
app.UseExchangeDefaults();
app.MapJobs();

return await app.RunExchangeAsync(args);
