using Exchange.Portal.Api;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Exchange.Portal.Pages.Agreements;

/// <summary>The legal admin's register: agreements by member and state, and those expiring within 30 days.</summary>
public sealed class IndexModel(ExchangeApi api, TimeProvider clock) : PageModel
{
    public static readonly string[] Statuses = ["draft", "awaiting_signatures", "in_force", "expired", "terminated"];

    [FromQuery]
    public string? MemberId { get; set; }

    [FromQuery]
    public string? Status { get; set; }

    public IReadOnlyList<AgreementDto> Agreements { get; private set; } = [];
    public IReadOnlyList<AgreementDto> ExpiringSoon { get; private set; } = [];
    public IReadOnlyList<MemberDto> Members { get; private set; } = [];
    public ApiProblem? Problem { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Members = (await api.MembersAsync(ct)).Value ?? [];
        var result = await api.AgreementsAsync(string.IsNullOrEmpty(MemberId) ? null : MemberId, ct);
        if (!result.Ok)
        {
            Problem = result.Problem;
            return;
        }

        var all = result.Value ?? [];
        var now = clock.GetUtcNow();
        ExpiringSoon = all.Where(a => a.Status == "in_force" && a.ExpiresAt > now && a.ExpiresAt <= now.AddDays(30)).OrderBy(a => a.ExpiresAt).ToList();
        Agreements = all.Where(a => string.IsNullOrEmpty(Status) || a.Status == Status).OrderByDescending(a => a.EffectiveFrom).ToList();
    }
}
