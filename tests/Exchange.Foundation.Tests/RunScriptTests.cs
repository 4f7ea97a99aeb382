using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Exchange.Testing;

namespace Exchange.Foundation.Tests;

/// <summary>
/// The README's run command, as a new user runs it: without a terminal, output to a file,
/// all four services healthy, and nothing left running after SIGTERM.
/// </summary>
public sealed class RunScriptTests
{
    [Fact]
    public async Task The_run_command_starts_all_four_services_and_stops_them_on_SIGTERM()
    {
        await using var database = await TestDatabase.CreateAsync();
        var ports = Enumerable.Range(0, 4).Select(_ => FreePorts.Next()).ToArray();
        var log = Path.Combine(Path.GetTempPath(), $"exchange-run-{Guid.NewGuid():N}.log");
        var start = new ProcessStartInfo("bash", ["-c", $"exec ./run.sh </dev/null >'{log}' 2>&1"]) { WorkingDirectory = Repository.Root };
        start.Environment["EXCHANGE_IDENTITY_PORT"] = ports[0].ToString();
        start.Environment["EXCHANGE_API_PORT"] = ports[1].ToString();
        start.Environment["EXCHANGE_PORTAL_PORT"] = ports[2].ToString();
        start.Environment["EXCHANGE_JOBS_PORT"] = ports[3].ToString();
        start.Environment["Exchange__Database__Provider"] = database.Provider.ToString();
        start.Environment["Exchange__Database__ConnectionString"] = database.ConnectionString;
        start.Environment["Exchange__ContentKeys__Directory"] = database.ContentKeyDirectory;
        start.Environment["Exchange__Audit__SigningKeyPath"] = database.AuditSigningKeyPath;

        using var process = Process.Start(start)!;
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            var deadline = DateTime.UtcNow.AddMinutes(4);
            while (!File.Exists(log) || !(await File.ReadAllTextAsync(log)).Contains("The exchange is running"))
            {
                Assert.False(process.HasExited, "run.sh stopped during start-up:\n" + (File.Exists(log) ? await File.ReadAllTextAsync(log) : ""));
                Assert.True(DateTime.UtcNow < deadline, "run.sh did not report the exchange running in time");
                await Task.Delay(500);
            }

            foreach (var port in ports)
            {
                var ready = await http.GetAsync($"http://127.0.0.1:{port}/health/ready");
                Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            }

            var output = await File.ReadAllTextAsync(log);
            Assert.Contains("alice@acme.example", output);
            Assert.Contains($"http://127.0.0.1:{ports[2]}", output);

            Process.Start("kill", ["-TERM", process.Id.ToString()])!.WaitForExit();
            using var stopTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(stopTimeout.Token);

            foreach (var port in ports)
            {
                Assert.False(IsListening(port), $"a service still listens on port {port} after run.sh stopped");
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            File.Delete(log);
        }
    }

    private static bool IsListening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
