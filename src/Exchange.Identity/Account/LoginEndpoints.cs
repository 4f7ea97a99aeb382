using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using Exchange.Core.Identity;
using Exchange.Identity.Server;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;

namespace Exchange.Identity.Account;

/// <summary>The sign-in page the authorize endpoint sends users to; it only ever returns to the authorize endpoint.</summary>
public static class LoginEndpoints
{
    public const string LoginPath = "/account/login";
    public const string SecondFactorPath = "/account/login/two-factor";
    public const string RateLimitPolicy = "login";
    public const string SecurityStampClaim = "security_stamp";

    private const string GenericFailure = "The email address or password is wrong, or the account is locked.";

    public static IResult Show(HttpContext context, IAntiforgery antiforgery, string? returnUrl) =>
        IsAuthorizeReturnUrl(returnUrl)
            ? Form(context, antiforgery, returnUrl!, email: null, error: null)
            : HtmlPage.Error("Sign in from the application you want to use.");

    public static async Task<IResult> SubmitAsync(
        HttpContext context,
        IAntiforgery antiforgery,
        UserManager<ExchangeUser> users,
        SignInManager<ExchangeUser> signIn,
        IDataProtectionProvider dataProtection,
        TimeProvider clock,
        ILogger<LoginForm> logger)
    {
        var (form, refused) = await ReadFormAsync(context, antiforgery);
        if (form is null)
        {
            return refused!;
        }

        var returnUrl = form["returnUrl"].ToString();
        if (!IsAuthorizeReturnUrl(returnUrl))
        {
            return HtmlPage.Error("Sign in from the application you want to use.");
        }

        var email = form["email"].ToString().Trim();
        var password = form["password"].ToString();
        var user = email.Length is > 0 and <= 256 ? await users.FindByEmailAsync(email) : null;
        if (user is not { IsActive: true })
        {
            // Hash anyway, so an unknown address takes as long as a wrong password.
            users.PasswordHasher.VerifyHashedPassword(DummyUser, DummyHash, password);
            logger.LogWarning("Sign-in failed: no active account for the address given");
            return Form(context, antiforgery, returnUrl, email, GenericFailure, StatusCodes.Status400BadRequest);
        }

        var result = await signIn.CheckPasswordSignInAsync(user, password, lockoutOnFailure: true);
        if (!result.Succeeded)
        {
            logger.LogWarning("Sign-in failed for user {UserId} (locked out: {LockedOut})", user.Id, result.IsLockedOut);
            return Form(context, antiforgery, returnUrl, email, GenericFailure, StatusCodes.Status400BadRequest);
        }

        if (await users.GetTwoFactorEnabledAsync(user))
        {
            // The password is right; the session starts only once the authenticator code is too.
            var pending = SecondFactor(dataProtection).Protect($"{user.Id}|{user.SecurityStamp}", TimeSpan.FromMinutes(5));
            return SecondFactorForm(context, antiforgery, returnUrl, pending, error: null);
        }

        return await StartSessionAsync(context, user, returnUrl, clock, logger);
    }

    /// <summary>Both sign-in steps accept only a form posted from a page this server rendered (antiforgery).</summary>
    private static async Task<(IFormCollection? Form, IResult? Refused)> ReadFormAsync(HttpContext context, IAntiforgery antiforgery)
    {
        if (!context.Request.HasFormContentType)
        {
            return (null, HtmlPage.Error("The sign-in form is malformed."));
        }

        try
        {
            await antiforgery.ValidateRequestAsync(context);
        }
        catch (AntiforgeryValidationException)
        {
            return (null, HtmlPage.Error("The sign-in form has expired. Go back to the application and start again."));
        }

        return (await context.Request.ReadFormAsync(context.RequestAborted), null);
    }

    /// <summary>Second step for users with an authenticator app (TOTP, RFC 6238): the code, bound to the first step for five minutes.</summary>
    public static async Task<IResult> SubmitSecondFactorAsync(
        HttpContext context,
        IAntiforgery antiforgery,
        UserManager<ExchangeUser> users,
        IDataProtectionProvider dataProtection,
        TimeProvider clock,
        ILogger<LoginForm> logger)
    {
        var (form, refused) = await ReadFormAsync(context, antiforgery);
        if (form is null)
        {
            return refused!;
        }

        var returnUrl = form["returnUrl"].ToString();
        var pending = form["pending"].ToString();
        string[] parts;
        try
        {
            parts = SecondFactor(dataProtection).Unprotect(pending).Split('|');
        }
        catch (CryptographicException)
        {
            return HtmlPage.Error("The sign-in has expired. Go back to the application and start again.");
        }

        if (!IsAuthorizeReturnUrl(returnUrl) || parts.Length != 2)
        {
            return HtmlPage.Error("Sign in from the application you want to use.");
        }

        var user = await users.FindByIdAsync(parts[0]);
        if (user is not { IsActive: true } || user.SecurityStamp != parts[1] || await users.IsLockedOutAsync(user))
        {
            return HtmlPage.Error(GenericFailure);
        }

        var code = form["code"].ToString().Replace(" ", string.Empty, StringComparison.Ordinal);
        if (code.Length is < 6 or > 8 || !await users.VerifyTwoFactorTokenAsync(user, TokenOptions.DefaultAuthenticatorProvider, code))
        {
            await users.AccessFailedAsync(user);
            logger.LogWarning("Second factor failed for user {UserId}", user.Id);
            return SecondFactorForm(context, antiforgery, returnUrl, pending, "The code is wrong or has expired.", StatusCodes.Status400BadRequest);
        }

        await users.ResetAccessFailedCountAsync(user);
        return await StartSessionAsync(context, user, returnUrl, clock, logger);
    }

