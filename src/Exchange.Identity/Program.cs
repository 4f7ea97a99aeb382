using Exchange.Core.Hosting;
using Exchange.Identity;

var builder = WebApplication.CreateBuilder(args);
builder.AddExchangeDefaults(IdentityExtensions.SecretSettings);
builder.AddIdentityServices();

var app = builder.Build();
app.UseExchangeDefaults();
app.MapIdentity();

return await app.RunExchangeAsync(args);
