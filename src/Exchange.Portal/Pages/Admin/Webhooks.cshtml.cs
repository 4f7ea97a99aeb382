using Exchange.Core.Webhooks;
using Exchange.Portal.Api;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Exchange.Portal.Pages.Admin;

/// <summary>
/// The member's webhook endpoints (create, rotate the signing secret, delete) and the recent
/// deliveries to them, each of which can be sent again. Secrets are shown once; the API decides everything.
/// </summary>
public sealed class WebhooksModel(ExchangeApi api) : PageModel
{
    /// <summary>How many recent deliveries the page shows; enough to spot a failing endpoint.</summary>
    public const int RecentDeliveries = 50;

    /// <summary>The event types the API accepts; offered as checkboxes so nothing is typed by hand.</summary>
    public static IReadOnlyList<string> EventTypes => CaseEvents.All;

    public IReadOnlyList<WebhookSubscriptionDto> Subscriptions { get; private set; } = [];
    public IReadOnlyList<WebhookDeliveryDto> Deliveries { get; private set; } = [];
    public CreatedWebhookSubscriptionDto? Issued { get; private set; }
    public bool Rotated { get; private set; }
    public ApiProblem? Problem { get; private set; }

    [TempData]
    public string? Message { get; set; }

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
        var deliveries = await api.WebhookDeliveriesAsync(RecentDeliveries, ct);
        Deliveries = deliveries.Value ?? [];
        Problem ??= deliveries.Problem;
    }
}
