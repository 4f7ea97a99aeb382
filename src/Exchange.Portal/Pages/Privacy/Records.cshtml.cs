using Exchange.Portal.Api;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Exchange.Portal.Pages.Privacy;

/// <summary>The records of processing as the API generates them from the live data, as tables, with the notice and a CSV download.</summary>
public sealed class RecordsModel(ExchangeApi api) : PageModel
{
    public RecordsOfProcessingDto? Records { get; private set; }
    public ApiProblem? Problem { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var result = await api.RecordsOfProcessingAsync(ct);
        Records = result.Value;
        Problem = result.Problem;
    }

    public async Task<IActionResult> OnGetCsvAsync(CancellationToken ct)
    {
        var result = await api.DownloadAsync("records-of-processing?format=csv", ct);
        if (result is { Ok: true, Value: { } file })
        {
            return File(file.Bytes, file.ContentType, file.FileName ?? "records-of-processing.csv");
        }

        Problem = result.Problem;
        return Page();
    }
}
