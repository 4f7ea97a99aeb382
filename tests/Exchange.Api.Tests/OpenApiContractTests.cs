using System.Net;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Exchange.Core.Cases;
using Exchange.Testing;

namespace Exchange.Api.Tests;

/// <summary>
/// The OpenAPI document is a contract a generated client can use unmodified: named and described
/// operations, the OAuth 2.0 scheme with each operation's scopes, one problem schema with `code`
/// on every error answer, the headers, and an error catalogue that covers every code.
/// </summary>
public sealed partial class OpenApiContractTests(ApiFixture hosts) : IClassFixture<ApiFixture>
{
    private static readonly string[] Methods = ["get", "post", "put", "delete", "patch"];

    private async Task<JsonNode> DocumentAsync()
    {
        using var response = await hosts.Anonymous().GetAsync("/swagger/v1/swagger.json");
        return await response.ExpectAsync(HttpStatusCode.OK);
    }

    private static IEnumerable<(string Path, string Method, JsonNode Operation)> Operations(JsonNode document) =>
        document["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject()
            .Where(op => Methods.Contains(op.Key))
            .Select(op => (path.Key, op.Key, op.Value!)));

    [Fact]
    public async Task Every_operation_has_a_unique_operationId_a_summary_a_description_and_the_OAuth_scopes_it_needs()
    {
        var document = await DocumentAsync();
        var scheme = document["components"]!["securitySchemes"]!["oauth2"]!;
        Assert.Equal("oauth2", scheme["type"]!.GetValue<string>());
        var flow = scheme["flows"]!["clientCredentials"]!;
        Assert.EndsWith("/connect/token", flow["tokenUrl"]!.GetValue<string>(), StringComparison.Ordinal);
        var knownScopes = flow["scopes"]!.AsObject().Select(s => s.Key).ToHashSet();
        Assert.NotEmpty(document["servers"]!.AsArray());

        var ids = new HashSet<string>();
        var operations = Operations(document).ToList();
        Assert.True(operations.Count >= 30, $"only {operations.Count} operations");
        foreach (var (path, method, operation) in operations)
        {
            var what = $"{method.ToUpperInvariant()} {path}";
            var id = operation["operationId"]?.GetValue<string>();
            Assert.False(string.IsNullOrEmpty(id), $"{what}: no operationId");
            Assert.True(ids.Add(id!), $"{what}: operationId {id} used twice");
            Assert.Matches("^[a-z][A-Za-z]+$", id!);
            Assert.False(string.IsNullOrWhiteSpace(operation["summary"]?.GetValue<string>()), $"{what}: no summary");
            Assert.False(string.IsNullOrWhiteSpace(operation["description"]?.GetValue<string>()), $"{what}: no description");
            var security = Assert.Single(operation["security"]!.AsArray())!.AsObject();
            var scopes = security["oauth2"]!.AsArray().Select(s => s!.GetValue<string>()).ToList();
            Assert.All(scopes, s => Assert.Contains(s, knownScopes));
        }

        var createCase = Operations(document).Single(o => o.Path == "/api/v1/cases" && o.Method == "post").Operation;
        Assert.Contains("cases:write", createCase["security"]![0]!["oauth2"]!.AsArray().Select(s => s!.GetValue<string>()));
    }

