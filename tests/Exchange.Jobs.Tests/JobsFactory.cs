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
            ["Exchange:Retention:Default"] = "00:00:00",
            // Hangfire's recurring schedules are whole seconds at the finest; due work is polled for often.
            ["Exchange:Jobs:SchedulePollingInterval"] = "00:00:00.200",
            ["Exchange:Jobs:Storage:QueuePollInterval"] = "00:00:00.200",
            ["Exchange:Jobs:Purge:Interval"] = "00:00:01",
            ["Exchange:Jobs:Webhooks:Interval"] = "00:00:01",
            ["Exchange:Jobs:Webhooks:RetryBaseDelay"] = "00:00:00.200",
            ["Exchange:Jobs:Webhooks:MaxAttempts"] = "5",
            ["Exchange:Jobs:PurgeReceipts:Interval"] = "00:00:01",
            ["Exchange:Jobs:Deadlines:Interval"] = "00:00:01",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return settings;
    }
}
