using Exchange.Portal.Api;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Exchange.Portal.Pages.Admin;

/// <summary>
/// The member's API clients (its CRM or ticketing systems): create with chosen scopes, rotate the
/// secret (the old one keeps working for Identity's overlap), revoke after a confirmation. A new
/// secret is shown once, after a redirect, so a reload neither shows it again nor repeats the action.
/// </summary>
public sealed class ClientsModel(IdentityAdminApi identity, IDataProtectionProvider protection) : PageModel
{
    private const string IssuedKey = "clients.issued";

    public IReadOnlyList<ClientDto> Clients { get; private set; } = [];
    public IReadOnlyList<string> GrantableScopes { get; private set; } = [];
    public ApiProblem? Problem { get; private set; }

    /// <summary>The client id and secret just issued, shown once.</summary>
    public (string ClientId, string Secret)? Issued { get; private set; }

    public ClientDto? ConfirmRevoke { get; private set; }

    [TempData]
    public string? Message { get; set; }

    [BindProperty]
    public string? DisplayName { get; set; }

    [BindProperty]
    public List<string> Scopes { get; set; } = ["cases:read", "cases:write", "authorisations:write"];

    public async Task OnGetAsync(string? revoke, CancellationToken ct)
    {
        if (ShownOnce.Take(TempData, protection, User, IssuedKey) is { } issued && issued.Split('\n', 2) is [var clientId, var secret])
        {
            Issued = (clientId, secret);
        }

        await LoadAsync(ct);
        ConfirmRevoke = revoke is null ? null : Clients.FirstOrDefault(c => c.ClientId == revoke && c.IsActive);
    }

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct) =>
        await ShowSecretAsync(await identity.CreateClientAsync(DisplayName ?? "", Scopes, ct),
            c => $"Client {c.ClientId} was created with the scopes {string.Join(", ", c.Scopes)}.", ct);

    public async Task<IActionResult> OnPostRotateAsync(string clientId, CancellationToken ct) =>
        await ShowSecretAsync(await identity.RotateSecretAsync(clientId, ct),
            c => c.PreviousSecretExpiresAt is { } until
                ? $"The secret of {c.ClientId} was replaced. The old secret keeps working until {until:d MMM yyyy HH:mm} UTC, so your system can switch without downtime."
                : $"The secret of {c.ClientId} was replaced; the old one no longer works.", ct);

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

    // Post/Redirect/Get: the secret travels to the next page encrypted for this user and for two minutes only.
    private async Task<IActionResult> ShowSecretAsync(ApiResult<CreatedClientDto> result, Func<ClientDto, string> message, CancellationToken ct)
    {
        if (!result.Ok)
        {
            Problem = result.Problem;
            await LoadAsync(ct);
            return Page();
        }

        var issued = result.Value!;
        ShownOnce.Put(TempData, protection, User, IssuedKey, issued.Client.ClientId + "\n" + issued.ClientSecret);
        Message = message(issued.Client);
        return RedirectToPage();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var clients = await identity.ClientsAsync(ct);
        Clients = clients.Value ?? [];
        Problem ??= clients.Problem;
        var scopes = await identity.GrantableScopesAsync(ct);
        GrantableScopes = scopes.Value ?? [];
        Problem ??= scopes.Problem;
    }

    public static string ScopeLabel(string scope) => scope switch
    {
        "cases:read" => "Read cases",
        "cases:write" => "Open and work on cases",
        "authorisations:write" => "Record customer authorisations",
        "agreements:read" => "Read agreements",
        "agreements:write" => "Register agreements",
        "member:admin" => "Member administration",
        "webhooks:manage" => "Manage webhook endpoints",
        "privacy" => "Data-subject requests",
        _ => scope,
    };
}
