using System.Net;
using System.Reflection;
using System.Text.Json;
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
        // A problem's type is the catalogue's address and the code's anchor in it.
        Assert.EndsWith("/docs/problems.md#", Exchange.Api.Http.Problems.TypeBase, StringComparison.Ordinal);
        foreach (var code in refusalCodes.Concat(httpCodes).Concat(bare).Distinct())
        {
            Assert.True(listed.Contains(code), $"docs/problems.md does not list {code}");
            var anchor = new Uri(Exchange.Api.Http.Problems.TypeBase + code).Fragment.TrimStart('#');
            Assert.Contains($"<a id=\"{anchor}\"></a>", catalogue, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Filters_and_reasons_are_enums_active_is_a_boolean_and_durations_are_ISO_8601()
    {
        var document = await DocumentAsync();
        var schemas = document["components"]!["schemas"]!;
        string[] Enum(string schema) => schemas[schema]!["enum"]!.AsArray().Select(e => e!.GetValue<string>()).ToArray();
        JsonNode Query(string path, string name) => document["paths"]![path]!["get"]!["parameters"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == name)!["schema"]!;

        Assert.Equal(["inbox", "outbox"], Enum("CaseBox"));
        Assert.Equal("#/components/schemas/CaseBox", Query("/api/v1/cases", "box")["$ref"]!.GetValue<string>());
        Assert.Equal("#/components/schemas/CaseStatus", Query("/api/v1/cases", "status")["$ref"]!.GetValue<string>());
        Assert.Equal(["pending", "succeeded", "dead"], Enum("DeliveryStatus"));
        Assert.Equal("#/components/schemas/DeliveryStatus", Query("/api/v1/webhook-deliveries", "status")["$ref"]!.GetValue<string>());
        Assert.Equal("#/components/schemas/DeliveryStatus", schemas["WebhookDeliveryDto"]!["properties"]!["status"]!["$ref"]!.GetValue<string>());
        Assert.Equal("boolean", Query("/api/v1/customer-authorisations", "active")["type"]!.GetValue<string>());
        Assert.Equal("#/components/schemas/WithheldReason", schemas["WithheldFieldDto"]!["properties"]!["reason"]!["$ref"]!.GetValue<string>());
        Assert.Contains(WithheldReasons.NotAcceptedByReceiver, Enum("WithheldReason"));
        Assert.Contains("case.resolved", Enum("WebhookEventType"));
        foreach (var (schema, property) in new[] { ("MemberDto", "retention"), ("IntakePolicyRequest", "retention") })
        {
            Assert.Equal("duration", schemas[schema]!["properties"]![property]!["format"]!.GetValue<string>());
        }

        Assert.Equal("duration", schemas["IntakePolicyDto"]!["properties"]!["responseTargets"]!["additionalProperties"]!["format"]!.GetValue<string>());

        // The values the Api answers and takes: ISO 8601; the older `d.hh:mm:ss` is still read; months are refused.
        var admin = await hosts.ClientAsync(ApiFixture.AcmeAdmin);
        var member = await (await admin.GetAsync("/api/v1/members/acme")).ExpectAsync(HttpStatusCode.OK);
        var policy = member["intakePolicy"]!;
        Assert.All(policy["responseTargets"]!.AsObject(), t => Assert.Matches("^P(\\d+D)?(T(\\d+H)?(\\d+M)?(\\d+(\\.\\d+)?S)?)?$", t.Value!.GetValue<string>()));
        object Body(string retention) => new
        {
            requiredFields = policy["requiredFields"]!.AsArray().Select(f => f!.GetValue<string>()).ToArray(),
            acceptedFields = policy["acceptedFields"]!.AsArray().Select(f => f!.GetValue<string>()).ToArray(),
            freeTextPersonalData = policy["freeTextPersonalData"]!.GetValue<string>(),
            retention,
            responseTargets = policy["responseTargets"]!.AsObject().ToDictionary(t => t.Key, t => t.Value!.GetValue<string>()),
        };
        var iso = await (await admin.PutAsync("/api/v1/members/acme/intake-policy", Body("P30D"))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("P30D", iso["retention"]!.GetValue<string>());
        var legacy = await (await admin.PutAsync("/api/v1/members/acme/intake-policy", Body("1.12:00:00"))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("P1DT12H", legacy["retention"]!.GetValue<string>());
        await (await admin.PutAsync("/api/v1/members/acme/intake-policy", Body("P1M"))).ExpectRefusalAsync(HttpStatusCode.BadRequest, "invalid_json");
        await (await admin.PutAsync("/api/v1/members/acme/intake-policy", Body("P3651D"))).ExpectRefusalAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await admin.PutAsync("/api/v1/members/acme/intake-policy", new
        {
            requiredFields = policy["requiredFields"]!.AsArray().Select(f => f!.GetValue<string>()).ToArray(),
            acceptedFields = policy["acceptedFields"]!.AsArray().Select(f => f!.GetValue<string>()).ToArray(),
            freeTextPersonalData = policy["freeTextPersonalData"]!.GetValue<string>(),
            responseTargets = policy["responseTargets"]!.AsObject().ToDictionary(t => t.Key, t => t.Value!.GetValue<string>()),
        })).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Requests_say_what_the_validators_require_and_their_limits_hold_at_the_Api()
    {
        var document = await DocumentAsync();
        var schemas = document["components"]!["schemas"]!;
        string[] Required(string schema) => schemas[schema]!["required"]!.AsArray().Select(r => r!.GetValue<string>()).ToArray();
        JsonNode Property(string schema, string name) => schemas[schema]!["properties"]![name]!;

        Assert.Equal(["customerAuthorisationId", "fields", "receivingMemberId", "severity", "submitterCaseReference"], Required("CreateCaseRequest").Order(StringComparer.Ordinal));
        Assert.Null(Property("CreateCaseRequest", "severity")["nullable"]);
        Assert.Equal(1, Property("CreateCaseRequest", "severity")["minimum"]!.GetValue<int>());
        Assert.Equal(4, Property("CreateCaseRequest", "severity")["maximum"]!.GetValue<int>());
        Assert.Equal(100, Property("CreateCaseRequest", "submitterCaseReference")["maxLength"]!.GetValue<int>());
        Assert.Contains("expiresAt", Required("CreateAuthorisationRequest"));
        Assert.Equal(20, Property("CreateAuthorisationRequest", "receivingMemberIds")["maxItems"]!.GetValue<int>());
        Assert.Equal(64, Property("CreateAuthorisationRequest", "receivingMemberIds")["items"]!["maxLength"]!.GetValue<int>());
        Assert.Equal(["name"], Required("AuthorisedByDto"));
        Assert.Equal(["body"], Required("NoteRequest"));
        var noteMax = Property("NoteRequest", "body")["maxLength"]!.GetValue<int>();
        Assert.Equal(8000, noteMax);
        Assert.Equal(["conclusion", "stepsTaken"], Required("ResolveRequest").Order(StringComparer.Ordinal));
        Assert.Empty(schemas["AcceptRequest"]!["required"]?.AsArray() ?? []);

        // The numbers the document gives are the Api's: one past each is refused.
        var acme = await hosts.ClientAsync(ApiFixture.Acme);
        var authorisation = await acme.AuthoriseAsync(["globex"]);
        var tooSevere = JsonSerializer.SerializeToNode(Api.CaseBody("globex", authorisation))!;
        tooSevere["severity"] = 5;
        await (await acme.PostAsync("/api/v1/cases", tooSevere.ToJsonString())).ExpectRefusalAsync(HttpStatusCode.BadRequest, "validation_failed");
        var tooMany = await acme.PostAsync("/api/v1/customer-authorisations", new
        {
            customerOrganisation = "Contoso", authorisedBy = new { name = "Carla" }, purpose = "p", captureMethod = "email", evidenceReference = "e",
            dataCategories = new[] { "technical" }, expiresAt = DateTime.UtcNow.AddDays(1),
            receivingMemberIds = Enumerable.Range(0, 21).Select(i => $"m{i}").ToArray(),
        });
        await tooMany.ExpectRefusalAsync(HttpStatusCode.BadRequest, "validation_failed");
        var created = await (await acme.PostAsync("/api/v1/cases", Api.CaseBody("globex", authorisation))).ExpectAsync(HttpStatusCode.Created);
        var id = created["id"]!.GetValue<Guid>();
        await (await acme.PostAsync($"/api/v1/cases/{id}/notes", new { body = new string('a', noteMax + 1) })).ExpectRefusalAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await acme.PostAsync($"/api/v1/cases/{id}/notes", new { body = new string('a', noteMax) })).ExpectAsync(HttpStatusCode.Created);
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
    private static Task<string> ToolsAsync() =>
        NodeTools.InstalledAsync(Path.Combine(Repository.Root, "tests", "openapi"), "tsc", "redocly", "openapi-typescript");

    [GeneratedRegex("<a id=\"([a-z_]+)\"></a>")]
    private static partial Regex CatalogueCode();
}
