using System.Text.Json;
using Exchange.Testing;

namespace Exchange.Foundation.Tests;

/// <summary>The benchmark tool in its smoke mode (seconds, two clients, tiny data, every figure), so it cannot rot between full runs.</summary>
public sealed class BenchSmokeTests
{
    [Fact]
    public async Task The_benchmark_runs_every_figure_beside_its_ceiling_and_writes_its_json()
    {
        var output = Path.Combine(Path.GetTempPath(), $"exchange-bench-{Guid.NewGuid():N}.json");
        var tool = Path.Combine(Repository.Root, "bench", "Exchange.Bench", "bin", Repository.Configuration, "net10.0", "Exchange.Bench.dll");
        var environment = new Dictionary<string, string>
        {
            ["EXCHANGE_TEST_PROVIDER"] = TestDatabase.CurrentProvider.ToString(),
            ["EXCHANGE_TEST_POSTGRES"] = Environment.GetEnvironmentVariable("EXCHANGE_TEST_POSTGRES") ?? "",
        };
        try
        {
            var (exit, log) = await ProcessRunner.RunToExitAsync("dotnet", [tool, "--smoke", "--out", output], Repository.Root, environment, TimeSpan.FromMinutes(4));

            Assert.True(exit == 0, log);
            Assert.Contains("| case submission | 2 |", log, StringComparison.Ordinal);
            using var report = JsonDocument.Parse(await File.ReadAllTextAsync(output));
            var rows = report.RootElement.GetProperty("Rows").EnumerateArray().ToList();
            // Figures 1 to 6 (issue 13): submission at two concurrencies, the no-op, tokens, two inbox
            // pages at two sizes, webhook lag, the purge and submissions during it.
            Assert.Equal(11, rows.Count);
            Assert.All(rows, row =>
            {
                Assert.True(row.GetProperty("Exchange").GetProperty("Completed").GetInt64() > 0, row.ToString());
                Assert.Equal(0, row.GetProperty("Exchange").GetProperty("Failed").GetInt64());
                if (row.GetProperty("Ceiling").ValueKind != JsonValueKind.Null)
                {
                    Assert.True(row.GetProperty("Ceiling").GetProperty("PerSecond").GetDouble() > 0, row.ToString());
                }
            });
            foreach (var figure in new[] { "inbox first page", "inbox deep page", "tokens issued", "webhook end-to-end lag", "purge: cases tombstoned", "case submission during the purge" })
            {
                Assert.Contains(rows, row => row.GetProperty("Exchange").GetProperty("Figure").GetString()!.StartsWith(figure, StringComparison.Ordinal));
            }

            var memory = report.RootElement.GetProperty("Memory").EnumerateArray().ToList();
            Assert.Equal(["Exchange.Api", "Exchange.Identity", "Exchange.Jobs", "Exchange.Portal"],
                memory.Select(m => m.GetProperty("Service").GetString()!).Order(StringComparer.Ordinal).ToArray());
            Assert.All(memory, m => Assert.True(m.GetProperty("PeakMegabytes").GetDouble() > 10, m.ToString()));
        }
        finally
        {
            File.Delete(output);
        }
    }
}
