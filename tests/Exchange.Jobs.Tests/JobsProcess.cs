using System.Diagnostics;
using Exchange.Testing;

namespace Exchange.Jobs.Tests;

/// <summary>The built Exchange.Jobs service as a process of its own, so a test can run two of them or kill one.</summary>
internal sealed class JobsProcess : IDisposable
{
    private readonly Process _process;

    private JobsProcess(Process process) => _process = process;

    public static JobsProcess Start(TestDatabase database, IDictionary<string, string?> settings)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Repository.HostAssembly("Exchange.Jobs") },
            WorkingDirectory = Path.GetDirectoryName(Repository.HostAssembly("Exchange.Jobs"))!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        start.Environment["Urls"] = "http://127.0.0.1:0";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in database.Settings.Concat(settings))
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(start)!;
        // Drained so a chatty process never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new JobsProcess(process);
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
