using Exchange.Portal.Api;
using Exchange.Portal.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Exchange.Portal.Pages.Cases;

/// <summary>
/// The inbox (requests received) or outbox (requests sent) for triage: sorted, searched and paged by
/// the API's list, which also says which cases wait on the member and how many there are in all.
/// Engineers and member admins see it; only engineers act on cases.
/// </summary>
public sealed class BoxModel(ExchangeApi api, TimeProvider clock, Microsoft.Extensions.Options.IOptions<PortalOptions> options) : PageModel
{

    public static readonly string[] States = ["submitted", "information_requested", "accepted", "rejected", "resolved", "withdrawn", "halted"];

    public static readonly (string Value, string Label)[] Sorts =
        [("newest", "Newest first"), ("due", "Response due, soonest first"), ("severity", "Severity, most severe first")];

    [FromRoute]
    public string Box { get; set; } = "inbox";

    [FromQuery]
    public string? Status { get; set; }

    [FromQuery]
    public string? Sort { get; set; }

    [FromQuery]
    public string? Q { get; set; }

    [FromQuery]
    public string? After { get; set; }

    [FromQuery]
    public string? Before { get; set; }

    /// <summary>The next-page parameter of links made before paging went both ways.</summary>
    [FromQuery]
    public string? Cursor { get; set; }

    public IReadOnlyList<CaseDto> Cases { get; private set; } = [];
    public string? NextCursor { get; private set; }
    public string? PreviousCursor { get; private set; }
    public int Total { get; private set; }
    public bool TotalCapped { get; private set; }
    public ApiProblem? Problem { get; private set; }
    public DateTimeOffset Now { get; private set; }
    public string? Member => User.MemberOf();
    public bool Filtered => Status is not null || !string.IsNullOrWhiteSpace(Q);

    public async Task OnGetAsync(CancellationToken ct)
    {
        Now = clock.GetUtcNow();
        if (Status is not null && !States.Contains(Status))
        {
            Status = null;
        }

        if (Sort is not null && Sorts.All(s => s.Value != Sort))
        {
            Sort = null;
        }

        Q = string.IsNullOrWhiteSpace(Q) ? null : Q.Trim();
        After ??= Cursor;
        var result = await api.CaseListAsync(Box, Status, Sort is "newest" ? null : Sort, Q, Before is null ? After : null, Before, options.Value.ListPageSize, ct);
        if (result.Ok && result.Value is { } page)
        {
            Cases = page.Items;
            NextCursor = page.NextCursor;
            PreviousCursor = page.PreviousCursor;
            Total = page.Total;
            TotalCapped = page.TotalCapped;
        }
        else
        {
            Problem = result.Problem;
        }
    }

    /// <summary>This list's address with the current filters, sort and search, and one cursor.</summary>
    public string PageLink(string cursorName, string cursor)
    {
        var query = new Dictionary<string, string?> { ["status"] = Status, ["sort"] = Sort, ["q"] = Q, [cursorName] = cursor }
            .Where(p => !string.IsNullOrEmpty(p.Value))
            .Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value!)}");
        return $"/cases/{Box}?{string.Join("&", query)}";
    }
}
