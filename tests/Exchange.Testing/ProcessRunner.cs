using System.Diagnostics;

namespace Exchange.Testing;

/// <summary>Runs a program to its end, as an operator would, with stdin closed and its output collected.</summary>
public static class ProcessRunner
{
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(
        string command, IEnumerable<string> arguments, string workingDirectory,
        IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(command, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{command} {string.Join(' ', arguments)} was still running after {timeout}.");
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>Starts a built service in Production with the given environment and waits for it to exit.</summary>
    public static Task<(int ExitCode, string Output)> RunServiceInProductionAsync(
        string project, TestDatabase database, IReadOnlyDictionary<string, string> environment)
    {
        var all = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
            ["Exchange__Database__Provider"] = database.Provider.ToString(),
            ["Exchange__Database__ConnectionString"] = database.ConnectionString,
            ["Exchange__ContentKeys__Directory"] = database.ContentKeyDirectory,
            ["Exchange__Audit__SigningKeyPath"] = database.AuditSigningKeyPath,
        };
        foreach (var (key, value) in TestCertificates.KeyRingEnvironment)
        {
            all[key] = value;
        }

        foreach (var (key, value) in environment)
        {
            all[key] = value;
        }

        var assembly = Repository.HostAssembly(project);
        return RunToExitAsync("dotnet", [assembly], Path.GetDirectoryName(assembly)!, all, TimeSpan.FromSeconds(60));
    }
}
