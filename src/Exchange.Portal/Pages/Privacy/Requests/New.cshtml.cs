using Exchange.Portal.Api;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Exchange.Portal.Pages.Privacy.Requests;

/// <summary>Opens a data-subject request; the person's details go to the API in the body and the page moves on by id only.</summary>
public sealed class NewModel(ExchangeApi api) : PageModel
{
    [BindProperty] public string? MemberId { get; set; }
    [BindProperty] public string? Email { get; set; }
    [BindProperty] public string? Phone { get; set; }
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? IdentityVerification { get; set; }
    [BindProperty] public string Type { get; set; } = "access";

    public ApiProblem? Problem { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var result = await api.OpenDataSubjectRequestAsync(new
        {
            memberId = string.IsNullOrWhiteSpace(MemberId) ? null : MemberId.Trim(),
            email = Email,
            phone = string.IsNullOrWhiteSpace(Phone) ? null : Phone,
            name = string.IsNullOrWhiteSpace(Name) ? null : Name,
            identityVerification = IdentityVerification,
            type = Type,
        }, ct);
        if (result is { Ok: true, Value: { } found })
        {
            return Redirect($"/privacy/requests/{found.Request.Id}");
        }

        Problem = result.Problem;
        return Page();
    }
}
