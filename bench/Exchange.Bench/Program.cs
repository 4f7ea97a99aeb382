using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Exchange.Bench;
using Exchange.Core.Data;
using Exchange.Testing;
using Microsoft.Data.Sqlite;
using Npgsql;

// The exchange's benchmark (docs/benchmarks.md): Identity and Api as processes on the provider
// EXCHANGE_TEST_PROVIDER names (bench/run.sh starts a throwaway PostgreSQL with fsync on), each
// figure next to its ceiling measured in the same run on the same database server.
//   --smoke       seconds and two clients: proves the tool still works (a CI test runs it)
//   --out <file>  where the JSON goes (default bench/results/<provider>-<time>.json)
var smoke = args.Contains("--smoke");
var outIndex = Array.IndexOf(args, "--out");
var duration = smoke ? TimeSpan.FromSeconds(2) : TimeSpan.FromSeconds(20);
int[] submissionClients = smoke ? [1, 2] : [1, 8, 32];
var noOpClients = smoke ? 2 : 32;

await using var services = new ExchangeServices(new Dictionary<string, string>
{
    // Rate limits out of the way: the benchmark measures the exchange, not its guard rails.
    ["Exchange__Api__RequestsPerWindow"] = "1000000",
    ["Exchange__Api__CaseCreationsPerWindow"] = "1000000",
    ["Exchange__Api__RateLimitWindow"] = "00:00:01",
    ["Logging__LogLevel__Default"] = "Warning",
}, identityAndApiOnly: true);
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
foreach (var clients in submissionClients)
{
    var exchange = await Load.RunAsync("case submission", clients, duration, async _ =>
    {
        var n = Interlocked.Increment(ref submitted);
        using var request = new HttpRequestMessage(HttpMethod.Post, services.ApiUrl + "/api/v1/cases") { Content = JsonContent.Create(Case(authorisation, n)) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        return (int)response.StatusCode == 201;
    });
    var ceiling = await InsertCeilingAsync(services.Database, clients, duration);
    rows.Add(new Row(exchange, ceiling, "one-row committed inserts, same concurrency"));
}

var authenticated = await Load.RunAsync("authenticated no-op (GET /api/v1/field-catalogue)", noOpClients, duration, async _ =>
{
    using var request = new HttpRequestMessage(HttpMethod.Get, services.ApiUrl + "/api/v1/field-catalogue");
    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    using var response = await http.SendAsync(request);
    return response.IsSuccessStatusCode;
});
var live = await Load.RunAsync("/health/live", noOpClients, duration, async _ =>
{
    using var response = await http.GetAsync(services.ApiUrl + "/health/live");
    return response.IsSuccessStatusCode;
});
rows.Add(new Row(authenticated, live, "unauthenticated /health/live, same host"));

var report = new Report(DateTimeOffset.UtcNow, provider.ToString(), Environment.ProcessorCount, smoke, duration.TotalSeconds, rows);
var output = outIndex >= 0 ? args[outIndex + 1] : Path.Combine(Repository.Root, "bench", "results", $"{provider.ToString().ToLowerInvariant()}-{DateTime.UtcNow:yyyyMMdd-HHmmss}.json");
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
await File.WriteAllTextAsync(output, JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
Console.WriteLine(Markdown(report));
Console.Error.WriteLine($"wrote {output}");
return rows.All(r => r.Exchange.Completed > 0 && r.Ceiling.Completed > 0) ? 0 : 1;

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
    text.AppendLine($"Provider {report.Provider}, {report.Processors} cores, {report.SecondsPerFigure} s per figure{(report.Smoke ? " (smoke)" : "")}, {report.At:u}").AppendLine();
    text.AppendLine("| figure | clients | exchange /s | p50 ms | p99 ms | failed | ceiling | ceiling /s | ratio |");
    text.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    foreach (var row in report.Rows)
    {
        var e = row.Exchange;
        text.AppendLine($"| {e.Figure} | {e.Clients} | {e.PerSecond:F0} | {e.P50Ms:F1} | {e.P99Ms:F1} | {e.Failed} | {row.CeilingIs} | {row.Ceiling.PerSecond:F0} | {row.Ratio:P1} |");
    }

    return text.ToString();
}

internal sealed record Row(Measurement Exchange, Measurement Ceiling, string CeilingIs)
{
    public double Ratio => Ceiling.PerSecond > 0 ? Exchange.PerSecond / Ceiling.PerSecond : double.NaN;
}

internal sealed record Report(DateTimeOffset At, string Provider, int Processors, bool Smoke, double SecondsPerFigure, List<Row> Rows);
