using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;

namespace Exchange.Portal.Api;

/// <summary>
/// Exchange.Api as the signed-in user: every call carries the user's access token, so the API
/// applies its rules (gates, need-to-know, roles) to the person, and the portal decides nothing.
/// Ids are the only thing that go into URLs; everything else travels in bodies.
/// </summary>
public sealed class ExchangeApi(HttpClient http)
{
    public Task<ApiResult<List<MemberDto>>> MembersAsync(CancellationToken ct) =>
        SendAsync<List<MemberDto>>(HttpMethod.Get, "members", null, ct);

    public Task<ApiResult<MemberDto>> MemberAsync(string id, CancellationToken ct) =>
        SendAsync<MemberDto>(HttpMethod.Get, $"members/{Uri.EscapeDataString(id)}", null, ct);

    public Task<ApiResult<Raw>> PutIntakePolicyAsync(string memberId, object policy, CancellationToken ct) =>
        SendAsync<Raw>(HttpMethod.Put, $"members/{Uri.EscapeDataString(memberId)}/intake-policy", policy, ct);

    public Task<ApiResult<List<CatalogueFieldDto>>> FieldCatalogueAsync(CancellationToken ct) =>
        SendAsync<List<CatalogueFieldDto>>(HttpMethod.Get, "field-catalogue", null, ct);

    public Task<ApiResult<CasePage>> CasesAsync(string box, string? status, string? cursor, CancellationToken ct)
    {
        var query = $"cases?box={Uri.EscapeDataString(box)}";
        if (!string.IsNullOrEmpty(status))
        {
            query += "&status=" + Uri.EscapeDataString(status);
        }

        if (!string.IsNullOrEmpty(cursor))
        {
            query += "&cursor=" + Uri.EscapeDataString(cursor);
        }

        return SendAsync<CasePage>(HttpMethod.Get, query, null, ct);
    }

    /// <summary>The triage list: sort, search and a cursor one way (`after` for the next page, `before` for the previous).</summary>
    public Task<ApiResult<CasePage>> CaseListAsync(string box, string? status, string? sort, string? q, string? after, string? before, int limit, CancellationToken ct)
    {
        var query = $"cases?box={Uri.EscapeDataString(box)}&limit={limit}";
        foreach (var (name, value) in new[] { ("status", status), ("sort", sort), ("q", q), ("after", after), ("before", before) })
        {
            if (!string.IsNullOrEmpty(value))
            {
                query += $"&{name}={Uri.EscapeDataString(value)}";
            }
        }

        return SendAsync<CasePage>(HttpMethod.Get, query, null, ct);
    }

    public Task<ApiResult<CaseDto>> CaseAsync(Guid id, CancellationToken ct) =>
        SendAsync<CaseDto>(HttpMethod.Get, $"cases/{id}", null, ct);

    public Task<ApiResult<CasePreviewDto>> PreviewCaseAsync(object body, CancellationToken ct) =>
        SendAsync<CasePreviewDto>(HttpMethod.Post, "cases/preview", body, ct);

    public Task<ApiResult<CaseDto>> CreateCaseAsync(object body, string idempotencyKey, CancellationToken ct) =>
        SendAsync<CaseDto>(HttpMethod.Post, "cases", body, ct, request => request.Headers.Add("Idempotency-Key", idempotencyKey));

    /// <summary>A state change (accept, reject, request-information, provide-information, resolve), guarded by the ETag the user saw.</summary>
    public Task<ApiResult<CaseDto>> ChangeStateAsync(Guid id, string action, object body, string etag, CancellationToken ct) =>
        SendAsync<CaseDto>(HttpMethod.Post, $"cases/{id}/{action}", body, ct, request => request.Headers.TryAddWithoutValidation("If-Match", etag));

    /// <summary>The submitter withdraws its open request, guarded by the ETag the user saw.</summary>
    public Task<ApiResult<CaseDto>> WithdrawCaseAsync(Guid id, string etag, CancellationToken ct) =>
        SendAsync<CaseDto>(HttpMethod.Post, $"cases/{id}/withdraw", null, ct, request => request.Headers.TryAddWithoutValidation("If-Match", etag));

