using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;

namespace Exchange.Testing;

/// <summary>
/// Hosts one service in process on its own test database, overriding configuration only.
/// <typeparamref name="TMarker"/> is any public type of the host's assembly.
/// </summary>
public class ExchangeAppFactory<TMarker>(TestDatabase database, IDictionary<string, string?>? settings = null)
    : WebApplicationFactory<TMarker> where TMarker : class
{
    public TestDatabase Database { get; } = database;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureAppConfiguration((_, config) =>
        {
            var all = new Dictionary<string, string?>(Database.Settings)
            {
                ["Exchange:Database:MigrateOnStart"] = "true",
            };
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            {
                all[key] = value;
            }

            config.AddInMemoryCollection(all);
        });
    }
}
