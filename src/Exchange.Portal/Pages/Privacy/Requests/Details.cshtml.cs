using Exchange.Portal.Api;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Exchange.Portal.Pages.Privacy.Requests;

/// <summary>
/// One data-subject request and the items of the person's data found now, with the actions its
/// right allows. The API decides what is allowed; a refusal is shown in plain words.
/// </summary>
public sealed class DetailsModel(ExchangeApi api, TimeProvider clock) : PageModel
{
    public DataSubjectFindingsDto? Findings { get; private set; }
    public ApiProblem? Problem { get; private set; }
    public DateTimeOffset Now { get; private set; }

    [TempData]
    public string? Message { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => await LoadAsync(id, ct);

    /// <summary>The API's export passed through as a download (JSON or CSV).</summary>
    public async Task<IActionResult> OnGetExportAsync(Guid id, string format, CancellationToken ct)
    {
        var result = await api.DownloadAsync($"data-subject-requests/{id}/export?format={(format == "csv" ? "csv" : "json")}", ct);
        if (result is { Ok: true, Value: { } file })
        {
            return File(file.Bytes, file.ContentType, file.FileName ?? $"data-subject-request-{id}.{(format == "csv" ? "csv" : "json")}");
        }

        Problem = result.Problem;
        return await LoadAsync(id, ct);
    }

    public Task<IActionResult> OnPostExtendAsync(Guid id, string? reason, CancellationToken ct) =>
        ActAsync(id, "extension", new { reason }, "The due date was extended.", ct);

    public Task<IActionResult> OnPostRectifyAsync(Guid id, string? email, string? phone, string? name, CancellationToken ct) =>
        ActAsync(id, "rectification", new { email = Blank(email), phone = Blank(phone), name = Blank(name) }, "The person's data was corrected everywhere it was found.", ct);

    public Task<IActionResult> OnPostRestrictAsync(Guid id, CancellationToken ct) =>
        ActAsync(id, "restriction", null, "The cases are restricted: nothing new is shared on them until the restriction is lifted.", ct);

    public Task<IActionResult> OnPostLiftAsync(Guid id, string? reason, CancellationToken ct) =>
        ActAsync(id, "lift", new { reason }, "The restriction was lifted.", ct);

    private async Task<IActionResult> ActAsync(Guid id, string action, object? body, string done, CancellationToken ct)
    {
        var result = await api.DataSubjectActionAsync(id, action, body, ct);
        if (result.Ok)
        {
            Message = done;
            return Redirect($"/privacy/requests/{id}");
        }

        Problem = result.Problem;
        return await LoadAsync(id, ct);
    }

    private async Task<IActionResult> LoadAsync(Guid id, CancellationToken ct)
    {
        Now = clock.GetUtcNow();
        var result = await api.DataSubjectRequestAsync(id, ct);
        if (result.NotFound)
        {
            return NotFound();
        }

        Findings = result.Value;
        Problem ??= result.Problem;
        return Page();
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
