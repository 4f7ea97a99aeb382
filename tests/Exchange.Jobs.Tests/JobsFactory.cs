using Microsoft.Extensions.Logging;
using Exchange.Testing;

namespace Exchange.Jobs.Tests;

/// <summary>The Jobs service in process, on the test's database, with intervals short enough for a test.</summary>
internal sealed class JobsFactory(TestDatabase database, IDictionary<string, string?>? overrides = null)
    : ExchangeAppFactory<JobsHost>(database, Settings(overrides))
{
    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        if (Environment.GetEnvironmentVariable("EXCHANGE_TEST_LOG") is { Length: > 0 } folder)
        {
            builder.ConfigureLogging(l => l.AddProvider(new FileLogProvider(Path.Combine(folder, Database.Name + ".log"))));
        }
    }

    private static Dictionary<string, string?> Settings(IDictionary<string, string?>? overrides)
    {
        var settings = new Dictionary<string, string?>
        {
            // Each in-process host is its own scheduler on its own database.
            ["Exchange:Jobs:SchedulerName"] = "test-" + Guid.NewGuid().ToString("N")[..12],
            ["Exchange:Retention:Default"] = "00:00:00",
            ["Exchange:Jobs:Purge:Interval"] = "00:00:00.500",
            ["Exchange:Jobs:Webhooks:Interval"] = "00:00:00.300",
            ["Exchange:Jobs:Webhooks:RetryBaseDelay"] = "00:00:00.200",
            ["Exchange:Jobs:Webhooks:MaxAttempts"] = "5",
            ["Exchange:Jobs:PurgeReceipts:Interval"] = "00:00:00.500",
            ["Exchange:Jobs:Deadlines:Interval"] = "00:00:00.500",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return settings;
    }
}