    public Task<ApiResult<List<NoteDto>>> NotesAsync(Guid caseId, CancellationToken ct) =>
        SendAsync<List<NoteDto>>(HttpMethod.Get, $"cases/{caseId}/notes", null, ct);

    public Task<ApiResult<Raw>> AddNoteAsync(Guid caseId, string body, CancellationToken ct) =>
        SendAsync<Raw>(HttpMethod.Post, $"cases/{caseId}/notes", new { body }, ct);

    public Task<ApiResult<List<AuditEntryDto>>> AuditAsync(Guid caseId, CancellationToken ct) =>
        SendAsync<List<AuditEntryDto>>(HttpMethod.Get, $"audit?caseId={caseId}", null, ct);

    public Task<ApiResult<List<AgreementDto>>> AgreementsAsync(string? memberId, CancellationToken ct) =>
        SendAsync<List<AgreementDto>>(HttpMethod.Get, string.IsNullOrEmpty(memberId) ? "agreements" : $"agreements?memberId={Uri.EscapeDataString(memberId)}", null, ct);

    public Task<ApiResult<AgreementDto>> AgreementAsync(Guid id, CancellationToken ct) =>
        SendAsync<AgreementDto>(HttpMethod.Get, $"agreements/{id}", null, ct);

    public Task<ApiResult<AgreementDto>> CreateAgreementAsync(object body, CancellationToken ct) =>
        SendAsync<AgreementDto>(HttpMethod.Post, "agreements", body, ct);

    public Task<ApiResult<AgreementDto>> SignAgreementAsync(Guid id, object body, CancellationToken ct) =>
        SendAsync<AgreementDto>(HttpMethod.Post, $"agreements/{id}/signatures", body, ct);

    public Task<ApiResult<AgreementDto>> TerminateAgreementAsync(Guid id, object body, CancellationToken ct) =>
        SendAsync<AgreementDto>(HttpMethod.Post, $"agreements/{id}/terminate", body, ct);

    public Task<ApiResult<CustomerAuthorisationDto>> CreateAuthorisationAsync(object body, CancellationToken ct) =>
        SendAsync<CustomerAuthorisationDto>(HttpMethod.Post, "customer-authorisations", body, ct);

    public Task<ApiResult<CustomerAuthorisationDto>> AuthorisationAsync(Guid id, CancellationToken ct) =>
        SendAsync<CustomerAuthorisationDto>(HttpMethod.Get, $"customer-authorisations/{id}", null, ct);

    /// <summary>
    /// The user's member's authorisations that can be cited now for a request to the receiver:
    /// naming it, neither withdrawn nor expired, newest first (the first page; a member rarely
    /// holds more for one receiver). Only the member id goes into the URL.
    /// </summary>
    public Task<ApiResult<List<CustomerAuthorisationDto>>> ActiveAuthorisationsForAsync(string receiverId, CancellationToken ct) =>
        SendAsync<List<CustomerAuthorisationDto>>(HttpMethod.Get,
            $"customer-authorisations?receivingMemberId={Uri.EscapeDataString(receiverId)}&active=true&limit=100", null, ct);

    /// <summary>For each other member, whether an agreement covers requests to it now and on what terms (the API's agreement gate decides).</summary>
    public Task<ApiResult<List<CoverageDto>>> CoverageAsync(CancellationToken ct) =>
        SendAsync<List<CoverageDto>>(HttpMethod.Get, "agreements/coverage", null, ct);

    /// <summary>The user's member's customer authorisations, newest first, one page.</summary>
    public Task<ApiResult<AuthorisationPageDto>> AuthorisationsAsync(string? cursor, CancellationToken ct) =>
        SendAsync<AuthorisationPageDto>(HttpMethod.Get,
            "customer-authorisations?limit=50" + (string.IsNullOrEmpty(cursor) ? "" : "&cursor=" + Uri.EscapeDataString(cursor)), null, ct);

    /// <summary>The cases citing the authorisation that still hold data: what withdrawing it would halt and purge.</summary>
    public Task<ApiResult<List<AuthorisationCaseDto>>> AuthorisationCasesAsync(Guid id, CancellationToken ct) =>
        SendAsync<List<AuthorisationCaseDto>>(HttpMethod.Get, $"customer-authorisations/{id}/cases", null, ct);

