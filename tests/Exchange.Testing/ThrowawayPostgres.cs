
namespace Exchange.Testing;

/// <summary>
/// A PostgreSQL cluster of a test's own, on a free port with its data in a temporary folder, that
/// the test may stop and start (a database that blinks) without disturbing the shared test server.
/// Runs PostgreSQL's own tools from Debian's package, as the postgres user when the tests run as root.
/// </summary>
public sealed class ThrowawayPostgres : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _data;

    private ThrowawayPostgres(string bin, string data, int port)
    {
        _bin = bin;
        _data = data;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The superuser connection string, in the shape TestDatabase takes for EXCHANGE_TEST_POSTGRES.</summary>
    public string AdminConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres";

    public static async Task<ThrowawayPostgres> StartAsync()
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(v => Path.Combine(v, "bin"))
                .Where(b => File.Exists(Path.Combine(b, "pg_ctl"))).OrderBy(b => b, StringComparer.Ordinal).LastOrDefault()
            : null;
        if (bin is null)
        {
            throw new InvalidOperationException("PostgreSQL's tools are not installed; ./test.sh installs them.");
        }

        var data = Directory.CreateTempSubdirectory("exchange-pg-blink.").FullName;
        if (IsRoot)
        {
            await RunAsync("chown", ["postgres", data]);
        }

        var server = new ThrowawayPostgres(bin, data, FreePorts.Next());
        await server.PgAsync("initdb", ["-D", data, "-U", "postgres", "-A", "trust", "--no-sync"]);
        await server.StartServerAsync();
        return server;
    }

    /// <summary>Starts the server again on the same port and data (after <see cref="StopAsync"/>).</summary>
    public Task StartServerAsync() => PgAsync("pg_ctl", ["-D", _data, "-w", "-l", Path.Combine(_data, "server.log"), "-o",
        $"-c listen_addresses=127.0.0.1 -p {Port} -k {_data} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200", "start"]);

    /// <summary>Stops the server the way a restart does: open connections are cut.</summary>
    public Task StopAsync() => PgAsync("pg_ctl", ["-D", _data, "-w", "-m", "fast", "stop"]);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await PgAsync("pg_ctl", ["-D", _data, "-m", "immediate", "stop"]);
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }

        Directory.Delete(_data, recursive: true);
    }

    private static bool IsRoot => Environment.UserName == "root";

    private Task PgAsync(string tool, string[] arguments) => IsRoot
        ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin, tool), .. arguments])
        : RunAsync(Path.Combine(_bin, tool), arguments);

    private static async Task RunAsync(string command, string[] arguments)
    {
        var (exitCode, output) = await ProcessRunner.RunToExitAsync(command, arguments, Path.GetTempPath(), new Dictionary<string, string>(), TimeSpan.FromSeconds(60));
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(command)} {arguments.FirstOrDefault()} failed ({exitCode}): {output}");
        }
    }
}
