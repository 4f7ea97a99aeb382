using Exchange.Portal.Api;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Exchange.Portal.Pages.Agreements;

/// <summary>One agreement: its terms, signatures per party, recording a signature, terminating.</summary>
public sealed class DetailsModel(ExchangeApi api) : PageModel
{
    [FromRoute]
    public Guid Id { get; set; }

    public AgreementDto? Agreement { get; private set; }
    public ApiProblem? Problem { get; private set; }

    [TempData]
    public string? Message { get; set; }

    [BindProperty]
    public SignatureInput Input { get; set; } = new();

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) =>
        await LoadAsync(ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostSignAsync(CancellationToken ct)
    {
        if (!User.IsInRole(Core.Identity.Roles.LegalAdmin))
        {
            return Forbid();
        }

        var result = await api.SignAgreementAsync(Id, new
        {
            partyId = Input.PartyId,
            signerName = Input.SignerName,
            signerRole = Input.SignerRole,
        }, ct);
        return await AfterAsync(result, $"The signature of {Input.PartyId} was recorded.", ct);
    }

    public async Task<IActionResult> OnPostTerminateAsync(CancellationToken ct)
    {
        if (!User.IsInRole(Core.Identity.Roles.LegalAdmin))
        {
            return Forbid();
        }

        var result = await api.TerminateAgreementAsync(Id, new { reason = Input.Reason }, ct);
        return await AfterAsync(result, "The agreement was terminated. Open cases it covered are halted by the exchange.", ct);
    }

    private async Task<IActionResult> AfterAsync(ApiResult<AgreementDto> result, string message, CancellationToken ct)
    {
        if (result.Ok)
        {
            Message = message;
            return RedirectToPage(new { id = Id });
        }

        Problem = result.Problem;
        return await LoadAsync(ct) ? Page() : NotFound();
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        var result = await api.AgreementAsync(Id, ct);
        if (result.NotFound)
        {
            return false;
        }

        Agreement = result.Value;
        Problem ??= result.Problem;
        return true;
    }

    public sealed class SignatureInput
    {
        public string? PartyId { get; set; }
        public string? SignerName { get; set; }
        public string? SignerRole { get; set; }
        public string? Reason { get; set; }
    }
}
