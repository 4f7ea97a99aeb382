using Exchange.Portal.Api;
using Exchange.Portal.Pages.Shared;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Exchange.Portal.Pages.Authorisations;

/// <summary>
/// Withdrawing a customer authorisation, behind a confirmation that names what it will do: the API
/// lists the cases citing it (open ones are halted, all are purged at once), and withdraws on POST.
/// </summary>
public sealed class WithdrawModel(ExchangeApi api) : PageModel
{
    public static readonly FormFieldMap FieldMap = new FormFieldMap().Add("reason", "Reason", "reason", "Reason");

    [FromRoute]
    public Guid Id { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    public CustomerAuthorisationDto? Authorisation { get; private set; }
    public IReadOnlyList<AuthorisationCaseDto> Cases { get; private set; } = [];
    public IReadOnlyDictionary<string, string> MemberNames { get; private set; } = new Dictionary<string, string>();
    public ApiProblem? Problem { get; private set; }
    public FormErrors Errors { get; private set; } = FormErrors.None;

    public IReadOnlyList<AuthorisationCaseDto> OpenCases => Cases.Where(c => c.Open).ToList();
    public IReadOnlyList<AuthorisationCaseDto> ConcludedCases => Cases.Where(c => !c.Open).ToList();

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ? Page() : NotFoundPage();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var result = await api.WithdrawAuthorisationAsync(Id, string.IsNullOrWhiteSpace(Reason) ? null : Reason.Trim(), ct);
        if (result.Ok)
        {
            return Redirect($"/authorisations?withdrawn={Id}");
        }

        if (!await LoadAsync(ct))
        {
            return NotFoundPage();
        }

        Problem = result.Problem;
        if (Problem is { Errors.Count: > 0 })
        {
            Errors = FormErrors.From(FieldMap, Problem);
            Problem = null;
        }

        return Page();
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        var authorisation = await api.AuthorisationAsync(Id, ct);
        if (!authorisation.Ok || authorisation.Value is null)
        {
            Problem = authorisation.Problem;
            return false;
        }

        Authorisation = authorisation.Value;
        var cases = await api.AuthorisationCasesAsync(Id, ct);
        if (!cases.Ok)
        {
            Problem = cases.Problem;
        }

        Cases = cases.Value ?? [];
        var members = await api.MembersAsync(ct);
        MemberNames = (members.Value ?? []).ToDictionary(m => m.Id, m => m.LegalName);
        return true;
    }

    public string MemberName(string id) => MemberNames.GetValueOrDefault(id, id);

    private PageResult NotFoundPage()
    {
        Response.StatusCode = Problem?.Status is 404 or null ? StatusCodes.Status404NotFound : Problem.Status;
        return Page();
    }
}
