using System.Text.Json.Nodes;
using Exchange.Api.Auth;
using Exchange.Api.Http;
using Exchange.Core.Cases;
using Exchange.Core.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Exchange.Api.OpenApi;

/// <summary>
/// Makes the OpenAPI document a contract a generated client can use unmodified: the OAuth 2.0
/// client-credentials scheme with the scopes each operation needs, one problem schema (with
/// `code`) on every error a route can give, the headers (ETag, If-Match, Idempotency-Key,
/// Retry-After), and the servers the document was fetched from. The error codes are explained in
/// docs/problems.md, where the problem `type` URIs point.
/// </summary>
public static class ApiContract
{
    public const string SecurityScheme = "oauth2";
    public const string ProblemSchema = "Problem";

    public static readonly IReadOnlyDictionary<string, string> ScopeDescriptions = new Dictionary<string, string>
    {
        [Scopes.CasesRead] = "Read the member's cases, notes and their audit trail.",
        [Scopes.CasesWrite] = "Open cases, change their state, add notes, confirm purges.",
        [Scopes.AuthorisationsWrite] = "Record and withdraw customer authorisations.",
        [Scopes.AgreementsRead] = "Read the agreements the member is a party to.",
        [Scopes.AgreementsWrite] = "Register, sign and terminate agreements (operator legal admins).",
        [Scopes.MemberAdmin] = "Change the member's intake policy and retention.",
        [Scopes.WebhooksManage] = "Manage the member's webhook endpoints and read their deliveries.",
        [Scopes.Operator] = "Operator staff: case metadata across members, job status.",
        [Scopes.Privacy] = "Privacy officers: data-subject requests, records of processing, breach assessments (the operator's).",
    };

    public static void Configure(SwaggerGenOptions options, string authority)
    {
        options.SupportNonNullableReferenceTypes();
        options.NonNullableReferenceTypesAsRequired();
        // Durations are ISO 8601 on the wire (IsoDurationConverter).
        options.MapType<TimeSpan>(() => new OpenApiSchema
        {
            Type = JsonSchemaType.String, Format = "duration", Example = JsonValue.Create("P30D"),
            Description = "An ISO 8601 duration in days, hours, minutes and seconds (`P30D`, `PT4H`, `P1DT12H`).",
        });
        options.SchemaFilter<ValidatorSchemaFilter>();
        options.AddSecurityDefinition(SecurityScheme, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.OAuth2,
            Description = "OAuth 2.0 client credentials from the exchange's identity service; send the access token as a Bearer token.",
            Flows = new OpenApiOAuthFlows
            {
                ClientCredentials = new OpenApiOAuthFlow
                {
                    TokenUrl = new Uri(authority.TrimEnd('/') + "/connect/token"),
                    Scopes = new Dictionary<string, string>(ScopeDescriptions),
                },
            },
        });
        options.DocumentFilter<ProblemSchemaFilter>();
        options.OperationFilter<ContractOperationFilter>();
    }

    /// <summary>Servers: the address the document was fetched from, so a generated client talks to the API that described it.</summary>
    public static void SetServers(OpenApiDocument document, HttpRequest request) =>
        document.Servers = [new OpenApiServer { Url = $"{request.Scheme}://{request.Host}", Description = "This exchange API" }];
}

/// <summary>The one problem schema every error answer uses (RFC 9457 plus `code`, `traceId` and, for 400, `errors`).</summary>
public sealed class ProblemSchemaFilter : IDocumentFilter
{
    private static readonly Dictionary<string, string> TagDescriptions = new()
    {
        ["Members"] = "The member directory and each member's intake policy.",
        ["Agreements"] = "Framework and bilateral agreements that make collaboration lawful.",
        ["Customer authorisations"] = "The shared customer's agreement to a collaboration, and its withdrawal.",
        ["Cases"] = "Collaboration requests between two members: open, answer, resolve, notes, tombstones.",
        ["Audit"] = "The hash-chained audit log.",
        ["Field catalogue"] = "Every field a case can carry, with its data category.",
        ["Webhooks"] = "Webhook endpoints and their deliveries (docs/webhooks.md).",
        ["Jobs"] = "Background jobs, for operator staff.",
        ["Privacy"] = "Data-subject requests, records of processing and breach assessments, for privacy officers.",
    };

