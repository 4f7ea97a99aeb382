using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Exchange.Bench;
using Exchange.Core.Data;
using Exchange.Core.Identity;
using Exchange.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

// The exchange's benchmark (docs/benchmarks.md): the services as processes on the provider
// EXCHANGE_TEST_PROVIDER names (bench/run.sh starts a throwaway PostgreSQL with fsync on), each
// figure next to its ceiling measured in the same run on the same database server, and next to
// issue 13's target where it names one.
//   --smoke          seconds, two clients, tiny data: proves the tool still works (a CI test runs it)
//   --out <file>     where the JSON goes (default bench/results/<provider>-<time>.json)
//   --cases a,b,c    inbox sizes (default 10000,100000,1000000; smoke 100,300); the largest is then purged
//   --profile        samples the Api's CPU with perf during submission at the most clients, the no-op and the
//                    largest inbox's first page, and the Jobs service's during the purge (CpuProfile.cs),
//                    and prints where it went
var smoke = args.Contains("--smoke");
var profiling = args.Contains("--profile");
var outIndex = Array.IndexOf(args, "--out");
var casesIndex = Array.IndexOf(args, "--cases");
var duration = smoke ? TimeSpan.FromSeconds(2) : TimeSpan.FromSeconds(20);
var shortDuration = smoke ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(10);
int[] submissionClients = smoke ? [1, 2] : [1, 8, 32];
var noOpClients = smoke ? 2 : 32;
var pageClients = smoke ? 2 : 8;
var members = smoke ? 20 : 1000;
int[] inboxSizes = casesIndex >= 0
    ? args[casesIndex + 1].Split(',').Select(v => int.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray()
    : smoke ? [100, 300] : [10_000, 100_000, 1_000_000];
var eventsPerSecond = smoke ? 10 : 100;

await using var services = new ExchangeServices(new Dictionary<string, string>
{
    // Rate limits out of the way: the benchmark measures the exchange, not its guard rails.
    ["Exchange__Api__RequestsPerWindow"] = "1000000",
    ["Exchange__Api__CaseCreationsPerWindow"] = "1000000",
    ["Exchange__Api__RateLimitWindow"] = "00:00:01",
    ["Exchange__Identity__TokenRequestsPerClientPerMinute"] = "100000000",
    ["Logging__LogLevel__Default"] = "Warning",
    // With --profile the runtime writes its JIT symbol map (/tmp/perf-<pid>.map), so perf names managed code.
    ["DOTNET_PerfMapEnabled"] = profiling ? "1" : "0",
    // Write-xor-execute maps JIT code twice (memfd:doublemapper), which perf cannot match with that map.
    ["DOTNET_EnableWriteXorExecute"] = profiling ? "0" : "1",
}, identityAndApiOnly: true);
var cpuProfiles = new List<CpuProfile>();
(string Name, int ProcessId) Service(string name) => services.Processes.Single(p => p.Name == name);
async Task<Measurement> ProfiledAsync(bool here, string figure, TimeSpan length, Func<Task<Measurement>> run, string service = "Exchange.Api")
{
    var (result, cpu) = await CpuProfiler.DuringAsync(profiling && here, figure, Service(service), length, run);
    if (cpu is not null)
    {
        cpuProfiles.Add(cpu);
    }

    return result;
}

await services.InitializeAsync();
var provider = services.Database.Provider;
Console.Error.WriteLine($"Identity {services.IdentityUrl}, Api {services.ApiUrl}, {provider}");

using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1024, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
{
    Timeout = TimeSpan.FromSeconds(30),
};
var token = await TokenAsync(http, services.IdentityUrl, "acme-crm", "dev-acme-crm-secret");
var authorisation = await AuthorisationAsync(http, services.ApiUrl, token);

var rows = new List<Row>();
var submitted = 0;
Func<int, Task<bool>> Submit(string submitter) => async _ =>
{
    var n = Interlocked.Increment(ref submitted);
    using var request = new HttpRequestMessage(HttpMethod.Post, services.ApiUrl + "/api/v1/cases") { Content = JsonContent.Create(Case(authorisation, n)) };
    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", submitter);
    using var response = await http.SendAsync(request);
    return (int)response.StatusCode == 201;
};

// Warm-up, so no figure carries the services' first requests (JIT, connection pools).
await Load.RunAsync("warm-up", 2, TimeSpan.FromSeconds(smoke ? 1 : 5), Submit(token));

// 1. Case submission beside one-row committed inserts at the same concurrency.
var submissionAt = new Dictionary<int, Measurement>();
foreach (var clients in submissionClients)
{
    var exchange = await ProfiledAsync(clients == submissionClients[^1], $"case submission, {clients} clients", duration,
        () => Load.RunAsync("case submission", clients, duration, Submit(token)));
    submissionAt[clients] = exchange;
    var ceiling = await InsertCeilingAsync(services.Database, clients, duration);
    rows.Add(new Row(exchange, ceiling, "one-row committed inserts, same concurrency",
        clients == submissionClients[^1] ? ">= 50 % of the ceiling, p99 < 50 ms at half the rate" : null));
}

// 2. An authenticated no-op beside the unauthenticated liveness probe.
var authenticated = await ProfiledAsync(true, $"authenticated no-op, {noOpClients} clients", duration, () => Load.RunAsync("authenticated no-op (GET /api/v1/field-catalogue)", noOpClients, duration, async _ =>
{
    using var request = new HttpRequestMessage(HttpMethod.Get, services.ApiUrl + "/api/v1/field-catalogue");
    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    using var response = await http.SendAsync(request);
    return response.IsSuccessStatusCode;
}));
var live = await Load.RunAsync("/health/live", noOpClients, duration, async _ =>
{
    using var response = await http.GetAsync(services.ApiUrl + "/health/live");
    return response.IsSuccessStatusCode;
});
rows.Add(new Row(authenticated, live, "unauthenticated /health/live, same host", ">= 50 % of the ceiling"));

// 5a. Tokens issued per second (Identity's own figure; no ceiling is named for it).
rows.Add(new Row(await Figures.TokensAsync(http, services.IdentityUrl, "acme-crm", "dev-acme-crm-secret", pageClients, shortDuration), null, null, null));

// 3. The inbox's first page and a deep page (90 % down the measured member's inbox) as the exchange grows.
var seeding = new Seeding(services.Database, Guid.Parse(authorisation));
var seedTime = System.Diagnostics.Stopwatch.StartNew();
await seeding.MembersAsync(members);
Measurement? firstAtSmallest = null, deepAtSmallest = null;
foreach (var size in inboxSizes.Order())
{
    seedTime.Restart();
    await seeding.CasesAsync(size, members);
    Console.Error.WriteLine($"seeded {size:N0} cases in {seedTime.Elapsed.TotalSeconds:F0} s");
    var inbox = seeding.MeasuredInbox;
    var deep = Figures.Cursor(inbox[Math.Max(0, inbox.Count / 10)]);
    var first = await ProfiledAsync(size == inboxSizes.Max(), $"inbox first page, {size:N0} cases", shortDuration,
        () => Figures.InboxAsync(http, services.ApiUrl, token, $"inbox first page, {size:N0} cases ({inbox.Count:N0} in the inbox)", null, pageClients, shortDuration));
    var deepPage = await Figures.InboxAsync(http, services.ApiUrl, token, $"inbox deep page (90 % down), {size:N0} cases", deep, pageClients, shortDuration);
    rows.Add(new Row(first, firstAtSmallest, firstAtSmallest is null ? null : "same page at the smallest size", "p99 < 20 ms at 1,000,000 cases, within 2x of 10k"));
    rows.Add(new Row(deepPage, deepAtSmallest, deepAtSmallest is null ? null : "same page at the smallest size", "p99 < 20 ms at 1,000,000 cases, within 2x of 10k"));
    firstAtSmallest ??= first;
    deepAtSmallest ??= deepPage;
}

// Jobs (and Portal) join for the figures that need them: purge every second so a backlog starts at
// once, webhook fan-out every second (the shipped interval is 10 s, which alone would miss the target).
await services.StartRemainingAsync(new Dictionary<string, string>
{
    // The database is migrated already; a migrating start would also seal the seeded plaintext rows
    // (the conversion of content written before decision 0006) before the service is ready.
    ["Exchange__Database__MigrateOnStart"] = "false",
    ["Exchange__Demo__Seed"] = "false",
    ["Exchange__Jobs__Purge__Interval"] = "00:00:01",
    ["Exchange__Jobs__Webhooks__Interval"] = "00:00:01",
});

// 5a. The earlier figures' submissions left their events in the outbox while Jobs was not running. They are
// fanned out (and mailed) first, in id order, so the lag figure would measure this backlog, not its own
// events: drain it first, and report how fast the fan-out went through it.
var backlogClock = System.Diagnostics.Stopwatch.StartNew();
var backlog = await UnprocessedEventsAsync(services.Database);
var left = backlog;
while (left > 0 && backlogClock.Elapsed < TimeSpan.FromMinutes(smoke ? 1 : 10))
{
    await Task.Delay(500);
    left = await UnprocessedEventsAsync(services.Database);
}

if (backlog > 0)
{
    Console.Error.WriteLine($"fanned out a backlog of {backlog - left:N0} events in {backlogClock.Elapsed.TotalSeconds:F0} s ({left:N0} left)");
    rows.Add(new Row(new Measurement($"webhook fan-out of the earlier figures' {backlog:N0} events (backlog)", 1,
        (backlog - left) / backlogClock.Elapsed.TotalSeconds, double.NaN, double.NaN, backlog - left, left), null, null, null));
}

// 5b. Webhook end-to-end lag: globex, the receiver, subscribes a receiver in this process to case.created.
using (var receiver = new WebhookReceiver(FreePorts.Next()))
{
    string adminSecret;
    await using (var db = services.Database.CreateContext())
    {
        adminSecret = await IdentityTokens.AddMachineClientAsync(db, "globex-bench-admin", "globex", [Roles.MemberAdmin], [Scopes.WebhooksManage]);
    }

    var admin = await TokenAsync(http, services.IdentityUrl, "globex-bench-admin", adminSecret);
    using (var subscribe = new HttpRequestMessage(HttpMethod.Post, services.ApiUrl + "/api/v1/webhook-subscriptions")
    {
        Content = JsonContent.Create(new { url = receiver.Url, eventTypes = new[] { "case.created" } }),
    })
    {
        subscribe.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin);
        using var subscribed = await http.SendAsync(subscribe);
        if (!subscribed.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"The webhook subscription was refused: {(int)subscribed.StatusCode} {await subscribed.Content.ReadAsStringAsync()}");
        }
    }

    var lag = await Figures.WebhookLagAsync(http, services.ApiUrl, token, n => Case(authorisation, n), receiver, eventsPerSecond, smoke ? shortDuration : duration,
        TimeSpan.FromSeconds(smoke ? 20 : 60));
    rows.Add(new Row(lag, null, null, "p99 < 2 s at 100 events/s"));
}