    [Fact]
    public async Task Every_error_answer_uses_the_one_problem_schema_with_code_and_limits_name_Retry_After()
    {
        var document = await DocumentAsync();
        var problem = document["components"]!["schemas"]!["Problem"]!;
        Assert.Contains("code", problem["required"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.NotNull(problem["properties"]!["code"]);

        foreach (var (path, method, operation) in Operations(document))
        {
            var responses = operation["responses"]!.AsObject();
            foreach (var status in new[] { "401", "403", "429", "503" })
            {
                Assert.True(responses.ContainsKey(status), $"{method} {path}: no {status}");
            }

            foreach (var (status, response) in responses.Where(r => r.Key[0] is '4' or '5'))
            {
                var schema = response!["content"]?["application/problem+json"]?["schema"]?["$ref"]?.GetValue<string>();
                Assert.True(schema == "#/components/schemas/Problem", $"{method} {path} {status}: {response.ToJsonString()}");
            }

            Assert.NotNull(responses["429"]!["headers"]?["Retry-After"]);
            Assert.NotNull(responses["503"]!["headers"]?["Retry-After"]);
        }
    }

    [Fact]
    public async Task State_changes_require_If_Match_and_list_412_and_428_and_case_reads_carry_an_ETag()
    {
        var document = await DocumentAsync();
        // The pre-0205 path /request-information still answers but is not in the document (Kiota's C# client cannot compile it).
        Assert.Null(document["paths"]!["/api/v1/cases/{id}/request-information"]);
        foreach (var action in new[] { "accept", "reject", "information-requests", "provide-information", "resolve" })
        {
            var operation = document["paths"]![$"/api/v1/cases/{{id}}/{action}"]!["post"]!;
            var ifMatch = operation["parameters"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "If-Match")!;
            Assert.Equal("header", ifMatch["in"]!.GetValue<string>());
            Assert.True(ifMatch["required"]!.GetValue<bool>());
            Assert.NotNull(operation["responses"]!["412"]);
            Assert.NotNull(operation["responses"]!["428"]);
        }

        Assert.NotNull(document["paths"]!["/api/v1/cases/{id}"]!["get"]!["responses"]!["200"]!["headers"]!["ETag"]);
        var key = document["paths"]!["/api/v1/cases"]!["post"]!["parameters"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "Idempotency-Key")!;
        Assert.Contains("same key", key["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("purged", document["components"]!["schemas"]!["CaseStatus"]!["enum"]!.AsArray().Select(e => e!.GetValue<string>()));
    }

    [Fact]
    public void The_error_catalogue_in_docs_lists_every_code_the_API_answers_with_its_status()
    {
        var catalogue = File.ReadAllText(Path.Combine(Repository.Root, "docs", "problems.md"));
        var listed = CatalogueCode().Matches(catalogue).Select(m => m.Groups[1].Value).ToHashSet();

        var refusalCodes = typeof(RefusalCodes).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetValue(null)!);
        var httpCodes = new[]
        {
            "validation_failed", "invalid_json", "bad_request", "token_missing", "invalid_token", "insufficient_scope", "not_found",
            "method_not_allowed", "case_purged", "etag_stale", "if_match_required", "body_too_large", "unsupported_media_type",
            "rate_limited", "internal_error", "database_unavailable",
        };
        var bare = new[] { 400, 401, 403, 404, 405, 406, 413, 415, 500, 503 }.Select(s => Exchange.Api.Http.Problems.ForBareStatus(s)!.Value.Code);
        foreach (var code in refusalCodes.Concat(httpCodes).Concat(bare).Distinct())
        {
            Assert.True(listed.Contains(code), $"docs/problems.md does not list {code}");
        }
    }

    [Fact]
    public async Task An_object_that_may_be_missing_is_left_out_not_null_and_not_required()
    {
        // OpenAPI 3.0 cannot say "this reference or null" in a way every generator and linter
        // accepts, so the Api leaves such a member out (decision 0205): a case without a purge record has no `purge`.
        var document = await DocumentAsync();
        var caseDto = document["components"]!["schemas"]!["CaseDto"]!;
        Assert.Equal("#/components/schemas/PurgeDto", caseDto["properties"]!["purge"]!["$ref"]!.GetValue<string>());
        Assert.DoesNotContain("purge", caseDto["required"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Null(document["components"]!["schemas"]!["JobDto"]!["properties"]!["lastRun"]!["nullable"]);

        var a = await hosts.ClientAsync(ApiFixture.Acme);
        var authorisation = await a.AuthoriseAsync(["globex"]);
        var created = await (await a.PostAsync("/api/v1/cases", Api.CaseBody("globex", authorisation))).ExpectAsync(HttpStatusCode.Created);
        Assert.False(created.AsObject().ContainsKey("purge"));
    }

    [Fact]
    public async Task The_document_passes_Redocly_lint_with_no_errors()
    {
        var folder = await ToolsAsync();
        using var response = await hosts.Anonymous().GetAsync("/swagger/v1/swagger.json");
        var file = Path.Combine(Path.GetTempPath(), $"exchange-openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, await response.Content.ReadAsStringAsync());
        try
        {
            var lint = await ProcessRunner.RunToExitAsync(Path.Combine(folder, "node_modules", ".bin", "redocly"),
                ["lint", file, "--format=stylish"], folder, new Dictionary<string, string> { ["REDOCLY_TELEMETRY"] = "off", ["NO_COLOR"] = "1" }, TimeSpan.FromMinutes(2));
            Assert.True(lint.ExitCode == 0, "redocly lint found errors:\n" + lint.Output);
            // The in-memory test server's address is localhost, which the rule no-server-example.com warns about; nothing else may warn.
            var warnings = lint.Output.Split('\n').Where(l => l.Contains(" warning ", StringComparison.Ordinal) && !l.Contains("no-server-example.com", StringComparison.Ordinal)).ToList();
            Assert.True(warnings.Count == 0, string.Join('\n', warnings));
            Assert.Contains("valid", lint.Output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_TypeScript_client_generated_by_openapi_typescript_type_checks_the_demo_flow_unmodified()
    {
        var folder = await ToolsAsync();
        using var response = await hosts.Anonymous().GetAsync("/swagger/v1/swagger.json");
        var generated = Path.Combine(folder, "generated");
        Directory.CreateDirectory(generated);
        var document = Path.Combine(generated, "openapi.json");
        await File.WriteAllTextAsync(document, await response.Content.ReadAsStringAsync());

        var generate = await ProcessRunner.RunToExitAsync(Path.Combine(folder, "node_modules", ".bin", "openapi-typescript"),
            [document, "-o", Path.Combine(generated, "schema.d.ts")], folder, new Dictionary<string, string>(), TimeSpan.FromMinutes(2));
        Assert.True(generate.ExitCode == 0, "openapi-typescript failed:\n" + generate.Output);
        var compile = await ProcessRunner.RunToExitAsync(Path.Combine(folder, "node_modules", ".bin", "tsc"), ["-p", "."], folder,
            new Dictionary<string, string>(), TimeSpan.FromMinutes(2));
        Assert.True(compile.ExitCode == 0, "the demo flow does not type-check against the generated client:\n" + compile.Output);
    }

    /// <summary>tests/openapi with its npm tools installed (npm ci on first use).</summary>
    private static async Task<string> ToolsAsync()
    {
        var folder = Path.Combine(Repository.Root, "tests", "openapi");
        if (!File.Exists(Path.Combine(folder, "node_modules", ".bin", "tsc")) || !File.Exists(Path.Combine(folder, "node_modules", ".bin", "redocly")))
        {
            var install = await ProcessRunner.RunToExitAsync("npm", ["ci", "--no-audit", "--no-fund"], folder, new Dictionary<string, string>(), TimeSpan.FromMinutes(5));
            Assert.True(install.ExitCode == 0, "npm ci failed:\n" + install.Output);
        }

        return folder;
    }

    [GeneratedRegex("<a id=\"([a-z_]+)\"></a>")]
    private static partial Regex CatalogueCode();
}
