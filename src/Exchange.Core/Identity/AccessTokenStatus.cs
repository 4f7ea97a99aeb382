using System.Security.Claims;
using Exchange.Core.Data;
using Microsoft.EntityFrameworkCore;
using OpenIddict.EntityFrameworkCore.Models;

namespace Exchange.Core.Identity;

/// <summary>
/// Whether an access token Exchange.Identity issued is still good before its expiry: Identity
/// (OpenIddict) keeps an entry per token in the shared database, and revocation, a replayed code
/// or a replayed refresh token mark it. A token names its entry in the <c>oi_tkn_id</c> claim; a
/// token of another issuer (no such claim) is left to its signature and lifetime.
/// </summary>
public static class AccessTokenStatus
{
    public const string TokenIdClaim = "oi_tkn_id";

    public static async Task<bool> IsRevokedAsync(ExchangeDbContext db, ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        var id = principal.FindFirst(TokenIdClaim)?.Value;
        if (string.IsNullOrEmpty(id))
        {
            return false;
        }

        var status = await db.Set<OpenIddictEntityFrameworkCoreToken>().AsNoTracking()
            .Where(t => t.Id == id).Select(t => t.Status).SingleOrDefaultAsync(cancellationToken);
        return status != "valid";
    }
}
