using System.Globalization;
using System.Security.Claims;
using Exchange.Core.Identity;
using Exchange.Identity.Protocol;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;

namespace Exchange.Identity.Account;

/// <summary>The sign-in page the authorize endpoint sends users to; it only ever returns to the authorize endpoint.</summary>
public static class LoginEndpoints
{
    public const string LoginPath = "/account/login";
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
        TimeProvider clock,
        ILogger<LoginForm> logger)
    {
        if (!context.Request.HasFormContentType)
        {
            return HtmlPage.Error("The sign-in form is malformed.");
        }

        try
        {
            await antiforgery.ValidateRequestAsync(context);
        }
        catch (AntiforgeryValidationException)
        {
            return HtmlPage.Error("The sign-in form has expired. Go back to the application and start again.");
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
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
        && returnUrl.StartsWith(DiscoveryEndpoints.AuthorizePath + "?", StringComparison.Ordinal)
        && !returnUrl.Contains('\\', StringComparison.Ordinal)
        && !returnUrl.Any(char.IsControl);

    private static HtmlPage Form(HttpContext context, IAntiforgery antiforgery, string returnUrl, string? email, string? error, int status = StatusCodes.Status200OK)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        var message = error == null ? string.Empty : $"<p class=\"error\" role=\"alert\">{HtmlPage.Encode(error)}</p>";
        return new HtmlPage("Sign in", $"""
            <h1>Sign in to the exchange</h1>
            {message}
            <form method="post" action="{LoginPath}">
            <input type="hidden" name="{HtmlPage.Encode(tokens.FormFieldName)}" value="{HtmlPage.Encode(tokens.RequestToken)}">
            <input type="hidden" name="returnUrl" value="{HtmlPage.Encode(returnUrl)}">
            <label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required value="{HtmlPage.Encode(email)}">
            <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
            <button type="submit">Sign in</button>
            </form>
            """, status);
    }

    private static readonly ExchangeUser DummyUser = new() { MemberId = "none", DisplayName = "none" };
    private static readonly string DummyHash = new PasswordHasher<ExchangeUser>().HashPassword(DummyUser, SecretHasher.NewSecret());

    /// <summary>Category name for this page's log lines.</summary>
    public sealed class LoginForm;
}