    private static void AddWebhookPayloads(IDictionary<string, IOpenApiSchema> schemas)
    {
        var caseEvents = Exchange.Core.Webhooks.CaseEvents.All.Where(e => e.StartsWith("case.", StringComparison.Ordinal)).ToList();
        schemas["WebhookEventType"] = new OpenApiSchema
        {
            Type = JsonSchemaType.String,
            Description = "The event types a webhook endpoint can subscribe to (docs/webhooks.md).",
            Enum = Exchange.Core.Webhooks.CaseEvents.All.Select(t => (JsonNode)JsonValue.Create(t)!).ToList(),
        };
        var eventType = new OpenApiSchemaReference("WebhookEventType", null);
        foreach (var (schema, property, list) in new[]
        {
            ("CreateWebhookSubscriptionRequest", "eventTypes", true), ("WebhookSubscriptionDto", "eventTypes", true),
            ("CreatedWebhookSubscriptionDto", "eventTypes", true), ("WebhookDeliveryDto", "eventType", false),
        })
        {
            if (schemas.TryGetValue(schema, out var found) && found is OpenApiSchema concrete && concrete.Properties?.ContainsKey(property) == true)
            {
                concrete.Properties[property] = list
                    ? new OpenApiSchema { Type = JsonSchemaType.Array, Items = eventType, Description = "Event types; empty means all (docs/webhooks.md)." }
                    : eventType;
            }
        }

        schemas["CaseEventPayload"] = WebhookPayloadSchemas.Payload(caseEvents, "caseId",
            "The body of a case event's webhook, signed with webhook-id, webhook-timestamp and webhook-signature: v1,<base64 HMAC-SHA256 of \"id.timestamp.body\"> (docs/webhooks.md).");
        schemas["AgreementEventPayload"] = WebhookPayloadSchemas.Payload(["agreement.expiring"], "agreementId",
            "The body of an agreement event's webhook, signed like case events.");
    }

    /// <summary>Enumerated strings the code defines as constants rather than C# enums (and the list filters' values).</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> StringEnums = new Dictionary<string, IReadOnlyList<string>>
    {
        ["CaseBox"] = ["inbox", "outbox"],
        ["CaseSort"] = ["newest", "due", "severity"],
        ["WithheldReason"] = typeof(WithheldReasons).GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToList(),
        ["DeliveryStatus"] = Enum.GetValues<Exchange.Core.Webhooks.DeliveryStatus>().Select(s => s.ToString().ToLowerInvariant()).ToList(),
    };

    private static void AddEnums(IDictionary<string, IOpenApiSchema> schemas)
    {
        var descriptions = new Dictionary<string, string>
        {
            ["CaseBox"] = "Which of the caller's cases: `inbox` (received) or `outbox` (sent).",
            ["CaseSort"] = "The order of a case list: `newest` first, soonest response `due` first (none last), or most severe first (`severity`, oldest first within one).",
            ["WithheldReason"] = "Why a submitted field, or part of it, did not reach the receiver.",
            ["DeliveryStatus"] = "A webhook delivery's state: `pending` (retrying), `succeeded` or `dead` (gave up).",
        };
        foreach (var (name, values) in StringEnums)
        {
            schemas[name] = new OpenApiSchema
            {
                Type = JsonSchemaType.String, Description = descriptions[name], Enum = values.Select(v => (JsonNode)JsonValue.Create(v)!).ToList(),
            };
        }

        foreach (var (schema, property, target) in new[] { ("WithheldFieldDto", "reason", "WithheldReason"), ("WebhookDeliveryDto", "status", "DeliveryStatus") })
        {
            if (schemas.TryGetValue(schema, out var found) && found is OpenApiSchema concrete && concrete.Properties?.ContainsKey(property) == true)
            {
                concrete.Properties[property] = new OpenApiSchemaReference(target, null);
            }
        }
    }

    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas[ApiContract.ProblemSchema] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "An RFC 9457 problem. Switch on `code`; the codes, their statuses and whether to retry are listed in docs/problems.md, which `type` points to.",
            Required = new HashSet<string> { "type", "title", "status", "detail", "code" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri", Description = Problems.TypeBase + "{code}: the code's entry in the error catalogue (docs/problems.md)." },
                ["title"] = new OpenApiSchema { Type = JsonSchemaType.String },
                ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
                ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "For people; may be reworded. Names fields and kinds, never values." },
                ["code"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Stable machine-readable reason (docs/problems.md)." },
                ["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Quote it when asking the operator about this answer." },
                ["errors"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Description = "For validation_failed: messages per JSON path of the request (`fields.summary`, `requiredFields[0]`).",
                    AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
                },
            },
        };
        AddWebhookPayloads(document.Components.Schemas);
        AddEnums(document.Components.Schemas);
        document.Tags = new HashSet<OpenApiTag>(TagDescriptions.Select(t => new OpenApiTag { Name = t.Key, Description = t.Value }));
        document.Components.Schemas.Remove("HttpValidationProblemDetails");
        document.Components.Schemas.Remove("ProblemDetails");
    }
}

