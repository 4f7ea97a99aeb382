using System.Diagnostics;
namespace Exchange.Testing;

/// <summary>A built service (Exchange.Jobs, Exchange.Identity, ...) as a process of its own, so a test can run two of them or kill one.</summary>
public sealed class ServiceProcess : IDisposable
{
    private readonly Process _process;

    private ServiceProcess(Process process, Uri url)
    {
        _process = process;
        Url = url;
    }

    /// <summary>Where the process serves its health endpoints.</summary>
    public Uri Url { get; }

    public int Id => _process.Id;

    /// <summary>Starts Exchange.Jobs on the test's database, or on <paramref name="connectionString"/> (a proxy in front of it).</summary>
    public static ServiceProcess Start(TestDatabase database, IDictionary<string, string?> settings, string? connectionString = null) =>
        Start("Exchange.Jobs", database, settings, connectionString);

    /// <summary>Starts <paramref name="project"/> (in the Testing environment) on the test's database.</summary>
    public static ServiceProcess Start(string project, TestDatabase database, IDictionary<string, string?> settings, string? connectionString = null)
    {
        var port = FreePorts.Next();
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Repository.HostAssembly(project) },
            WorkingDirectory = Path.GetDirectoryName(Repository.HostAssembly(project))!,
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
        var service = new ServiceProcess(process, new Uri($"http://127.0.0.1:{port}"));
        // Drained so a chatty process never blocks on a full pipe; the last lines kept for a failing test.
        process.OutputDataReceived += (_, e) => service.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => service.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return service;
    }

    private readonly Queue<string> _lastLines = new();

    /// <summary>The last lines the process wrote (warnings and errors: tests start it at level Warning).</summary>
    public string LastLines
    {
        get
        {
            lock (_lastLines)
            {
                return string.Join('\n', _lastLines);
            }
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lastLines)
        {
            _lastLines.Enqueue(line.Length > 2000 ? line[..2000] : line);
            while (_lastLines.Count > 40)
            {
                _lastLines.Dequeue();
            }
        }
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
