using System.Security.Cryptography;
using Exchange.Portal.Auth;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace Exchange.Portal.Pages.Admin;

/// <summary>
/// A secret (a client secret, an invitation link) carried across one Post/Redirect/Get to the page
/// that shows it once: TempData (itself data-protected and deleted once read) holds it encrypted again
/// for this user, valid for two minutes. A reload finds nothing to show, and re-posts nothing.
/// </summary>
public static class ShownOnce
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);

    public static void Put(ITempDataDictionary tempData, IDataProtectionProvider protection, System.Security.Claims.ClaimsPrincipal user, string key, string value) =>
        tempData[key] = Protector(protection, user).Protect(value, Lifetime);

    public static string? Take(ITempDataDictionary tempData, IDataProtectionProvider protection, System.Security.Claims.ClaimsPrincipal user, string key)
    {
        if (tempData[key] is not string sealedValue)
        {
            return null;
        }

        try
        {
            return Protector(protection, user).Unprotect(sealedValue);
        }
        catch (CryptographicException)
        {
            // Expired, or sealed for another user: nothing to show.
            return null;
        }
    }

    private static ITimeLimitedDataProtector Protector(IDataProtectionProvider protection, System.Security.Claims.ClaimsPrincipal user) =>
        protection.CreateProtector("Exchange.Portal.ShownOnce.v1", user.FindFirst(PortalClaims.Subject)?.Value ?? "anonymous").ToTimeLimitedDataProtector();
}
