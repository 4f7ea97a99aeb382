using System.Globalization;
using Exchange.Portal.Api;
using Exchange.Portal.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Exchange.Portal.Pages.Admin;

/// <summary>The member admin's settings for their organisation: intake policy, retention and response targets.</summary>
public sealed class IndexModel(ExchangeApi api) : PageModel
{
    public MemberDto? Member { get; private set; }
    public IReadOnlyList<CatalogueFieldDto> Catalogue { get; private set; } = [];
    public ApiProblem? Problem { get; private set; }

    [TempData]
    public string? Message { get; set; }

    [BindProperty]
    public PolicyInput Input { get; set; } = new();

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct))
        {
            return Page();
        }

        var policy = Member!.IntakePolicy;
        Input = new PolicyInput
        {
            RequiredFields = policy?.RequiredFields ?? [],
            AcceptedFields = policy?.AcceptedFields ?? [],
            FreeTextPersonalData = policy?.FreeTextPersonalData ?? "redact",
            RetentionDays = ParseSpan(Member.Retention)?.TotalDays is { } days ? (int)days : null,
            TargetHours = Enumerable.Range(1, 4).ToDictionary(
                s => s,
                s => policy?.ResponseTargets?.GetValueOrDefault(s.ToString(CultureInfo.InvariantCulture)) is { } t && ParseSpan(t) is { } span ? (double?)span.TotalHours : null),
        };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var memberId = User.MemberOf() ?? "";
        var body = new
        {
            requiredFields = Input.RequiredFields,
            // A required field is by definition accepted.
            acceptedFields = Input.AcceptedFields.Union(Input.RequiredFields).ToList(),
            freeTextPersonalData = Input.FreeTextPersonalData,
            retention = Input.RetentionDays is { } days ? System.Xml.XmlConvert.ToString(TimeSpan.FromDays(days)) : null,
            responseTargets = Input.TargetHours
                .Where(t => t.Value is > 0)
                .ToDictionary(t => t.Key.ToString(CultureInfo.InvariantCulture), t => System.Xml.XmlConvert.ToString(TimeSpan.FromHours(t.Value!.Value))),
        };
        var result = await api.PutIntakePolicyAsync(memberId, body, ct);
        if (result.Ok)
        {
            Message = "The intake policy was saved. New requests to your organisation use it from now on.";
            return RedirectToPage();
        }

        Problem = result.Problem;
        await LoadAsync(ct);
        return Page();
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        var member = await api.MemberAsync(User.MemberOf() ?? "", ct);
        if (!member.Ok || member.Value is null)
        {
            Problem = member.Problem;
            return false;
        }

        Member = member.Value;
        Catalogue = (await api.FieldCatalogueAsync(ct)).Value ?? [];
        return true;
    }

    /// <summary>The API's durations are ISO 8601 (`P30D`, `PT4H`).</summary>
    private static TimeSpan? ParseSpan(string? value)
    {
        try
        {
            return value is { Length: > 0 } ? System.Xml.XmlConvert.ToTimeSpan(value) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public sealed class PolicyInput
    {
        public List<string> RequiredFields { get; set; } = [];
        public List<string> AcceptedFields { get; set; } = [];
        public string FreeTextPersonalData { get; set; } = "redact";
        public int? RetentionDays { get; set; }
        public Dictionary<int, double?> TargetHours { get; set; } = new();
    }
}