    private static ITimeLimitedDataProtector SecondFactor(IDataProtectionProvider provider) =>
        provider.CreateProtector("Exchange.Identity.Login.SecondFactor.v1").ToTimeLimitedDataProtector();

    private static async Task<IResult> StartSessionAsync(HttpContext context, ExchangeUser user, string returnUrl, TimeProvider clock, ILogger logger)
    {
        // A new session with a new id on every sign-in: nothing of an earlier session carries over.
        var now = clock.GetUtcNow();
        var identity = new ClaimsIdentity(
            [
                new Claim("sub", user.Id.ToString()),
                new Claim("sid", SecretHasher.NewSecret()[..16]),
                new Claim("auth_time", now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
                new Claim(SecurityStampClaim, user.SecurityStamp ?? string.Empty),
            ],
            IdentityExtensions.SessionScheme, "sub", "role");
        await context.SignInAsync(IdentityExtensions.SessionScheme, new ClaimsPrincipal(identity));
        logger.LogInformation("User {UserId} signed in", user.Id);
        return Results.Redirect(returnUrl);
    }

    /// <summary>Only a relative link to the authorize endpoint: the page can never be used to bounce users elsewhere.</summary>
    public static bool IsAuthorizeReturnUrl(string? returnUrl) =>
        returnUrl != null
        && returnUrl.StartsWith(ProtocolPaths.Authorize + "?", StringComparison.Ordinal)
        && !returnUrl.Contains('\\', StringComparison.Ordinal)
        && !returnUrl.Any(char.IsControl);

    private static HtmlPage Form(HttpContext context, IAntiforgery antiforgery, string returnUrl, string? email, string? error, int status = StatusCodes.Status200OK)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        var message = error == null ? string.Empty : $"""<div class="alert error" role="alert" tabindex="-1" autofocus><p>{HtmlPage.Encode(error)}</p></div>""";
        var forgot = PasswordEndpoints.ForgotPath + QueryString.Create("returnUrl", returnUrl);
        return new HtmlPage("Sign in", $"""
            <h1>Sign in to the exchange</h1>
            {message}
            <form method="post" action="{LoginPath}" class="stack">
            {HtmlPage.Csrf(tokens)}
            <input type="hidden" name="returnUrl" value="{HtmlPage.Encode(returnUrl)}">
            <div class="field"><label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required value="{HtmlPage.Encode(email)}"></div>
            <div class="field"><label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required></div>
            <div><button type="submit" class="primary">Sign in</button></div>
            </form>
            <p class="links"><a href="{HtmlPage.Encode(forgot)}">Forgot your password?</a></p>
            """, status);
    }

    private static HtmlPage SecondFactorForm(HttpContext context, IAntiforgery antiforgery, string returnUrl, string pending, string? error, int status = StatusCodes.Status200OK)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        var message = error == null ? string.Empty : $"""<div class="alert error" role="alert" tabindex="-1" autofocus><p>{HtmlPage.Encode(error)}</p></div>""";
        return new HtmlPage("Authenticator code", $"""
            <h1>Authenticator code</h1>
            {message}
            <form method="post" action="{SecondFactorPath}" class="stack">
            {HtmlPage.Csrf(tokens)}
            <input type="hidden" name="returnUrl" value="{HtmlPage.Encode(returnUrl)}">
            <input type="hidden" name="pending" value="{HtmlPage.Encode(pending)}">
            <div class="field"><label for="code">Code from your authenticator app</label><input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required></div>
            <div><button type="submit" class="primary">Continue</button></div>
            </form>
            """, status);
    }

    private static readonly ExchangeUser DummyUser = new() { MemberId = "none", DisplayName = "none" };
    private static readonly string DummyHash = new PasswordHasher<ExchangeUser>().HashPassword(DummyUser, SecretHasher.NewSecret());

    /// <summary>Category name for this page's log lines.</summary>
    public sealed class LoginForm;
}
