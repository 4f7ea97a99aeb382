using Exchange.Portal.Api;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Exchange.Portal.Pages.Privacy.Requests;

/// <summary>Erasure's confirmation: lists what will go (cases, notes, authorisations) before the POST that purges it.</summary>
public sealed class EraseModel(ExchangeApi api) : PageModel
{
    public DataSubjectFindingsDto? Findings { get; private set; }
    public ApiProblem? Problem { get; private set; }

    [TempData]
    public string? Message { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => await LoadAsync(id, ct);

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        var result = await api.DataSubjectActionAsync(id, "erasure", null, ct);
        if (result.Ok)
        {
            Message = "The person's data was erased: the cases were purged (tombstones stay) and the authorisations no longer name them.";
            return Redirect($"/privacy/requests/{id}");
        }

        Problem = result.Problem;
        return await LoadAsync(id, ct);
    }

    private async Task<IActionResult> LoadAsync(Guid id, CancellationToken ct)
    {
        var result = await api.DataSubjectRequestAsync(id, ct);
        if (result.NotFound)
        {
            return NotFound();
        }

        Findings = result.Value;
        Problem ??= result.Problem;
        return Page();
    }
}