// 4. Purge: every seeded case due at once; cases tombstoned per second, and submissions meanwhile.
var due = seeding.Cases;
seedTime.Restart();
await seeding.MakeDueAsync();
Console.Error.WriteLine($"made {due:N0} cases due in {seedTime.Elapsed.TotalSeconds:F0} s");
var before = await seeding.TombstonesAsync();
// The window opens when the first batch is tombstoned (the Jobs service's next purge run), so the
// rate is the purge's own, not the wait for its schedule; that first batch counts (at most one
// batch too many over the window, and a tiny smoke backlog purged at once still shows).
var waitedFor = System.Diagnostics.Stopwatch.StartNew();
while (waitedFor.Elapsed < TimeSpan.FromSeconds(60) && await seeding.TombstonesAsync() == before)
{
    await Task.Delay(100);
}

var purgeClock = System.Diagnostics.Stopwatch.StartNew();
// With --profile, the Jobs service's CPU while it purges (the Api's is the submissions' own).
var during = await ProfiledAsync(true, "the purge, with submissions meanwhile", duration,
    () => Load.RunAsync($"case submission during the purge", pageClients, duration, Submit(token)), "Exchange.Jobs");
var after = await seeding.TombstonesAsync();
var purged = new Measurement($"purge: cases tombstoned, {due:N0} due", 1, (after - before) / purgeClock.Elapsed.TotalSeconds, double.NaN, double.NaN, after - before, 0);
rows.Add(new Row(purged, null, null, ">= 5,000 cases/s"));
rows.Add(new Row(during, submissionAt.GetValueOrDefault(pageClients), submissionAt.ContainsKey(pageClients) ? "case submission without the purge, same clients" : null,
    "p99 < 100 ms"));

