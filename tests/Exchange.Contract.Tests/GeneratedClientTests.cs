using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Exchange.Core.Data;
using Exchange.Testing;

namespace Exchange.Contract.Tests;

/// <summary>Identity and Api as processes on free ports, on a fresh database with the demo seed.</summary>
public sealed class IdentityAndApi : IAsyncLifetime
{
    public ExchangeServices Services { get; } = new(identityAndApiOnly: true);

    public Task InitializeAsync() => Services.InitializeAsync();

    public Task DisposeAsync() => Services.DisposeAsync();
}

/// <summary>
/// Clients that mainstream generators make from the OpenAPI document the running Api serves
/// compile unmodified and complete the docs/demo.md flow against the running Identity and Api
/// (decision 0205): NSwag's C# client and Kiota's C# client, both built into tests/clients/ClientFlows,
/// and openapi-typescript's client with openapi-fetch (tests/openapi).
/// </summary>
public sealed class GeneratedClientTests(IdentityAndApi hosts) : IClassFixture<IdentityAndApi>
{
    private static readonly string Flows = Path.Combine(Repository.Root, "tests", "clients", "ClientFlows");
    private static readonly SemaphoreSlim BuildOnce = new(1, 1);
    private static string? _built;

    [Fact]
    public Task The_NSwag_CSharp_client_runs_the_demo_flow() => RunFlowAsync("nswag");

    [Fact]
    public Task The_Kiota_CSharp_client_runs_the_demo_flow() => RunFlowAsync("kiota");

