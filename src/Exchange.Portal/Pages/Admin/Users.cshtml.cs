using Exchange.Core.Identity;
using Exchange.Portal.Api;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Exchange.Portal.Pages.Admin;

/// <summary>The member's users: invite (a one-time password shown once), deactivate.</summary>
public sealed class UsersModel(IdentityAdminApi identity) : PageModel
{
    public static readonly string[] GrantableRoles = [Roles.Engineer, Roles.MemberAdmin, Roles.PrivacyOfficer];

    public IReadOnlyList<UserDto> Users { get; private set; } = [];
    public CreatedUserDto? Invited { get; private set; }
    public ApiProblem? Problem { get; private set; }

    [TempData]
    public string? Message { get; set; }

    [BindProperty]
    public InviteInput Input { get; set; } = new();

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostInviteAsync(CancellationToken ct)
    {
        var result = await identity.InviteAsync(Input.Email ?? "", Input.DisplayName ?? "", Input.Roles, ct);
        if (result.Ok)
        {
            // Rendered, not redirected: the one-time password must not travel through a URL or TempData cookie.
            Invited = result.Value;
            Input = new InviteInput();
        }
        else
        {
            Problem = result.Problem;
        }

        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostDeactivateAsync(Guid id, CancellationToken ct)
    {
        var result = await identity.DeactivateUserAsync(id, ct);
        if (result.Ok)
        {
            Message = "The user was deactivated and can no longer sign in.";
            return RedirectToPage();
        }

        Problem = result.Problem;
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var users = await identity.UsersAsync(ct);
        Users = users.Value ?? [];
        Problem ??= users.Problem;
    }

    public sealed class InviteInput
    {
        public string? Email { get; set; }
        public string? DisplayName { get; set; }
        public List<string> Roles { get; set; } = [Exchange.Core.Identity.Roles.Engineer];
    }
}