// Where the database's time went (PostgreSQL with pg_stat_statements loaded, as bench/run.sh starts it).
var profile = await Profile.TopStatementsAsync(services.Database, 12);

// 6. Peak memory of each service over the whole run.
var memory = services.Processes.Select(p => new MemoryRow(p.Name, Figures.PeakMemoryMegabytes(p.ProcessId))).ToList();

var report = new Report(DateTimeOffset.UtcNow, provider.ToString(), Environment.ProcessorCount, smoke, duration.TotalSeconds, Load: LoadAverage(), rows, memory, profile, cpuProfiles);
var output = outIndex >= 0 ? args[outIndex + 1] : Path.Combine(Repository.Root, "bench", "results", $"{provider.ToString().ToLowerInvariant()}-{DateTime.UtcNow:yyyyMMdd-HHmmss}.json");
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
await File.WriteAllTextAsync(output, JsonSerializer.Serialize(report, new JsonSerializerOptions
{
    WriteIndented = true,
    NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
}));
Console.WriteLine(Markdown(report));
if (profiling)
{
    // The runtime's symbol maps (tens of MB each) served this run only.
    foreach (var (_, pid) in services.Processes)
    {
        File.Delete(Path.Combine(Path.GetTempPath(), $"perf-{pid}.map"));
        File.Delete(Path.Combine(Path.GetTempPath(), $"perfinfo-{pid}.map"));
    }
}