/// <summary>The webhook payloads (docs/webhooks.md), described as schemas: OpenAPI 3.0 has no place for webhooks themselves.</summary>
public static class WebhookPayloadSchemas
{
    public static OpenApiSchema Payload(IEnumerable<string> types, string idName, string description) => new()
    {
        Type = JsonSchemaType.Object,
        Description = description,
        Required = new HashSet<string> { "type", "timestamp", "data" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = types.Select(t => (JsonNode)JsonValue.Create(t)!).ToList() },
            ["timestamp"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time" },
            ["data"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Required = new HashSet<string> { idName },
                Properties = new Dictionary<string, IOpenApiSchema> { [idName] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uuid" } },
            },
        },
    };
}

/// <summary>Per operation: the security requirement with its scopes, the error answers, and the headers.</summary>
public sealed class ContractOperationFilter : IOperationFilter
{
    private static readonly AuthorizationOptions Policies = CreatePolicies();

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var description = context.ApiDescription;
        var metadata = description.ActionDescriptor.EndpointMetadata;
        var method = description.HttpMethod ?? "GET";
        // The route template as the document shows it: "{id:guid}" becomes "{id}".
        var path = "/" + System.Text.RegularExpressions.Regex.Replace(description.RelativePath ?? "", @"\{(\w+)(:[^}]*)?\}", "{$1}").TrimEnd('/');
        operation.Responses ??= new OpenApiResponses();
        var document = context.Document;

