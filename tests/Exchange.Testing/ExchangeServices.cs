using System.Diagnostics;
using System.Net;
using System.Text;
namespace Exchange.Testing;

/// <summary>
/// The four real services (Identity, Api, Portal, Jobs) started as processes from their build
/// folders on free loopback ports, against one fresh database with the demo seed, wired together
/// as run.sh wires them. One instance per test class (xUnit class fixture); every process is
/// killed when the class is done. <paramref name="identityAndApiOnly"/> starts only Identity and
/// Api, for tests of the API as a member system sees it.
/// </summary>
public sealed class ExchangeServices(IReadOnlyDictionary<string, string>? extraSettings = null, bool identityAndApiOnly = false) : IAsyncLifetime
{
    private readonly List<(string Name, Process Process, StringBuilder Log)> _processes = [];
    private Dictionary<string, string> _settings = [];

    public TestDatabase Database { get; private set; } = null!;
    public string IdentityUrl { get; private set; } = "";
    public string ApiUrl { get; private set; } = "";
    public string PortalUrl { get; private set; } = "";
    public string JobsUrl { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        IdentityUrl = $"http://127.0.0.1:{FreePorts.Next()}";
        ApiUrl = $"http://127.0.0.1:{FreePorts.Next()}";
        PortalUrl = $"http://127.0.0.1:{FreePorts.Next()}";
        JobsUrl = $"http://127.0.0.1:{FreePorts.Next()}";

        var settings = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Exchange__Database__Provider"] = Database.Provider.ToString(),
            ["Exchange__Database__ConnectionString"] = Database.ConnectionString,
            ["Exchange__ContentKeys__Directory"] = Database.ContentKeyDirectory,
            ["Exchange__Audit__SigningKeyPath"] = Database.AuditSigningKeyPath,
            ["Exchange__Database__MigrateOnStart"] = "true",
            ["Exchange__Demo__Seed"] = "true",
            ["Exchange__Identity__Issuer"] = IdentityUrl,
            ["Exchange__Auth__Authority"] = IdentityUrl,
            ["Exchange__Auth__Audience"] = "exchange-api",
            ["Exchange__Identity__PortalClientSecret"] = "dev-portal-secret",
            ["Exchange__Identity__PortalRedirectUri"] = PortalUrl + "/signin-oidc",
            ["Exchange__Identity__PortalPostLogoutRedirectUri"] = PortalUrl + "/",
            ["Exchange__Portal__ApiBaseUrl"] = ApiUrl,
            ["Exchange__Portal__ClientId"] = "exchange-portal",
            ["Exchange__Portal__ClientSecret"] = "dev-portal-secret",
        };

        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        _settings = settings;

        // Identity first: it migrates and seeds the database the others then share, so two
        // services never race to create the same tables.
        Start("Exchange.Identity", IdentityUrl, settings);
        await WaitReadyAsync(IdentityUrl);
        Start("Exchange.Api", ApiUrl, settings);
        if (identityAndApiOnly)
        {
            await WaitReadyAsync(ApiUrl);
            return;
        }

        Start("Exchange.Portal", PortalUrl, settings);
        Start("Exchange.Jobs", JobsUrl, settings);
        await Task.WhenAll(WaitReadyAsync(ApiUrl), WaitReadyAsync(PortalUrl), WaitReadyAsync(JobsUrl));
    }

    /// <summary>
    /// Starts Portal and Jobs beside Identity and Api when the instance was made with
    /// <c>identityAndApiOnly</c> (the benchmark measures the API alone first, then with the Jobs service).
    /// </summary>
    public async Task StartRemainingAsync(IReadOnlyDictionary<string, string>? moreSettings = null)
    {
        if (_processes.Any(p => p.Name == "Exchange.Jobs"))
        {
            return;
        }

        var settings = new Dictionary<string, string>(_settings);
        foreach (var (key, value) in moreSettings ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        Start("Exchange.Portal", PortalUrl, settings);
        Start("Exchange.Jobs", JobsUrl, settings);
        await Task.WhenAll(WaitReadyAsync(PortalUrl), WaitReadyAsync(JobsUrl));
    }

    /// <summary>The running services by project name and process id (the benchmark reads their peak memory from /proc).</summary>
    public IReadOnlyList<(string Name, int ProcessId)> Processes =>
        _processes.Where(p => !p.Process.HasExited).Select(p => (p.Name, p.Process.Id)).ToList();

    public async Task DisposeAsync()
    {
        foreach (var (_, process, _) in _processes)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
                }
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
            {
                // Already gone.
            }

            process.Dispose();
        }

        await Database.DisposeAsync();
    }

    /// <summary>The services' output so far, for a failing test's message.</summary>
    public string Logs(string? name = null)
    {
        var text = new StringBuilder();
        foreach (var (n, _, log) in _processes.Where(p => name is null || p.Name == name))
        {
            lock (log)
            {
                text.Append("== ").AppendLine(n).Append(log.Length > 20000 ? log.ToString(log.Length - 20000, 20000) : log.ToString());
            }
        }

        return text.ToString();
    }

    private void Start(string project, string url, Dictionary<string, string> settings)
    {
        var dll = Repository.HostAssembly(project);
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is missing: build the solution ({Repository.Configuration}) first.");
        }

        var start = new ProcessStartInfo("dotnet", [dll, "--urls", url])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        var log = new StringBuilder();
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        DataReceivedEventHandler append = (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (log)
                {
                    log.AppendLine(e.Data);
                }
            }
        };
        process.OutputDataReceived += append;
        process.ErrorDataReceived += append;
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes.Add((project, process, log));
    }

    private async Task WaitReadyAsync(string url)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < deadline)
        {
            if (_processes.FirstOrDefault(p => p.Process.HasExited) is { Name: not null } dead)
            {
                throw new InvalidOperationException($"{dead.Name} stopped during start-up (exit {dead.Process.ExitCode}).\n{Logs(dead.Name)}");
            }

            try
            {
                using var response = await http.GetAsync(url + "/health/ready");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"{url} did not become ready within two minutes.\n{Logs()}");
    }
}
