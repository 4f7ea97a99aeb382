using Exchange.Core.Webhooks;
using Exchange.Portal.Api;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Exchange.Portal.Pages.Admin;

/// <summary>
/// The member's webhook endpoints (create, send a test event, re-enable, rotate the signing secret,
/// delete) and the deliveries to them, paged, each with the reason it failed and a way to send it
/// again. Secrets are shown once; the API decides everything, including when an endpoint is disabled.
/// </summary>
public sealed class WebhooksModel(ExchangeApi api, Microsoft.Extensions.Options.IOptions<PortalOptions> options) : PageModel
{
    /// <summary>Deliveries per page.</summary>
    public int DeliveryPageSize => options.Value.ListPageSize;

    /// <summary>The event types the API accepts; offered as checkboxes so nothing is typed by hand.</summary>
    public static IReadOnlyList<string> EventTypes => CaseEvents.All;

    public IReadOnlyList<WebhookSubscriptionDto> Subscriptions { get; private set; } = [];
    public IReadOnlyList<WebhookDeliveryDto> Deliveries { get; private set; } = [];
    public CreatedWebhookSubscriptionDto? Issued { get; private set; }
    public bool Rotated { get; private set; }
    public ApiProblem? Problem { get; private set; }

    [TempData]
    public string? Message { get; set; }

    /// <summary>Deliveries older than this one (the next page).</summary>
    [FromQuery]
    public Guid? Before { get; set; }

    /// <summary>Deliveries newer than this one (the previous page).</summary>
    [FromQuery]
    public Guid? After { get; set; }

    /// <summary>Only the deliveries to this endpoint.</summary>
    [FromQuery]
    public Guid? Endpoint { get; set; }

    public bool HasOlder { get; private set; }
    public bool HasNewer => Before is not null || (After is not null && Deliveries.Count == DeliveryPageSize);

    [BindProperty]
    public string? EndpointUrl { get; set; }

    [BindProperty]
    public List<string> SelectedEventTypes { get; set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct) =>
        await ShowSecretAsync(await api.CreateWebhookSubscriptionAsync(EndpointUrl ?? "", SelectedEventTypes, ct), rotated: false, ct);

    public async Task<IActionResult> OnPostRotateAsync(Guid id, CancellationToken ct) =>
        await ShowSecretAsync(await api.RotateWebhookSecretAsync(id, ct), rotated: true, ct);

    public async Task<IActionResult> OnPostDeleteAsync(Guid id, CancellationToken ct)
    {
        var result = await api.DeleteWebhookSubscriptionAsync(id, ct);
        if (result.Ok)
        {
            Message = "The webhook endpoint was deleted; nothing more is sent to it.";
            return RedirectToPage();
        }

        Problem = result.Problem;
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRedeliverAsync(Guid id, CancellationToken ct)
    {
        var result = await api.RedeliverAsync(id, ct);
        if (result.Ok)
        {
            Message = "The delivery will be sent again shortly, with the same webhook id.";
            return RedirectToPage();
        }

        Problem = result.Problem;
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostTestAsync(Guid id, CancellationToken ct)
    {
        var result = await api.TestWebhookAsync(id, ct);
        if (result.Ok)
        {
            Message = "A test event (webhook.ping) is on its way to the endpoint; its delivery shows below within a few seconds (reload the page).";
            return RedirectToPage(new { endpoint = id });
        }

        Problem = result.Problem;
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostEnableAsync(Guid id, CancellationToken ct)
    {
        var result = await api.EnableWebhookAsync(id, ct);
        if (result.Ok)
        {
            Message = "The endpoint is enabled again. Deliveries that failed while it was disabled can be sent again from the list below.";
            return RedirectToPage();
        }

        Problem = result.Problem;
        await LoadAsync(ct);
        return Page();
    }

    /// <summary>Why an endpoint was disabled, in words.</summary>
    public static string DisabledBecause(string? reason) => reason switch
    {
        "gone" => "it answered 410 Gone, which says the endpoint no longer exists",
        "persistent_failure" => "its deliveries kept failing (too many failed attempts in a row)",
        null => "no reason recorded",
        _ => reason,
    };

    /// <summary>The outcome of a delivery's last attempt, in words: the reason, never the receiver's answer body.</summary>
    public static string Outcome(WebhookDeliveryDto d) => d.Status switch
    {
        "succeeded" => "delivered" + (d.LastStatusCode is { } code ? $" (HTTP {code})" : ""),
        _ when d.Attempts == 0 => "not tried yet",
        _ => d.LastError ?? (d.LastStatusCode is { } failed ? $"HTTP {failed}" : "failed"),
    };

    /// <summary>Where a delivery went, for the deliveries table: the endpoint's URL if it is still listed.</summary>
    public string EndpointOf(Guid subscriptionId) =>
        Subscriptions.FirstOrDefault(s => s.Id == subscriptionId)?.Url ?? "(deleted endpoint)";

    // Rendered, not redirected: a secret must never travel through a URL or a TempData cookie.
    private async Task<IActionResult> ShowSecretAsync(ApiResult<CreatedWebhookSubscriptionDto> result, bool rotated, CancellationToken ct)
    {
        Issued = result.Value;
        Rotated = rotated && result.Ok;
        Problem = result.Problem;
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var subscriptions = await api.WebhookSubscriptionsAsync(ct);
        Subscriptions = subscriptions.Value ?? [];
        Problem ??= subscriptions.Problem;
        if (Endpoint is { } endpoint && Subscriptions.All(s => s.Id != endpoint))
        {
            Endpoint = null;
        }

        // One more than a page tells whether older deliveries exist.
        var deliveries = await api.WebhookDeliveryPageAsync(Endpoint, After is null ? Before : null, After, DeliveryPageSize + (After is null ? 1 : 0), ct);
        var rows = deliveries.Value ?? [];
        HasOlder = After is not null ? rows.Count > 0 : rows.Count > DeliveryPageSize;
        Deliveries = rows.Take(DeliveryPageSize).ToList();
        Problem ??= deliveries.Problem;
    }
}
