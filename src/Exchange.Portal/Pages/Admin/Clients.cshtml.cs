using Exchange.Portal.Api;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Exchange.Portal.Pages.Admin;

/// <summary>The member's API clients (its CRM or ticketing systems): create, rotate the secret, revoke. Secrets are shown once.</summary>
public sealed class ClientsModel(IdentityAdminApi identity) : PageModel
{
    public IReadOnlyList<ClientDto> Clients { get; private set; } = [];
    public CreatedClientDto? Issued { get; private set; }
    public ApiProblem? Problem { get; private set; }

    [TempData]
    public string? Message { get; set; }

    [BindProperty]
    public string? DisplayName { get; set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct) =>
        await ShowSecretAsync(await identity.CreateClientAsync(DisplayName ?? "", ct), ct);

    public async Task<IActionResult> OnPostRotateAsync(string clientId, CancellationToken ct) =>
        await ShowSecretAsync(await identity.RotateSecretAsync(clientId, ct), ct);

    public async Task<IActionResult> OnPostRevokeAsync(string clientId, CancellationToken ct)
    {
        var result = await identity.DeactivateClientAsync(clientId, ct);
        if (result.Ok)
        {
            Message = $"Client {clientId} was revoked; its tokens are refused from now on.";
            return RedirectToPage();
        }

        Problem = result.Problem;
        await LoadAsync(ct);
        return Page();
    }

    // Rendered, not redirected: a secret must never travel through a URL or a TempData cookie.
    private async Task<IActionResult> ShowSecretAsync(ApiResult<CreatedClientDto> result, CancellationToken ct)
    {
        Issued = result.Value;
        Problem = result.Problem;
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var clients = await identity.ClientsAsync(ct);
        Clients = clients.Value ?? [];
        Problem ??= clients.Problem;
    }
}
