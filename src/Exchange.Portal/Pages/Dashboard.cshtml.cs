using Exchange.Portal.Api;
using Exchange.Portal.Auth;
using Exchange.Portal.Charts;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Exchange.Portal.Pages;

/// <summary>
/// Per-member dashboard: requests opened and received per week, and the share answered within deadline,
/// counted from the member's live cases and the tombstones of its purged ones (which keep the opening
/// time and the first answer's time and timeliness), so the counts survive purges.
/// </summary>
public sealed class DashboardModel(ExchangeApi api, TimeProvider clock) : PageModel
{
    // Enough for eight weeks of a busy member; the charts say when they were cut short.
    private const int MaxPages = 20;

    public DashboardStats? Stats { get; private set; }
    public ApiProblem? Problem { get; private set; }
    public bool Truncated { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        // Live cases and the tombstones of purged ones: a purge must not make a week's counts shrink.
        var outbox = await AllAsync("outbox", null, ct);
        var purgedOutbox = outbox is null ? null : await AllAsync("outbox", "purged", ct);
        var inbox = purgedOutbox is null ? null : await AllAsync("inbox", null, ct);
        var purgedInbox = inbox is null ? null : await AllAsync("inbox", "purged", ct);
        if (outbox is null || purgedOutbox is null || inbox is null || purgedInbox is null)
        {
            return;
        }

        Stats = DashboardStats.Compute(outbox.Concat(purgedOutbox), inbox.Concat(purgedInbox), clock.GetUtcNow());
    }

    private async Task<List<CaseDto>?> AllAsync(string box, string? status, CancellationToken ct)
    {
        var all = new List<CaseDto>();
        string? cursor = null;
        for (var page = 0; page < MaxPages; page++)
        {
            var result = await api.CasesAsync(box, status, cursor, ct);
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
