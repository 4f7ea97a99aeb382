using System.Diagnostics;
using System.Globalization;

namespace Exchange.Bench;

/// <summary>Where one process spent its CPU during one figure: shares by library and the hottest functions.</summary>
public sealed record CpuProfile(string Figure, string Service, int Samples, List<CpuShare> ByLibrary, List<CpuShare> TopFunctions);

public sealed record CpuShare(string Name, double Percent);

/// <summary>
/// `--profile`: samples a service's CPU with Linux perf (software cpu-clock events, so it works in a VM
/// without hardware counters) while a figure runs. The services then start with DOTNET_PerfMapEnabled, so
/// the runtime writes the JIT's symbol map and perf can name managed methods, not only native libraries.
/// The answer to "why does the no-op reach only a tenth of /health/live": which code the cores ran.
/// </summary>
public static class CpuProfiler
{
    public static async Task<(T Result, CpuProfile? Profile)> DuringAsync<T>(
        bool enabled, string figure, (string Name, int ProcessId) service, TimeSpan duration, Func<Task<T>> run)
    {
        if (!enabled)
        {
            return (await run(), null);
        }

        var data = Path.Combine(Path.GetTempPath(), $"exchange-bench-{service.ProcessId}-{Guid.NewGuid():N}.perf");
        try
        {
            // Sample for the figure's duration minus a second, starting as the load starts.
            var seconds = Math.Max(1, (int)duration.TotalSeconds - 1).ToString(CultureInfo.InvariantCulture);
            using var perf = Start("perf", "record", "-e", "cpu-clock", "-F", "499", "-g", "-p", service.ProcessId.ToString(CultureInfo.InvariantCulture),
                "-o", data, "--", "sleep", seconds);
            var result = await run();
            await perf.WaitForExitAsync();
            if (perf.ExitCode != 0)
            {
                Console.Error.WriteLine($"perf record failed ({perf.ExitCode}): {await perf.StandardError.ReadToEndAsync()}");
                return (result, null);
            }

            var byLibrary = await ReportAsync(data, "dso", 8);
            var top = await ReportAsync(data, "dso,symbol", 20);
            return (result, new CpuProfile(figure, service.Name, byLibrary.Samples, byLibrary.Shares, top.Shares));
        }
        finally
        {
            File.Delete(data);
        }
    }

    private static async Task<(int Samples, List<CpuShare> Shares)> ReportAsync(string data, string sort, int count)
    {
        using var report = Start("perf", "report", "-i", data, "--stdio", "--no-children", "-g", "none", "--percent-limit", "0.5", "--sort", sort);
        var output = await report.StandardOutput.ReadToEndAsync();
        await report.WaitForExitAsync();
        var samples = 0;
        var shares = new List<CpuShare>();
        foreach (var line in output.Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed.StartsWith("# Samples: ", StringComparison.Ordinal))
            {
                // "# Samples: 7K of event 'cpu-clock'" or "# Samples: 712 of event ..."
                var figure = trimmed["# Samples: ".Length..].Split(' ')[0];
                samples = figure.EndsWith('K') ? (int)(double.Parse(figure[..^1], CultureInfo.InvariantCulture) * 1000) : int.Parse(figure, CultureInfo.InvariantCulture);
            }
            else if (trimmed.Length > 0 && trimmed[0] != '#' && trimmed.Contains('%', StringComparison.Ordinal) && shares.Count < count)
            {
                var percent = trimmed[..trimmed.IndexOf('%', StringComparison.Ordinal)];
                if (double.TryParse(percent, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                {
                    shares.Add(new CpuShare(string.Join(' ', trimmed[(trimmed.IndexOf('%', StringComparison.Ordinal) + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries)), value));
                }
            }
        }

        return (samples, shares);
    }

    private static Process Start(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start.");
    }
}
