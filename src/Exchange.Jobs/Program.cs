using Exchange.Core.Hosting;
using Exchange.Jobs;

var builder = WebApplication.CreateBuilder(args);
builder.AddExchangeDefaults();
builder.AddJobsServices();

var app = builder.Build();
app.UseExchangeDefaults();

return await app.RunExchangeAsync(args);
