using Exchange.Portal.Api;
using Exchange.Portal.Auth;
using Exchange.Portal.Charts;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Exchange.Portal.Pages;

/// <summary>Per-member dashboard: requests opened and received per week, and the share answered within deadline.</summary>
public sealed class DashboardModel(ExchangeApi api, TimeProvider clock) : PageModel
{
    // Enough for eight weeks of a busy member; the charts say when they were cut short.
    private const int MaxPages = 20;

    public DashboardStats? Stats { get; private set; }
    public ApiProblem? Problem { get; private set; }
    public bool Truncated { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var outbox = await AllAsync("outbox", ct);
        var inbox = outbox is null ? null : await AllAsync("inbox", ct);
        if (outbox is null || inbox is null)
        {
            return;
        }

        Stats = DashboardStats.Compute(outbox, inbox, clock.GetUtcNow());
    }

    private async Task<List<CaseDto>?> AllAsync(string box, CancellationToken ct)
    {
        var all = new List<CaseDto>();
        string? cursor = null;
        for (var page = 0; page < MaxPages; page++)
        {
            var result = await api.CasesAsync(box, null, cursor, ct);
            if (!result.Ok || result.Value is null)
            {
                Problem = result.Problem;
                return null;
            }

            all.AddRange(result.Value.Items);
            cursor = result.Value.NextCursor;
            if (cursor is null)
            {
                return all;
            }
        }

        Truncated = true;
        return all;
    }
}