        // Security: every API route needs a token; the scopes are those of the route's policy.
        var scopes = ScopesOf(metadata);
        operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiContract.SecurityScheme, document)] = scopes }];

        var problem = new OpenApiSchemaReference(ApiContract.ProblemSchema, document);
        void Error(int status, string text, bool retryAfter = false)
        {
            var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var response = new OpenApiResponse
            {
                Description = text,
                Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new() { Schema = problem } },
            };
            if (retryAfter)
            {
                response.Headers = new Dictionary<string, IOpenApiHeader> { ["Retry-After"] = RetryAfterHeader() };
            }

            operation.Responses[key] = response;
        }

        var hasBody = description.ParameterDescriptions.Any(p => p.Source == Microsoft.AspNetCore.Mvc.ModelBinding.BindingSource.Body);
        var hasId = path.Contains("{id}", StringComparison.Ordinal);
        var stateChange = method == "POST" && path.StartsWith("/api/v1/cases/{id}/", StringComparison.Ordinal)
            && !path.EndsWith("/notes", StringComparison.Ordinal) && !path.EndsWith("/purge-receipts", StringComparison.Ordinal);

        Error(400, "The request is invalid (`validation_failed`, `invalid_json`, `bad_request`); `errors` names each field.");
        Error(401, "No access token (`token_missing`) or an invalid one (`invalid_token`); see WWW-Authenticate.");
        Error(403, "The token's scope (`insufficient_scope`) or the caller's role or side (`role_required`, `side_not_permitted`) does not allow this.");
        if (hasId)
        {
            Error(404, "No such object, or one the caller may not see (`not_found`): the two are indistinguishable.");
        }

        if (method is "POST" or "PUT" or "DELETE")
        {
            Error(409, "The object's state does not allow this (`invalid_transition` and other conflicts), or the same Idempotency-Key is still being processed.");
            Error(422, "A rule of the exchange refuses the request (agreement, authorisation, transfer, free-text or idempotency codes).");
        }

        if (hasBody)
        {
            Error(413, "The body is larger than the API accepts (`body_too_large`).");
            Error(415, "The body is not application/json (`unsupported_media_type`).");
        }

        if (stateChange)
        {
            Error(412, "The case changed since the ETag in If-Match (`etag_stale`); fetch it again.");
            Error(428, "If-Match with the case's current ETag is required (`if_match_required`).");
            AddHeaderParameter(operation, "If-Match", required: true,
                "The case's current ETag, from GET /api/v1/cases/{id} or the last change; a strong ETag only.");
        }

        if (path.Contains("/idempotent-replay", StringComparison.Ordinal) || (method == "POST" && path == "/api/v1/cases"))
        {
            Error(410, "The case an earlier request with this Idempotency-Key created has since been purged (`case_purged`).");
        }

        Error(429, "Too many requests from this client (`rate_limited`); retry after Retry-After.", retryAfter: true);
        Error(500, "An unexpected failure (`internal_error`); it has been logged.");
        Error(503, "The database cannot be reached just now (`database_unavailable`); retry after Retry-After.", retryAfter: true);

        DescribeHeaders(operation, method, path);
        DescribeQuery(operation, method, path, document);
        if (method == "POST" && path == "/api/v1/webhook-subscriptions")
        {
            DescribeWebhookCallback(operation, document);
        }
    }

    /// <summary>OpenAPI 3.0 describes webhooks as a callback of the operation that registers the endpoint.</summary>
    private static void DescribeWebhookCallback(OpenApiOperation operation, OpenApiDocument? document)
    {
        OpenApiMediaType Body() => new()
        {
            Schema = new OpenApiSchema
            {
                OneOf = [new OpenApiSchemaReference("CaseEventPayload", document), new OpenApiSchemaReference("AgreementEventPayload", document)],
            },
        };
        IOpenApiParameter Header(string name, string description) => new OpenApiParameter
        {
            Name = name, In = ParameterLocation.Header, Required = true, Description = description, Schema = new OpenApiSchema { Type = JsonSchemaType.String },
        };
        var delivery = new OpenApiOperation
        {
            OperationId = "receiveWebhookEvent",
            // The exchange calls the member: no OAuth token, the signature authenticates the request.
            Security = [],
            Summary = "An event delivered to the registered endpoint",
            Description = "Signed the Standard Webhooks way (docs/webhooks.md). Answer 2xx to acknowledge; anything else is retried with the same webhook-id; 410 disables the endpoint.",
            Parameters =
            [
                Header("webhook-id", "The message id, the same on every retry; deduplicate on it."),
                Header("webhook-timestamp", "Unix seconds when this attempt was signed."),
                Header("webhook-signature", "v1,<base64 HMAC-SHA256 over \"webhook-id.webhook-timestamp.body\"> with the endpoint's secret; two space-separated during a rotation."),
            ],
            RequestBody = new OpenApiRequestBody { Required = true, Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = Body() } },
            Responses = new OpenApiResponses { ["200"] = new OpenApiResponse { Description = "Received (any 2xx)." }, ["410"] = new OpenApiResponse { Description = "Gone: the exchange disables this endpoint." } },
        };
        var pathItem = new OpenApiPathItem();
        pathItem.AddOperation(HttpMethod.Post, delivery);
        var callback = new OpenApiCallback();
        callback.AddPathItem(RuntimeExpression.Build("{$request.body#/url}"), pathItem);
        operation.Callbacks = new Dictionary<string, IOpenApiCallback> { ["event"] = callback };
    }

    /// <summary>List filters with their allowed values: the handlers take them as strings and refuse anything else with a 400.</summary>
    private static void DescribeQuery(OpenApiOperation operation, string method, string path, OpenApiDocument? document)
    {
        if (method != "GET" || operation.Parameters is null)
        {
            return;
        }

        foreach (var parameter in operation.Parameters.OfType<OpenApiParameter>().Where(p => p.In == ParameterLocation.Query))
        {
            parameter.Schema = (path, parameter.Name) switch
            {
                ("/api/v1/cases", "box") => new OpenApiSchemaReference("CaseBox", document),
                ("/api/v1/cases", "status") => new OpenApiSchemaReference("CaseStatus", document),
                ("/api/v1/cases", "sort") => new OpenApiSchemaReference("CaseSort", document),
                ("/api/v1/cases", "q") => new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = 200, Description = "A case id, a case reference (exact), or words of the summary of one of the caller's 500 newest open cases (decision 0210)." },
                ("/api/v1/webhook-deliveries", "status") => new OpenApiSchemaReference("DeliveryStatus", document),
                ("/api/v1/customer-authorisations", "active") => new OpenApiSchema { Type = JsonSchemaType.Boolean, Description = "Only authorisations in force (true) or only those no longer in force (false)." },
                ("/api/v1/webhook-deliveries", "limit") => new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1", Maximum = "500", Description = "Default 100; a value outside 1 to 500 is brought into it." },
                (_, "limit") => new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1", Maximum = MaxPageSizeText },
                _ => parameter.Schema,
            };
        }
    }

    /// <summary>The largest page a list answers (ApiOptions.MaxPageSize's default).</summary>
    private static readonly string MaxPageSizeText = new ApiOptions().MaxPageSize.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static void DescribeHeaders(OpenApiOperation operation, string method, string path)
    {
        if (operation.Parameters?.FirstOrDefault(p => p.Name == "Idempotency-Key") is OpenApiParameter key)
        {
            key.Description = "Makes a retried POST safe: the same key and body within 48 hours answer with the first result (201, header Idempotent-Replayed: true) "
                + "and create one case; the same key with another body is 422 idempotency_key_reused; while the first is running, 409. 1 to 200 visible ASCII characters, scoped to the client.";
            key.Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = 200 };
        }

        var etagged = path.StartsWith("/api/v1/cases", StringComparison.Ordinal) && (method == "GET" && path == "/api/v1/cases/{id}"
            || method == "POST" && (path == "/api/v1/cases" || path.StartsWith("/api/v1/cases/{id}/", StringComparison.Ordinal)) && !path.EndsWith("/notes", StringComparison.Ordinal) && !path.EndsWith("/purge-receipts", StringComparison.Ordinal));
        if (etagged && operation.Responses is not null)
        {
            foreach (var (status, response) in operation.Responses.Where(r => r.Key.StartsWith('2')))
            {
                if (response is OpenApiResponse concrete)
                {
                    concrete.Headers ??= new Dictionary<string, IOpenApiHeader>();
                    concrete.Headers["ETag"] = new OpenApiHeader
                    {
                        Description = "The case version's strong ETag; send it in If-Match to change the case. Absent for a purged case.",
                        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                    };
                }
            }
        }
    }

    private static void AddHeaderParameter(OpenApiOperation operation, string name, bool required, string description)
    {
        operation.Parameters ??= [];
        if (operation.Parameters.Any(p => p.Name == name))
        {
            return;
        }

        operation.Parameters.Add(new OpenApiParameter
        {
            Name = name,
            In = ParameterLocation.Header,
            Required = required,
            Description = description,
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
        });
    }

    private static OpenApiHeader RetryAfterHeader() => new()
    {
        Description = "Seconds to wait before retrying.",
        Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1" },
    };

    private static List<string> ScopesOf(IList<object> metadata)
    {
        var policies = metadata.OfType<AuthorizationPolicy>().ToList();
        foreach (var name in metadata.OfType<IAuthorizeData>().Select(a => a.Policy).OfType<string>())
        {
            if (Policies.GetPolicy(name) is { } policy)
            {
                policies.Add(policy);
            }
        }

        return policies.SelectMany(p => p.Requirements.OfType<ScopeRequirement>()).SelectMany(r => r.AnyOf).Distinct().ToList();
    }

    private static AuthorizationOptions CreatePolicies()
    {
        var options = new AuthorizationOptions();
        ApiPolicies.Add(options);
        return options;
    }
}

public static class OperationDescriptions
{
    /// <summary>Names an operation for generated clients (`operationId`) and says what it does, in the one line where the route is mapped.</summary>
    public static RouteHandlerBuilder Describe(this RouteHandlerBuilder builder, string operationId, string summary, string description) =>
        builder.WithName(operationId).WithSummary(summary).WithDescription(description);
}