Console.Error.WriteLine($"wrote {output}");
return rows.All(r => r.Exchange.Completed > 0 && (r.Ceiling is null || r.Ceiling.Completed > 0)) && memory.Count == 4 ? 0 : 1;

static async Task<int> UnprocessedEventsAsync(TestDatabase database)
{
    await using var db = database.CreateContext();
    return await db.OutboxMessages.CountAsync(m => m.ProcessedAt == null);
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "";

static async Task<string> TokenAsync(HttpClient http, string identity, string clientId, string secret)
{
    using var request = new HttpRequestMessage(HttpMethod.Post, identity + "/connect/token")
    {
        Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }),
    };
    request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{clientId}:{secret}")));
    using var response = await http.SendAsync(request);
    response.EnsureSuccessStatusCode();
    return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
}

static async Task<string> AuthorisationAsync(HttpClient http, string api, string token)
{
    using var request = new HttpRequestMessage(HttpMethod.Post, api + "/api/v1/customer-authorisations")
    {
        Content = JsonContent.Create(new
        {
            customerOrganisation = "Bench Retail BV",
            authorisedBy = new { name = "Bea Bench", role = "IT manager", email = "bea@bench.example" },
            receivingMemberIds = new[] { "globex" },
            purpose = "Benchmark",
            captureMethod = "email",
            evidenceReference = "BENCH-1",
            dataCategories = new[] { "technical", "organisation", "contact" },
            expiresAt = DateTimeOffset.UtcNow.AddDays(30),
        }),
    };
    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    using var response = await http.SendAsync(request);
    response.EnsureSuccessStatusCode();
    return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
}

static object Case(string authorisation, int n) => new
{
    receivingMemberId = "globex",
    customerAuthorisationId = authorisation,
    severity = 3,
    submitterCaseReference = $"BENCH-{n}",
    fields = new Dictionary<string, string>
    {
        ["summary"] = "Driver crashes on print",
        ["product"] = "LaserJet X",
        ["productVersion"] = "4.2",
        ["customerOrganisation"] = "Bench Retail BV",
    },
};

