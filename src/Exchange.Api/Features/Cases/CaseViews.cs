using Exchange.Api.Auth;
using Exchange.Core.Cases;
using Exchange.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Api.Features.Cases;

/// <summary>
/// A case as one caller sees it: the stored case plus what depends on who asks, namely the actions the
/// lifecycle allows this caller now and, once accepted, the owners on both sides.
/// </summary>
internal static class CaseViews
{
    /// <summary>The case with the caller's allowed actions (no database work: for create and replay).</summary>
    public static CaseDto For(CollaborationCase collaboration, Caller caller) =>
        CaseDto.From(collaboration) with
        {
            AllowedActions = CaseLifecycle.AllowedActions(collaboration, caller.Access.SideOf(collaboration), caller.MayChangeCases)
                .Select(CaseLifecycle.ActionApiName).ToList(),
        };

    /// <summary>The case with the caller's allowed actions and, once the receiver accepted it, both owners.</summary>
    public static async Task<CaseDto> ForAsync(ExchangeDbContext db, CollaborationCase collaboration, Caller caller, CancellationToken cancellationToken)
    {
        var view = For(collaboration, caller);
        // Only the case's two members see the owners: a caller reading within a procedure has no side.
        if (collaboration.AcceptedBy is null || caller.Access.SideOf(collaboration) is null)
        {
            return view;
        }

        var submitter = await OwnerAsync(db, collaboration.SubmittingMemberId, collaboration.OpenedBy, cancellationToken);
        var receiver = await OwnerAsync(db, collaboration.ReceivingMemberId, collaboration.AcceptedBy, cancellationToken);
        return view with { Owners = new CaseOwnersDto(submitter, receiver) };
    }

    /// <summary>
    /// The person behind an actor id (a user's id is a Guid; a member system's is its client id), or, for
    /// a member system or a user since removed, the member's support contact only.
    /// </summary>
    private static async Task<CaseOwnerDto> OwnerAsync(ExchangeDbContext db, string memberId, string actorId, CancellationToken cancellationToken)
    {
        if (Guid.TryParse(actorId, out var userId)
            && await db.Users.AsNoTracking().Where(u => u.Id == userId && u.MemberId == memberId)
                .Select(u => new { u.DisplayName, u.Email, u.PhoneNumber }).FirstOrDefaultAsync(cancellationToken) is { } user)
        {
            return new CaseOwnerDto(memberId, user.DisplayName, user.Email, string.IsNullOrWhiteSpace(user.PhoneNumber) ? null : user.PhoneNumber, null);
        }

        var support = await db.Members.AsNoTracking().Where(m => m.Id == memberId).Select(m => m.SupportContact).FirstOrDefaultAsync(cancellationToken);
        return new CaseOwnerDto(memberId, null, null, null, support);
    }
}
