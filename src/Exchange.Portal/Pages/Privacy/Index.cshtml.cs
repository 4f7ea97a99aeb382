using Exchange.Portal.Api;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Exchange.Portal.Pages.Privacy;

/// <summary>The privacy officer's data-subject requests with their due dates, newest first.</summary>
public sealed class IndexModel(ExchangeApi api, TimeProvider clock) : PageModel
{
    public IReadOnlyList<DataSubjectRequestDto> Requests { get; private set; } = [];
    public ApiProblem? Problem { get; private set; }
    public DateTimeOffset Now { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Now = clock.GetUtcNow();
        var result = await api.DataSubjectRequestsAsync(ct);
        Requests = result.Value ?? [];
        Problem = result.Problem;
    }
}
