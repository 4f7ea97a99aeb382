using Exchange.Portal.Api;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Exchange.Portal.Pages.Authorisations;

/// <summary>
/// The member's customer authorisations: who at which customer authorised what, for which members,
/// until when, and whether it can still be cited. Withdrawing one starts from here.
/// </summary>
public sealed class IndexModel(ExchangeApi api, TimeProvider clock) : PageModel
{
    [FromQuery(Name = "cursor")]
    public string? Cursor { get; set; }

    /// <summary>Set after a withdrawal (an id only), so the list can say which one it was.</summary>
    [FromQuery(Name = "withdrawn")]
    public Guid? Withdrawn { get; set; }

    public IReadOnlyList<CustomerAuthorisationDto> Items { get; private set; } = [];
    public IReadOnlyDictionary<string, string> MemberNames { get; private set; } = new Dictionary<string, string>();
    public string? NextCursor { get; private set; }
    public ApiProblem? Problem { get; private set; }
    public DateTimeOffset Now => clock.GetUtcNow();

    public async Task OnGetAsync(CancellationToken ct)
    {
        var page = await api.AuthorisationsAsync(Cursor, ct);
        if (!page.Ok)
        {
            Problem = page.Problem;
            return;
        }

        Items = page.Value?.Items ?? [];
        NextCursor = page.Value?.NextCursor;
        var members = await api.MembersAsync(ct);
        MemberNames = (members.Value ?? []).ToDictionary(m => m.Id, m => m.LegalName);
    }

    public string MemberName(string id) => MemberNames.GetValueOrDefault(id, id);

    public static string StateText(string state) => state switch
    {
        "active" => "Active",
        "expired" => "Expired",
        "withdrawn" => "Withdrawn",
        _ => state,
    };
}
