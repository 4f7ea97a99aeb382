using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Exchange.Api.Tests;

/// <summary>Small HTTP helpers: JSON in, JSON out, problem codes.</summary>
public static class Api
{
    public static async Task<HttpResponseMessage> PostAsync(this HttpClient client, string url, object? body, string? ifMatch = null, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url);
        if (body is not null)
        {
            request.Content = new StringContent(body as string ?? JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        }

        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return await client.SendAsync(request);
    }

    public static async Task<HttpResponseMessage> PutAsync(this HttpClient client, string url, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, url)
        {
            Content = new StringContent(body as string ?? JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
        };
        return await client.SendAsync(request);
    }

    public static async Task<JsonNode> JsonAsync(this HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync()) ?? throw new InvalidOperationException("Empty body.");

    public static async Task<string?> CodeAsync(this HttpResponseMessage response) =>
        (await response.JsonAsync())["code"]?.GetValue<string>();

    public static async Task<JsonNode> ExpectAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        return body.Length == 0 ? new JsonObject() : JsonNode.Parse(body)!;
    }

    public static async Task ExpectRefusalAsync(this HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.ExpectAsync(status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, body["code"]?.GetValue<string>());
    }

    public static string ETag(this HttpResponseMessage response) =>
        response.Headers.ETag?.ToString() ?? throw new InvalidOperationException("No ETag.");

    /// <summary>Records a customer authorisation through the API and returns its id.</summary>
    public static async Task<Guid> AuthoriseAsync(
        this HttpClient client, string[] receivers, string[]? categories = null, string organisation = "Contoso Manufacturing",
        string[]? regions = null, DateTime? expiresAt = null)
    {
        var response = await client.PostAsync("/api/v1/customer-authorisations", new
        {
            customerOrganisation = organisation,
            authorisedBy = new { name = "Carla Customer", role = "IT manager", email = "carla@contoso.example" },
            receivingMemberIds = receivers,
            purpose = "Diagnose the cross-vendor fault in ticket 4711",
            captureMethod = "email",
            evidenceReference = "CRM-4711",
            dataCategories = categories ?? ["technical", "organisation", "contact"],
            allowedRegions = regions,
            expiresAt = expiresAt ?? DateTime.UtcNow.AddDays(30),
        });
        var body = await response.ExpectAsync(HttpStatusCode.Created);
        return body["id"]!.GetValue<Guid>();
    }

    public static object CaseBody(string receiver, Guid authorisation, Dictionary<string, string>? fields = null, int severity = 2, string reference = "ACME-1") => new
    {
        receivingMemberId = receiver,
        customerAuthorisationId = authorisation,
        severity,
        submitterCaseReference = reference,
        fields = fields ?? new Dictionary<string, string>
        {
            ["summary"] = "Printer driver crashes the ERP client",
            ["product"] = "ERP Suite",
            ["productVersion"] = "12.4",
            ["description"] = "After the driver update the client stops on print.",
            ["customerOrganisation"] = "Contoso Manufacturing",
        },
    };

    /// <summary>Opens a case and returns its id and ETag.</summary>
    public static async Task<(Guid Id, string ETag)> OpenCaseAsync(this HttpClient client, string receiver, Guid authorisation, Dictionary<string, string>? fields = null)
    {
        var response = await client.PostAsync("/api/v1/cases", CaseBody(receiver, authorisation, fields));
        var body = await response.ExpectAsync(HttpStatusCode.Created);
        return (body["id"]!.GetValue<Guid>(), response.ETag());
    }
}
