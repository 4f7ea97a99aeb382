using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Exchange.Testing;

namespace Exchange.Portal.Tests;

/// <summary>
/// A member's own system (the demo CRM client, client credentials) talking to the real API, to
/// set up a case for a browser test without depending on another test's data.
/// </summary>
public sealed class MemberSystem(ExchangeServices services, string clientId, string secret)
{
    public static MemberSystem AcmeCrm(ExchangeServices services) => new(services, "acme-crm", "dev-acme-crm-secret");

    public static MemberSystem GlobexCrm(ExchangeServices services) => new(services, "globex-crm", "dev-globex-crm-secret");

    /// <summary>Records the customer's authorisation for requests to the receivers and returns its id.</summary>
    public async Task<Guid> AuthoriseAsync(string[] receivers, string purpose = "Diagnose a cross-vendor fault", string organisation = "Contoso Retail", string[]? categories = null)
    {
        using var http = await ClientAsync();
        var authorisation = await PostAsync(http, "/api/v1/customer-authorisations", new
        {
            customerOrganisation = organisation,
            authorisedBy = new { name = "Carla Customer", role = "IT manager", email = (string?)null },
            receivingMemberIds = receivers,
            purpose,
            captureMethod = "email",
            evidenceReference = "CRM-4711",
            dataCategories = categories ?? ["technical", "organisation"],
            allowedRegions = (string[]?)null,
            expiresAt = DateTime.UtcNow.AddDays(30),
        });
        return authorisation.GetProperty("id").GetGuid();
    }

    public async Task WithdrawAsync(Guid authorisation)
    {
        using var http = await ClientAsync();
        await PostAsync(http, $"/api/v1/customer-authorisations/{authorisation}/withdraw", new { reason = "Customer withdrew" });
    }

    public async Task<Guid> OpenCaseToAsync(string receiver, string summary, Guid? underAuthorisation = null, IReadOnlyDictionary<string, string>? moreFields = null,
        int severity = 2, string? reference = null)
    {
        var authorisation = underAuthorisation ?? await AuthoriseAsync([receiver]);
        var fields = new Dictionary<string, string>
        {
            ["summary"] = summary,
            ["product"] = "Acme Billing",
            ["customerOrganisation"] = "Contoso Retail",
        };
        foreach (var (name, value) in moreFields ?? new Dictionary<string, string>())
        {
            fields[name] = value;
        }

        using var http = await ClientAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/cases")
        {
            Content = JsonContent.Create(new
            {
                receivingMemberId = receiver,
                customerAuthorisationId = authorisation,
                severity,
                submitterCaseReference = reference ?? "ACME-" + Guid.NewGuid().ToString("N")[..6],
                fields,
            }),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST /cases answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid();
    }

    /// <summary>The case as this member's system reads it (its tombstone once purged).</summary>
    public async Task<JsonElement> CaseAsync(Guid id)
    {
        using var http = await ClientAsync();
        using var response = await http.GetAsync($"/api/v1/cases/{id}");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET /cases/{id} answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<JsonElement> PostAsync(HttpClient http, string path, object body)
    {
        using var response = await http.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path} answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<HttpClient> ClientAsync()
    {
        using var identity = new HttpClient();
        using var tokenRequest = new HttpRequestMessage(HttpMethod.Post, services.IdentityUrl + "/connect/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["scope"] = "cases:read cases:write authorisations:write",
            }),
        };
        tokenRequest.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(clientId)}:{Uri.EscapeDataString(secret)}")));
        using var response = await identity.SendAsync(tokenRequest);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"token request answered {(int)response.StatusCode}: {text}");
        var token = JsonDocument.Parse(text).RootElement.GetProperty("access_token").GetString();
        var http = new HttpClient { BaseAddress = new Uri(services.ApiUrl) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }
}
