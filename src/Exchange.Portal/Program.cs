using Exchange.Core.Hosting;
using Exchange.Portal;

var builder = WebApplication.CreateBuilder(args);
builder.AddExchangeDefaults(PortalExtensions.SecretSettings);
builder.AddPortalServices();

var app = builder.Build();
app.UseExchangeDefaults();
app.MapPortal();

return await app.RunExchangeAsync(args);
