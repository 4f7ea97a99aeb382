using Exchange.Api;
using Exchange.Core.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddExchangeDefaults();
builder.AddApiServices();

var app = builder.Build();
app.UseExchangeDefaults();
app.MapApi();

return await app.RunExchangeAsync(args);
