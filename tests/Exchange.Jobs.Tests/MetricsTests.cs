using Exchange.Core.Data;
using Exchange.Testing;

namespace Exchange.Jobs.Tests;

/// <summary>
/// The Jobs service as a process, scraped the way Prometheus would: its own job metrics next to
/// ASP.NET Core's request rates and latencies, database time and the purge backlog, served to the
/// configured scrapers only.
/// </summary>
public sealed class MetricsTests
{
    private static Dictionary<string, string?> Settings(string scrapeFrom) => new()
    {
        ["Exchange:Jobs:Purge:Interval"] = "00:00:01",
        ["Exchange:Jobs:SchedulePollingInterval"] = "00:00:00.500",
        ["Exchange:Telemetry:ScrapeFrom:0"] = scrapeFrom,
    };

    [Fact]
    public async Task Metrics_name_job_runs_and_requests_for_a_scraper_on_an_allowed_network_and_are_404_to_anyone_else()
    {
        // One process start is enough to show the wiring; it belongs to the provider nodes share.
        if (TestDatabase.CurrentProvider != DatabaseProvider.Postgres)
        {
            return;
        }

        await using var database = await TestDatabase.CreateAsync();
        await database.MigrateAsync();
        // An entry appended half a minute ago and not yet sealed: the sequencer's delay histogram must show its age.
        await using (var db = database.CreateContext())
        {
            var log = new Exchange.Core.Audit.AuditLog(db, new PastClock(TimeSpan.FromSeconds(30)));
            await log.InTransactionAsync(() => log.AppendAsync(new Exchange.Core.Audit.AuditActor("acme", "client-1"), "case.read", "case", "1"));
        }

        using (var jobs = ServiceProcess.Start(database, Settings("127.0.0.0/8")))
        {
            await TestData.EventuallyAsync(() => jobs.ReadinessAsync(), s => s == 200, TimeSpan.FromSeconds(90), "Jobs ready");
            using var scraper = new HttpClient { BaseAddress = jobs.Url };
            var text = await TestData.EventuallyAsync(() => scraper.GetStringAsync("/metrics"),
                t => t.Contains("exchange_job_runs_total{", StringComparison.Ordinal), TimeSpan.FromSeconds(60), "a job run in the metrics");

            Assert.Contains("job=\"Purge\"", text, StringComparison.Ordinal);
            Assert.Contains("outcome=\"succeeded\"", text, StringComparison.Ordinal);
            Assert.Contains("exchange_job_duration_seconds_bucket{", text, StringComparison.Ordinal);
            // ASP.NET Core's own request metrics, by route template (the readiness probe), never by path or query.
            Assert.Contains("http_server_request_duration_seconds_bucket{", text, StringComparison.Ordinal);
            Assert.Contains("http_route=\"/health/ready\"", text, StringComparison.Ordinal);
            // Database time on every provider, and the purge backlog the purge run counted (issue 13).
            Assert.Contains("exchange_db_command_duration_seconds_bucket{", text, StringComparison.Ordinal);
            Assert.Contains("db_system=\"postgresql\"", text, StringComparison.Ordinal);
            var backlog = System.Text.RegularExpressions.Regex.Match(text, @"^exchange_purge_backlog(\{[^}]*\})? (\S+)", System.Text.RegularExpressions.RegexOptions.Multiline);
            Assert.True(backlog.Success, "no exchange_purge_backlog sample");
            Assert.True(double.Parse(backlog.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) >= 0, backlog.Value);

            // The audit sequencer's own: entries sealed, how long each waited, and the backlog it sees.
            text = await TestData.EventuallyAsync(() => scraper.GetStringAsync("/metrics"),
                t => t.Contains("exchange_audit_sealed_total", StringComparison.Ordinal), TimeSpan.FromSeconds(60), "sealed entries in the metrics");
            Assert.Contains("exchange_audit_sealing_lag_seconds", text, StringComparison.Ordinal);
            Assert.Contains("exchange_audit_unsealed", text, StringComparison.Ordinal);
            var delaySum = text.Split('\n').Single(l => l.StartsWith("exchange_audit_seal_delay_seconds_sum", StringComparison.Ordinal));
            Assert.InRange(double.Parse(delaySum[(delaySum.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture), 29, 600);
        }

        using var elsewhere = ServiceProcess.Start(database, Settings("10.0.0.0/8"));
        await TestData.EventuallyAsync(() => elsewhere.ReadinessAsync(), s => s == 200, TimeSpan.FromSeconds(90), "Jobs ready");
        using var outsider = new HttpClient { BaseAddress = elsewhere.Url };
        using var refused = await outsider.GetAsync("/metrics");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, refused.StatusCode);
    }

    private sealed class PastClock(TimeSpan ago) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() - ago;
    }
}
