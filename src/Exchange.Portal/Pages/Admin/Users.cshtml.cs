using Exchange.Core.Identity;
using Exchange.Portal.Api;
using Exchange.Portal.Auth;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Exchange.Portal.Pages.Admin;

/// <summary>
/// The member's users: invite (Identity mails a single-use link to set a password), change roles,
/// deactivate (after a confirmation) and reactivate. Identity decides what the admin may do.
/// </summary>
public sealed class UsersModel(IdentityAdminApi identity, IDataProtectionProvider protection) : PageModel
{
    private const string InvitationLinkKey = "users.invitation-link";

    public static readonly string[] GrantableRoles = [Roles.Engineer, Roles.MemberAdmin, Roles.PrivacyOfficer];

    public IReadOnlyList<UserDto> Users { get; private set; } = [];
    public ApiProblem? Problem { get; private set; }

    /// <summary>Only when Identity has no mail: the invitation link for the admin to pass on, shown once.</summary>
    public string? InvitationLink { get; private set; }

    /// <summary>The user a deactivation waits on confirmation for.</summary>
    public UserDto? ConfirmDeactivation { get; private set; }

    [TempData]
    public string? Message { get; set; }

    [BindProperty]
    public InviteInput Input { get; set; } = new();

    public bool IsSelf(UserDto user) => string.Equals(User.FindFirst(PortalClaims.Subject)?.Value, user.Id.ToString(), StringComparison.OrdinalIgnoreCase);

    public async Task OnGetAsync(Guid? deactivate, CancellationToken ct)
    {
        InvitationLink = ShownOnce.Take(TempData, protection, User, InvitationLinkKey);
        await LoadAsync(ct);
        ConfirmDeactivation = deactivate is { } id ? Users.FirstOrDefault(u => u.Id == id && u.IsActive && !IsSelf(u)) : null;
    }

    public async Task<IActionResult> OnPostInviteAsync(CancellationToken ct)
    {
        var result = await identity.InviteAsync(Input.Email ?? "", Input.DisplayName ?? "", Input.Roles, ct);
        return await AfterInvitationAsync(result, ct);
    }

    public async Task<IActionResult> OnPostResendAsync(Guid id, CancellationToken ct) =>
        await AfterInvitationAsync(await identity.ResendInvitationAsync(id, ct), ct);

    // Post/Redirect/Get: a reload shows the list, and never invites twice.
    private async Task<IActionResult> AfterInvitationAsync(ApiResult<InvitationDto> result, CancellationToken ct)
    {
        if (!result.Ok)
        {
            Problem = result.Problem;
            await LoadAsync(ct);
            return Page();
        }

        var invitation = result.Value!;
        if (invitation.InvitationMailed)
        {
            Message = $"{invitation.User.DisplayName} was invited: an e-mail with a link to set their password went to {invitation.User.Email}. The link works once, until {invitation.InvitationExpiresAt:d MMM yyyy HH:mm} UTC.";
        }
        else
        {
            Message = $"{invitation.User.DisplayName} was invited. The exchange cannot send e-mail, so pass the link below on to them through a separate channel.";
            ShownOnce.Put(TempData, protection, User, InvitationLinkKey, invitation.InvitationUrl ?? "");
        }

        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostDeactivateAsync(Guid id, CancellationToken ct) =>
        await AfterChangeAsync(await identity.DeactivateUserAsync(id, ct), u => $"{u.DisplayName} was deactivated and can no longer sign in.", ct);

    public async Task<IActionResult> OnPostReactivateAsync(Guid id, CancellationToken ct) =>
        await AfterChangeAsync(await identity.ReactivateUserAsync(id, ct), u => $"{u.DisplayName} was reactivated and can sign in again.", ct);

    public async Task<IActionResult> OnPostRolesAsync(Guid id, List<string> roles, CancellationToken ct) =>
        await AfterChangeAsync(await identity.ChangeRolesAsync(id, roles, ct),
            u => $"The roles of {u.DisplayName} are now: {string.Join(", ", u.Roles.Select(RoleLabel))}. They apply from their next sign-in.", ct);

    private async Task<IActionResult> AfterChangeAsync(ApiResult<UserDto> result, Func<UserDto, string> message, CancellationToken ct)
    {
        if (result.Ok)
        {
            Message = message(result.Value!);
            return RedirectToPage();
        }

        Problem = result.Problem;
        await LoadAsync(ct);
        return Page();
    }

    public static string RoleLabel(string role) => role switch
    {
        Roles.Engineer => "Engineer",
        Roles.MemberAdmin => "Member admin",
        Roles.PrivacyOfficer => "Privacy officer",
        _ => role.Replace('_', ' '),
    };

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