    public Task<ApiResult<CustomerAuthorisationDto>> WithdrawAuthorisationAsync(Guid id, string? reason, CancellationToken ct) =>
        SendAsync<CustomerAuthorisationDto>(HttpMethod.Post, $"customer-authorisations/{id}/withdraw", new { reason }, ct);

    public Task<ApiResult<List<WebhookSubscriptionDto>>> WebhookSubscriptionsAsync(CancellationToken ct) =>
        SendAsync<List<WebhookSubscriptionDto>>(HttpMethod.Get, "webhook-subscriptions", null, ct);

    /// <summary>The URL travels in the body, never in the request line.</summary>
    public Task<ApiResult<CreatedWebhookSubscriptionDto>> CreateWebhookSubscriptionAsync(string url, IReadOnlyList<string> eventTypes, CancellationToken ct) =>
        SendAsync<CreatedWebhookSubscriptionDto>(HttpMethod.Post, "webhook-subscriptions", new { url, eventTypes }, ct);

    public Task<ApiResult<Raw>> DeleteWebhookSubscriptionAsync(Guid id, CancellationToken ct) =>
        SendAsync<Raw>(HttpMethod.Delete, $"webhook-subscriptions/{id}", null, ct);

    public Task<ApiResult<CreatedWebhookSubscriptionDto>> RotateWebhookSecretAsync(Guid id, CancellationToken ct) =>
        SendAsync<CreatedWebhookSubscriptionDto>(HttpMethod.Post, $"webhook-subscriptions/{id}/rotate-secret", null, ct);

    /// <summary>The member's most recent deliveries, newest first.</summary>
    public Task<ApiResult<List<WebhookDeliveryDto>>> WebhookDeliveriesAsync(int limit, CancellationToken ct) =>
        SendAsync<List<WebhookDeliveryDto>>(HttpMethod.Get, $"webhook-deliveries?limit={limit}", null, ct);

    public Task<ApiResult<List<WebhookDeliveryDto>>> WebhookDeliveryPageAsync(Guid? subscriptionId, Guid? before, Guid? after, int limit, CancellationToken ct)
    {
        var query = $"webhook-deliveries?limit={limit}";
        query += subscriptionId is { } s ? $"&subscriptionId={s}" : "";
        query += before is { } b ? $"&before={b}" : "";
        query += after is { } a ? $"&after={a}" : "";
        return SendAsync<List<WebhookDeliveryDto>>(HttpMethod.Get, query, null, ct);
    }

    public Task<ApiResult<WebhookTestDto>> TestWebhookAsync(Guid id, CancellationToken ct) =>
        SendAsync<WebhookTestDto>(HttpMethod.Post, $"webhook-subscriptions/{id}/test", null, ct);

    public Task<ApiResult<WebhookSubscriptionDto>> EnableWebhookAsync(Guid id, CancellationToken ct) =>
        SendAsync<WebhookSubscriptionDto>(HttpMethod.Post, $"webhook-subscriptions/{id}/enable", null, ct);

    public Task<ApiResult<WebhookDeliveryDto>> RedeliverAsync(Guid id, CancellationToken ct) =>
        SendAsync<WebhookDeliveryDto>(HttpMethod.Post, $"webhook-deliveries/{id}/redeliver", null, ct);

    public Task<ApiResult<List<DataSubjectRequestDto>>> DataSubjectRequestsAsync(CancellationToken ct) =>
        SendAsync<List<DataSubjectRequestDto>>(HttpMethod.Get, "data-subject-requests", null, ct);

    /// <summary>The person's identifiers travel in the body, never in the request line.</summary>
    public Task<ApiResult<DataSubjectFindingsDto>> OpenDataSubjectRequestAsync(object body, CancellationToken ct) =>
        SendAsync<DataSubjectFindingsDto>(HttpMethod.Post, "data-subject-requests", body, ct);

    public Task<ApiResult<DataSubjectFindingsDto>> DataSubjectRequestAsync(Guid id, CancellationToken ct) =>
        SendAsync<DataSubjectFindingsDto>(HttpMethod.Get, $"data-subject-requests/{id}", null, ct);

