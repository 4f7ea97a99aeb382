using Exchange.Core.Identity;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Exchange.Identity.Account;

/// <summary>The lifetime of invitation links, apart from that of password-reset links.</summary>
public sealed class InvitationTokenProviderOptions : DataProtectionTokenProviderOptions;

/// <summary>
/// ASP.NET Core Identity's data-protection tokens, under a name of their own: an invitation link
/// lives for days, a reset link for minutes, and neither is accepted as the other. Both are bound to
/// the user's security stamp, so setting a password makes every earlier link worthless (single use).
/// </summary>
public sealed class InvitationTokenProvider(
    IDataProtectionProvider dataProtection, IOptions<InvitationTokenProviderOptions> options, ILogger<DataProtectorTokenProvider<ExchangeUser>> logger)
    : DataProtectorTokenProvider<ExchangeUser>(dataProtection, options, logger)
{
    public const string ProviderName = "Invitation";
}
