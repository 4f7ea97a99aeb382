using Exchange.Portal.Api;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Exchange.Portal.Pages.Privacy.Requests;

/// <summary>The answer to an access request as a page that prints well: no navigation, the items as a table.</summary>
public sealed class PrintModel(ExchangeApi api, TimeProvider clock) : PageModel
{
    public DataSubjectFindingsDto? Findings { get; private set; }
    public DateTimeOffset Now { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        Now = clock.GetUtcNow();
        var result = await api.DataSubjectRequestAsync(id, ct);
        if (result.Value is null)
        {
            return result.NotFound ? NotFound() : StatusCode(result.Status);
        }

        Findings = result.Value;
        return Page();
    }
}
