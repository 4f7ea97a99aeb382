using System.Diagnostics;
using Exchange.Testing;

namespace Exchange.Jobs.Tests;

/// <summary>The built Exchange.Jobs service as a process of its own, so a test can run two of them or kill one.</summary>
internal sealed class JobsProcess : IDisposable
{
    private readonly Process _process;

    private JobsProcess(Process process, Uri url)
    {
        _process = process;
        Url = url;
    }

    /// <summary>Where the process serves its health endpoints.</summary>
    public Uri Url { get; }

    public int Id => _process.Id;

    /// <summary>Starts the process on the test's database, or on <paramref name="connectionString"/> (a proxy in front of it).</summary>
    public static JobsProcess Start(TestDatabase database, IDictionary<string, string?> settings, string? connectionString = null)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Repository.HostAssembly("Exchange.Jobs") },
            WorkingDirectory = Path.GetDirectoryName(Repository.HostAssembly("Exchange.Jobs"))!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        start.Environment["Urls"] = $"http://127.0.0.1:{port}";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in database.Settings.Concat(settings))
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        if (connectionString is not null)
        {
            start.Environment["Exchange__Database__ConnectionString"] = connectionString;
        }

        var process = Process.Start(start)!;
        // Drained so a chatty process never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new JobsProcess(process, new Uri($"http://127.0.0.1:{port}"));
    }

    /// <summary>The status of /health/ready, or null while nothing answers.</summary>
    public async Task<int?> ReadinessAsync()
    {
        using var client = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await client.GetAsync("/health/ready");
            return (int)response.StatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public bool HasExited => _process.HasExited;

    /// <summary>SIGKILL: no shutdown, no finally blocks, the way a crash or an OOM kill ends a worker.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
    }
}