// What the database itself does at the same concurrency: one-row inserts, each its own commit.
static async Task<Measurement> InsertCeilingAsync(TestDatabase database, int clients, TimeSpan duration)
{
    const string Figure = "one-row committed inserts";
    if (database.Provider == DatabaseProvider.Postgres)
    {
        await using (var setup = new NpgsqlConnection(database.ConnectionString))
        {
            await setup.OpenAsync();
            await new NpgsqlCommand("CREATE TABLE IF NOT EXISTS bench_ceiling (id bigserial PRIMARY KEY, payload text NOT NULL)", setup).ExecuteNonQueryAsync();
        }

        var connections = new NpgsqlConnection[clients];
        for (var i = 0; i < clients; i++)
        {
            connections[i] = new NpgsqlConnection(database.ConnectionString);
            await connections[i].OpenAsync();
        }

        try
        {
            return await Load.RunAsync(Figure, clients, duration, async client =>
            {
                await using var insert = new NpgsqlCommand("INSERT INTO bench_ceiling (payload) VALUES ('Driver crashes on print')", connections[client]);
                return await insert.ExecuteNonQueryAsync() == 1;
            });
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }
    }

    // SQLite has one writer: the ceiling is one connection committing, beside the exchange's file.
    var file = new SqliteConnectionStringBuilder(database.ConnectionString).DataSource + ".ceiling";
    await using var sqlite = new SqliteConnection($"Data Source={file}");
    await sqlite.OpenAsync();
    await new SqliteCommand("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE IF NOT EXISTS bench_ceiling (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)", sqlite).ExecuteNonQueryAsync();
    using var gate = new SemaphoreSlim(1, 1);
    try
    {
        return await Load.RunAsync(Figure, clients, duration, async _ =>
        {
            await gate.WaitAsync();
            try
            {
                await using var insert = new SqliteCommand("INSERT INTO bench_ceiling (payload) VALUES ('Driver crashes on print')", sqlite);
                return await insert.ExecuteNonQueryAsync() == 1;
            }
            finally
            {
                gate.Release();
            }
        });
    }
    finally
    {
        SqliteConnection.ClearAllPools();
        File.Delete(file);
    }
}

static string Markdown(Report report)
{
    var text = new StringBuilder();
    text.AppendLine($"Provider {report.Provider}, {report.Processors} cores, {report.SecondsPerFigure} s per figure{(report.Smoke ? " (smoke)" : "")}, {report.At:u}, load average at the end {report.Load}").AppendLine();
    text.AppendLine("| figure | clients | exchange /s | p50 ms | p99 ms | failed | ceiling | ceiling /s | ratio | target |");
    text.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    foreach (var row in report.Rows)
    {
        var e = row.Exchange;
        text.AppendLine($"| {e.Figure} | {e.Clients} | {e.PerSecond:F0} | {Ms(e.P50Ms)} | {Ms(e.P99Ms)} | {e.Failed} | {row.CeilingIs ?? ""} | {(row.Ceiling is null ? "" : row.Ceiling.PerSecond.ToString("F0"))} | {(row.Ceiling is null ? "" : row.Ratio.ToString("P1"))} | {row.Target ?? ""} |");
    }

    text.AppendLine().AppendLine("| service | peak memory (VmHWM) |").AppendLine("| --- | --- |");
    foreach (var m in report.Memory)
    {
        text.AppendLine($"| {m.Service} | {m.PeakMegabytes:F0} MB |");
    }

    if (report.Profile.Count > 0)
    {
        text.AppendLine().AppendLine("| statement (pg_stat_statements, whole run) | calls | total s | mean ms |").AppendLine("| --- | --- | --- | --- |");
        foreach (var p in report.Profile)
        {
            text.AppendLine($"| `{p.Statement}` | {p.Calls} | {p.TotalSeconds:F1} | {p.MeanMs:F2} |");
        }
    }

    foreach (var cpu in report.CpuProfiles)
    {
        text.AppendLine().AppendLine($"CPU of {cpu.Service} during {cpu.Figure} ({cpu.Samples:N0} perf samples at 499 Hz):").AppendLine();
        text.AppendLine("| library | share |").AppendLine("| --- | --- |");
        foreach (var share in cpu.ByLibrary)
        {
            text.AppendLine($"| `{share.Name}` | {share.Percent:F1} % |");
        }

        text.AppendLine().AppendLine("| library and function (self time) | share |").AppendLine("| --- | --- |");
        foreach (var share in cpu.TopFunctions)
        {
            text.AppendLine($"| `{share.Name.Replace("|", "\\|", StringComparison.Ordinal)}` | {share.Percent:F1} % |");
        }
    }

    return text.ToString();

    static string Ms(double value) => double.IsNaN(value) ? "" : value.ToString("F1");
}

internal sealed record Row(Measurement Exchange, Measurement? Ceiling, string? CeilingIs, string? Target)
{
    public double Ratio => Ceiling is { PerSecond: > 0 } ? Exchange.PerSecond / Ceiling.PerSecond : double.NaN;
}

internal sealed record MemoryRow(string Service, double PeakMegabytes);

internal sealed record Report(
    DateTimeOffset At, string Provider, int Processors, bool Smoke, double SecondsPerFigure, string Load, List<Row> Rows, List<MemoryRow> Memory,
    List<StatementTime> Profile, List<CpuProfile> CpuProfiles);
