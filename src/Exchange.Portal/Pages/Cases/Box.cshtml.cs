using Exchange.Portal.Api;
using Exchange.Portal.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Exchange.Portal.Pages.Cases;

/// <summary>The engineer's inbox (requests received) or outbox (requests sent), straight from the API's list.</summary>
public sealed class BoxModel(ExchangeApi api, TimeProvider clock) : PageModel
{
    public static readonly string[] States = ["submitted", "information_requested", "accepted", "rejected", "resolved", "halted"];

    [FromRoute]
    public string Box { get; set; } = "inbox";

    [FromQuery]
    public string? Status { get; set; }

    [FromQuery]
    public string? Cursor { get; set; }

    public IReadOnlyList<CaseDto> Cases { get; private set; } = [];
    public string? NextCursor { get; private set; }
    public ApiProblem? Problem { get; private set; }
    public DateTimeOffset Now { get; private set; }
    public string? Member => User.MemberOf();

    public async Task OnGetAsync(CancellationToken ct)
    {
        Now = clock.GetUtcNow();
        if (Status is not null && !States.Contains(Status))
        {
            Status = null;
        }

        var result = await api.CasesAsync(Box, Status, Cursor, ct);
        if (result.Ok && result.Value is { } page)
        {
            Cases = page.Items;
            NextCursor = page.NextCursor;
        }
        else
        {
            Problem = result.Problem;
        }
    }
}
