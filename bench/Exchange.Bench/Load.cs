using System.Diagnostics;

namespace Exchange.Bench;

/// <summary>What one figure measured: completed operations per second and their latency.</summary>
public sealed record Measurement(string Figure, int Clients, double PerSecond, double P50Ms, double P99Ms, long Completed, long Failed);

/// <summary>A closed-loop load: each client runs the operation back to back for the duration.</summary>
public static class Load
{
    public static async Task<Measurement> RunAsync(string figure, int clients, TimeSpan duration, Func<int, Task<bool>> operation)
    {
        var latencies = new List<double>[clients];
        var failed = 0L;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, clients).Select(async client =>
        {
            var mine = latencies[client] = new List<double>(4096);
            while (clock.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                var ok = false;
                try
                {
                    ok = await operation(client);
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Data.Common.DbException)
                {
                    ok = false;
                }

                if (ok)
                {
                    mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
                else
                {
                    Interlocked.Increment(ref failed);
                }
            }
        }).ToList();
        await Task.WhenAll(workers);
        var elapsed = clock.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new Measurement(figure, clients, all.Length / elapsed, Percentile(all, 0.50), Percentile(all, 0.99), all.Length, failed);
    }

    public static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