    /// <summary>An action on a request: extension, rectification, restriction, lift or erasure.</summary>
    public Task<ApiResult<Raw>> DataSubjectActionAsync(Guid id, string action, object? body, CancellationToken ct) =>
        SendAsync<Raw>(HttpMethod.Post, $"data-subject-requests/{id}/{action}", body ?? new { }, ct);

    public Task<ApiResult<RecordsOfProcessingDto>> RecordsOfProcessingAsync(CancellationToken ct) =>
        SendAsync<RecordsOfProcessingDto>(HttpMethod.Get, "records-of-processing?format=json", null, ct);

    public Task<ApiResult<CaseMetadataDto>> CaseMetadataAsync(CancellationToken ct) =>
        SendAsync<CaseMetadataDto>(HttpMethod.Get, "case-metadata", null, ct);

    public Task<ApiResult<AuditVerificationDto>> VerifyAuditAsync(CancellationToken ct) =>
        SendAsync<AuditVerificationDto>(HttpMethod.Get, "audit/verify", null, ct);

    public Task<ApiResult<List<JobDto>>> JobsAsync(CancellationToken ct) =>
        SendAsync<List<JobDto>>(HttpMethod.Get, "jobs", null, ct);

    public Task<ApiResult<BreachAssessmentDto>> OpenBreachAssessmentAsync(object body, CancellationToken ct) =>
        SendAsync<BreachAssessmentDto>(HttpMethod.Post, "breach-assessments", body, ct);

    public Task<ApiResult<BreachAssessmentDto>> BreachAssessmentAsync(Guid id, CancellationToken ct) =>
        SendAsync<BreachAssessmentDto>(HttpMethod.Get, $"breach-assessments/{id}", null, ct);

    public Task<ApiResult<BreachNotificationDraftDto>> BreachNotificationAsync(Guid id, CancellationToken ct) =>
        SendAsync<BreachNotificationDraftDto>(HttpMethod.Get, $"breach-assessments/{id}/notification", null, ct);

    /// <summary>A file the API produces (an export), passed through as it came: bytes, content type and file name.</summary>
    public async Task<ApiResult<Download>> DownloadAsync(string path, CancellationToken ct)
    {
        using var response = await http.GetAsync(path, ct);
        if (!response.IsSuccessStatusCode)
        {
            return new ApiResult<Download>(null, (int)response.StatusCode, ApiProblem.FromBody(response.StatusCode, await response.Content.ReadAsStringAsync(ct)));
        }

        var bytes = await response.Content.ReadAsByteArrayAsync(ct);
        var type = response.Content.Headers.ContentType?.ToString() ?? "application/octet-stream";
        var name = response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName?.Trim('"');
        return new ApiResult<Download>(new Download(bytes, type, name), (int)response.StatusCode, null);
    }

    private async Task<ApiResult<T>> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken ct, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: ApiJson.Options);
        }

        configure?.Invoke(request);
        using var response = await http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        var etag = response.Headers.ETag?.ToString();
        if (!response.IsSuccessStatusCode)
        {
            return new ApiResult<T>(default, (int)response.StatusCode, ApiProblem.FromBody(response.StatusCode, text), etag);
        }

        if (typeof(T) == typeof(Raw))
        {
            using var document = JsonDocument.Parse(string.IsNullOrWhiteSpace(text) ? "{}" : text);
            return new ApiResult<T>((T)(object)new Raw(document.RootElement.Clone()), (int)response.StatusCode, null, etag);
        }

        return new ApiResult<T>(Deserialize<T>(text), (int)response.StatusCode, null, etag);
    }

    private static T? Deserialize<T>(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return default;
        }

        // Lists may come bare or wrapped as {"items": [...]} (the paginated shape).
        if (typeof(T).IsGenericType && typeof(T).GetGenericTypeDefinition() == typeof(List<>) && text.TrimStart().StartsWith('{'))
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.TryGetProperty("items", out var items))
            {
                return items.Deserialize<T>(ApiJson.Options);
            }
        }

        return JsonSerializer.Deserialize<T>(text, ApiJson.Options);
    }
}

/// <summary>Attaches the signed-in user's access token (kept in the server-side session) to every API call.</summary>
public sealed class UserAccessTokenHandler(IHttpContextAccessor accessor) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (accessor.HttpContext is { } context && await context.GetTokenAsync("access_token") is { Length: > 0 } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
