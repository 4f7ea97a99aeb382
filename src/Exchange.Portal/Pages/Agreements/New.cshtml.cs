using Exchange.Portal.Api;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Exchange.Portal.Pages.Agreements;

/// <summary>Registering an agreement: parties, type, document reference and hash, dates, permitted categories and regions.</summary>
public sealed class NewModel(ExchangeApi api, TimeProvider clock) : PageModel
{
    public static readonly string[] Categories = ["technical", "organisation", "contact"];

    [BindProperty]
    public AgreementInput Input { get; set; } = new();

    public IReadOnlyList<MemberDto> Members { get; private set; } = [];
    public ApiProblem? Problem { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        Input.EffectiveFrom = today;
        Input.ExpiresAt = today.AddYears(1);
        Members = (await api.MembersAsync(ct)).Value ?? [];
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var body = new
        {
            kind = Input.Kind,
            documentReference = Input.DocumentReference,
            documentSha256 = Input.DocumentSha256?.Trim().ToLowerInvariant(),
            version = Input.Version,
            effectiveFrom = Input.EffectiveFrom?.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
            expiresAt = Input.ExpiresAt?.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
            permittedCategories = Input.PermittedCategories,
            permittedRegions = (Input.PermittedRegions ?? "").Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            // A framework agreement names one member (the exchange adds the operator), a bilateral one two.
            memberIds = Input.PartyIds,
        };
        var result = await api.CreateAgreementAsync(body, ct);
        if (result.Ok && result.Value is { } created)
        {
            return Redirect($"/agreements/{created.Id}");
        }

        Problem = result.Problem;
        Members = (await api.MembersAsync(ct)).Value ?? [];
        return Page();
    }

    public sealed class AgreementInput
    {
        public string Kind { get; set; } = "bilateral";
        public List<string> PartyIds { get; set; } = [];
        public string? DocumentReference { get; set; }
        public string? DocumentSha256 { get; set; }
        public string Version { get; set; } = "1";
        public DateOnly? EffectiveFrom { get; set; }
        public DateOnly? ExpiresAt { get; set; }
        public List<string> PermittedCategories { get; set; } = ["technical", "organisation"];
        public string? PermittedRegions { get; set; } = "EU";
    }
}