    [Fact]
    public async Task The_openapi_typescript_client_runs_the_demo_flow()
    {
        // tests/openapi's flow, in a folder of its own: OpenApiContractTests type-checks the same
        // files in tests/openapi, possibly at the same time.
        var tools = await NodeTools.InstalledAsync(Path.Combine(Repository.Root, "tests", "openapi"), "tsc", "openapi-typescript");
        var work = Directory.CreateTempSubdirectory("exchange-ts-flow-").FullName;
        try
        {
            foreach (var file in new[] { "demo-flow.ts", "run-flow.ts", "tsconfig.json", "package.json" })
            {
                File.Copy(Path.Combine(tools, file), Path.Combine(work, file));
            }

            Directory.CreateSymbolicLink(Path.Combine(work, "node_modules"), Path.Combine(tools, "node_modules"));
            Directory.CreateDirectory(Path.Combine(work, "generated"));
            var document = Path.Combine(work, "generated", "openapi.json");
            string tokenUrl;
            using (var http = new HttpClient())
            {
                var text = await http.GetStringAsync(hosts.Services.ApiUrl + "/swagger/v1/swagger.json");
                await File.WriteAllTextAsync(document, text);
                tokenUrl = JsonNode.Parse(text)!["components"]!["securitySchemes"]!["oauth2"]!["flows"]!["clientCredentials"]!["tokenUrl"]!.GetValue<string>();
            }

            var none = new Dictionary<string, string>();
            var generate = await ProcessRunner.RunToExitAsync(Path.Combine(tools, "node_modules", ".bin", "openapi-typescript"),
                [document, "-o", Path.Combine(work, "generated", "schema.d.ts")], work, none, TimeSpan.FromMinutes(2));
            Assert.True(generate.ExitCode == 0, "openapi-typescript failed:\n" + generate.Output);
            var compile = await ProcessRunner.RunToExitAsync(Path.Combine(tools, "node_modules", ".bin", "tsc"), ["-p", work], work, none, TimeSpan.FromMinutes(2));
            Assert.True(compile.ExitCode == 0, "the flow does not compile against the generated client:\n" + compile.Output);
            var run = await ProcessRunner.RunToExitAsync("node", [Path.Combine(work, "generated", "js", "run-flow.js"), tokenUrl, hosts.Services.ApiUrl],
                work, Credentials(), TimeSpan.FromMinutes(2));
            await VerifyAsync("typescript", run);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public void The_flow_is_the_one_docs_demo_md_walks_through()
    {
        // The flows' steps and values (tests/clients/ClientFlows/Program.cs, Demo) as docs/demo.md section 2 has them.
        var demo = File.ReadAllText(Path.Combine(Repository.Root, "docs", "demo.md"));
        var flow = File.ReadAllText(Path.Combine(Flows, "Program.cs"));
        var typescript = File.ReadAllText(Path.Combine(Repository.Root, "tests", "openapi", "demo-flow.ts"));
        foreach (var value in new[]
        {
            "Umbrella Retail BV", "Diagnose the printer driver crash", "CRM-4711", "ACME-1001", "GLX-77", "Reproduced with driver 4.2; testing 4.3",
            "Updated the driver", "Fixed in 4.3", "Driver crashes on print", "LaserJet X", "+31 20 555 0100", "uma@umbrella.example",
        })
        {
            Assert.Contains(value, demo, StringComparison.Ordinal);
            Assert.Contains(value, flow, StringComparison.Ordinal);
            Assert.Contains(value, typescript, StringComparison.Ordinal);
        }

        foreach (var step in new[] { "/connect/token", "/api/v1/customer-authorisations", "/api/v1/cases -d", "?box=inbox", "If-Match: $ETAG", "/accept", "/notes", "/resolve" })
        {
            Assert.Contains(step, demo, StringComparison.Ordinal);
        }
    }

    private async Task RunFlowAsync(string client)
    {
        var document = await GenerateAndBuildAsync();
        var run = await ProcessRunner.RunToExitAsync("dotnet", [Path.Combine(Flows, "bin", "Release", "net10.0", "ClientFlows.dll"), client, document, hosts.Services.ApiUrl],
            Flows, Credentials(), TimeSpan.FromMinutes(2));
        await VerifyAsync(client, run);
    }

    private static Dictionary<string, string> Credentials()
    {
        var acme = DemoSeed.Clients.Single(c => c.ClientId == "acme-crm");
        var globex = DemoSeed.Clients.Single(c => c.ClientId == "globex-crm");
        return new Dictionary<string, string>
        {
            ["ACME_CLIENT_ID"] = acme.ClientId, ["ACME_CLIENT_SECRET"] = acme.Secret,
            ["GLOBEX_CLIENT_ID"] = globex.ClientId, ["GLOBEX_CLIENT_SECRET"] = globex.Secret,
        };
    }

    /// <summary>The flow ended well, and the Api, asked outside the generated client, shows what it did.</summary>
    private async Task VerifyAsync(string client, (int ExitCode, string Output) run)
    {
        var globex = DemoSeed.Clients.Single(c => c.ClientId == "globex-crm");
        Assert.True(run.ExitCode == 0, $"the {client} flow failed:\n{run.Output}\n{hosts.Services.Logs("Exchange.Api")}");
        var id = Guid.Parse(run.Output.Split($"flow {client} resolved ")[1].Trim()[..36]);

        // What the flow did, as the Api tells it to globex outside the generated client.
        using var http = new HttpClient { BaseAddress = new Uri(hosts.Services.ApiUrl) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(globex.ClientId, globex.Secret));
        var found = JsonNode.Parse(await http.GetStringAsync($"/api/v1/cases/{id}"))!;
        Assert.Equal("resolved", found["status"]!.GetValue<string>());
        Assert.Equal("acme", found["submittingMemberId"]!.GetValue<string>());
        Assert.Equal("GLX-77", found["receiverCaseReference"]!.GetValue<string>());
        Assert.Equal("Fixed in 4.3", found["conclusion"]!.GetValue<string>());
        Assert.Contains(found["withheldFields"]!.AsArray(), w => w!["field"]!.GetValue<string>() == "customerContactPhone");
        Assert.False(found["fields"]!.AsObject().ContainsKey("customerContactPhone"));
        var notes = JsonNode.Parse(await http.GetStringAsync($"/api/v1/cases/{id}/notes"))!.AsArray();
        Assert.Contains(notes, n => n!["body"]!.GetValue<string>() == "Reproduced with driver 4.2; testing 4.3");
    }

    /// <summary>
    /// Fetches the document from the running Api, has NSwag and Kiota generate their clients into
    /// tests/clients/ClientFlows/Generated and builds the flows (once per run); answers the document's path.
    /// </summary>
    private async Task<string> GenerateAndBuildAsync()
    {
        await BuildOnce.WaitAsync();
        try
        {
            if (_built is not null)
            {
                return _built;
            }

            var generated = Path.Combine(Flows, "Generated");
            if (Directory.Exists(generated))
            {
                Directory.Delete(generated, recursive: true);
            }

            Directory.CreateDirectory(generated);
            var document = Path.Combine(generated, "openapi.json");
            using (var http = new HttpClient())
            {
                await File.WriteAllTextAsync(document, await http.GetStringAsync(hosts.Services.ApiUrl + "/swagger/v1/swagger.json"));
            }

            var tools = new Dictionary<string, string> { ["KIOTA_UPDATE__DISABLED"] = "true", ["KIOTA_TUTORIAL_ENABLED"] = "false", ["DOTNET_NOLOGO"] = "1" };
            // Both tools come from .config/dotnet-tools.json (dotnet tool restore, as test.sh runs it).
            await RunAsync("NSwag", ["nswag", "openapi2csclient", $"/input:{document}", $"/output:{Path.Combine(generated, "NSwag", "ExchangeApiClient.cs")}",
                "/namespace:Exchange.ClientFlows.NSwag", "/classname:ExchangeApiClient", "/WrapResponses:true", "/GenerateOptionalParameters:true"], tools);
            await RunAsync("Kiota", ["kiota", "generate", "-l", "CSharp", "-d", document, "-o", Path.Combine(generated, "Kiota"),
                "-n", "Exchange.ClientFlows.Kiota", "-c", "ExchangeKiotaClient", "--exclude-backward-compatible", "--log-level", "Warning"], tools);
            // The generated code as it is: a compiler error here is a defect of the document.
            await RunAsync("the build of the flows with the generated clients", ["build", Flows, "-c", "Release", "-nologo", "-v", "quiet", "-clp:ErrorsOnly"], tools);
            _built = document;
            return document;
        }
        finally
        {
            BuildOnce.Release();
        }
    }

    private static async Task RunAsync(string what, string[] arguments, Dictionary<string, string> environment)
    {
        var result = await ProcessRunner.RunToExitAsync("dotnet", arguments, Repository.Root, environment, TimeSpan.FromMinutes(4));
        Assert.True(result.ExitCode == 0, $"{what} failed:\n{result.Output}");
    }

    private async Task<string> TokenAsync(string clientId, string secret)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, hosts.Services.IdentityUrl + "/connect/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{clientId}:{secret}")));
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["access_token"]!.GetValue<string>();
    }
}
