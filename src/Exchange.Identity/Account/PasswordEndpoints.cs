using System.Security.Claims;
using Exchange.Core.Identity;
using Exchange.Core.Mail;
using Exchange.Identity.Configuration;
using Exchange.Identity.Server;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;

namespace Exchange.Identity.Account;

/// <summary>
/// Passwords: an invited user sets the first one from the link in the invitation, anyone who forgot
/// theirs asks for a reset link by e-mail, and a signed-in user changes theirs with the current one.
/// Links carry ASP.NET Core Identity's tokens (bound to the security stamp: single use, expiring);
/// setting a password ends the user's other sessions and refresh tokens.
/// </summary>
public static class PasswordEndpoints
{
    public const string SetPath = "/account/set-password";
    public const string ForgotPath = "/account/forgot-password";
    public const string ChangePath = "/account/password";
    public const string ForgotRateLimitPolicy = "forgot-password";

    public const string Invitation = "invite";
    public const string Reset = "reset";

    private const string LinkUnusable =
        "This link has expired or was already used. Ask for a new one with \"Forgot your password?\" on the sign-in page, or ask your organisation's admin to invite you again.";

    /// <summary>The link an invitation or reset mail carries: the token in it is the only secret.</summary>
    public static async Task<Uri> LinkAsync(UserManager<ExchangeUser> users, ExchangeUser user, string kind, IdentityServerOptions options, HttpRequest request)
    {
        var token = kind == Invitation
            ? await users.GenerateUserTokenAsync(user, InvitationTokenProvider.ProviderName, UserManager<ExchangeUser>.ResetPasswordTokenPurpose)
            : await users.GeneratePasswordResetTokenAsync(user);
        var issuer = options.Issuer is { Length: > 0 } configured ? configured.TrimEnd('/') : $"{request.Scheme}://{request.Host}";
        return new Uri(issuer + SetPath + QueryString.Create([
            KeyValuePair.Create("user", (string?)user.Id.ToString()),
            KeyValuePair.Create("kind", (string?)kind),
            KeyValuePair.Create("token", (string?)token)]));
    }

    private static async Task<bool> IsValidAsync(UserManager<ExchangeUser> users, ExchangeUser user, string kind, string token) =>
        kind switch
        {
            Invitation => await users.VerifyUserTokenAsync(user, InvitationTokenProvider.ProviderName, UserManager<ExchangeUser>.ResetPasswordTokenPurpose, token),
            Reset => await users.VerifyUserTokenAsync(user, users.Options.Tokens.PasswordResetTokenProvider, UserManager<ExchangeUser>.ResetPasswordTokenPurpose, token),
            _ => false,
        };

    private static async Task<ExchangeUser?> LinkUserAsync(UserManager<ExchangeUser> users, string? id, string? kind, string? token) =>
        Guid.TryParse(id, out var userId) && kind is Invitation or Reset && token is { Length: > 0 and < 2048 }
        && await users.FindByIdAsync(userId.ToString()) is { IsActive: true } user
        && await IsValidAsync(users, user, kind, token)
            ? user
            : null;

    public static async Task<IResult> ShowSetAsync(HttpContext context, IAntiforgery antiforgery, UserManager<ExchangeUser> users, string? user, string? kind, string? token) =>
        await LinkUserAsync(users, user, kind, token) is { } found
            ? SetForm(context, antiforgery, found, kind!, token!, errors: null)
            : LinkProblem();

    public static async Task<IResult> SubmitSetAsync(
        HttpContext context, IAntiforgery antiforgery, UserManager<ExchangeUser> users, IOpenIddictAuthorizationManager authorizations,
        IOptions<IdentityServerOptions> options, ILogger<PasswordForm> logger)
    {
        if (await ReadFormAsync(context, antiforgery) is not { } form)
        {
            return HtmlPage.Error("The form has expired. Open the link from your e-mail again.");
        }

        var kind = form["kind"].ToString();
        var token = form["token"].ToString();
        if (await LinkUserAsync(users, form["user"], kind, token) is not { } user)
        {
            return LinkProblem();
        }

        var password = form["password"].ToString();
        if (NewPasswordErrors(password, form["confirm"].ToString()) is { } mismatch)
        {
            return SetForm(context, antiforgery, user, kind, token, mismatch);
        }

        // The link was checked with its own provider; the change itself is Identity's reset, which
        // validates the password and renews the security stamp (ending this link and every session).
        var result = await users.ResetPasswordAsync(user, await users.GeneratePasswordResetTokenAsync(user), password);
        if (!result.Succeeded)
        {
            return SetForm(context, antiforgery, user, kind, token, PasswordErrors(result));
        }

        await authorizations.RevokeBySubjectAsync(user.Id.ToString(), context.RequestAborted);
        await users.ResetAccessFailedCountAsync(user);
        await context.SignOutAsync(IdentityExtensions.SessionScheme);
        logger.LogInformation("User {UserId} set a password from a {Kind} link", user.Id, kind);
        return new HtmlPage("Password set", $"""
            <h1>Your password is set</h1>
            <div class="alert success" role="status"><p>You can now sign in with your e-mail address and the new password.{(kind == Reset ? " Every other session of yours was signed out." : "")}</p></div>
            {PortalLink(options.Value)}
            """);
    }

    public static IResult ShowForgot(HttpContext context, IAntiforgery antiforgery, string? returnUrl) =>
        ForgotForm(context, antiforgery, LoginEndpoints.IsAuthorizeReturnUrl(returnUrl) ? returnUrl : null, errors: null);

    /// <summary>
    /// Always the same answer, whether or not the address has an account, so the page cannot be used
    /// to find out who is a user; the mail goes out in the background so the timing does not tell either.
    /// </summary>
    public static async Task<IResult> SubmitForgotAsync(
        HttpContext context, IAntiforgery antiforgery, UserManager<ExchangeUser> users, AccountMailer mailer,
        IOptions<IdentityServerOptions> options, ILogger<PasswordForm> logger)
    {
        if (await ReadFormAsync(context, antiforgery) is not { } form)
        {
            return HtmlPage.Error("The form has expired. Go back to the sign-in page and start again.");
        }

        var returnUrl = form["returnUrl"].ToString() is { } r && LoginEndpoints.IsAuthorizeReturnUrl(r) ? r : null;
        var email = form["email"].ToString().Trim();
        if (email.Length is 0 or > 256 || !email.Contains('@', StringComparison.Ordinal))
        {
            return ForgotForm(context, antiforgery, returnUrl, new Dictionary<string, string> { ["email"] = "Enter the e-mail address you sign in with, like name@example.com." }, email);
        }

        if (await users.FindByEmailAsync(email) is { IsActive: true } user)
        {
            var link = await LinkAsync(users, user, Reset, options.Value, context.Request);
            mailer.Enqueue(user.Id, "password reset", user.Email!, user.DisplayName, AccountMail.PasswordReset(user.DisplayName, link, options.Value.PasswordResetLifetime));
            logger.LogInformation("Password reset asked for user {UserId}", user.Id);
        }
        else
        {
            logger.LogInformation("Password reset asked for an address with no active account");
        }

        var back = returnUrl == null ? "" : $"""<p><a href="{HtmlPage.Encode(LoginEndpoints.LoginPath + QueryString.Create("returnUrl", returnUrl))}">Back to sign in</a></p>""";
        return new HtmlPage("Check your e-mail", $"""
            <h1>Check your e-mail</h1>
            <div class="alert success" role="status"><p>If an account uses that address, we sent it a link to choose a new password. The link works once, for {AccountMail.Describe(options.Value.PasswordResetLifetime)}.</p></div>
            <p>No mail after a few minutes? Check the address and your spam folder, then ask again.</p>
            {back}
            """);
    }

    public static async Task<IResult> ShowChangeAsync(HttpContext context, IAntiforgery antiforgery, UserManager<ExchangeUser> users) =>
        await CurrentUserAsync(context, users) is not null
            ? ChangeForm(context, antiforgery, errors: null)
            : HtmlPage.Error("Sign in through the portal first, then come back to this page.");

    public static async Task<IResult> SubmitChangeAsync(
        HttpContext context, IAntiforgery antiforgery, UserManager<ExchangeUser> users, IOpenIddictAuthorizationManager authorizations,
        IOptions<IdentityServerOptions> options, ILogger<PasswordForm> logger)
    {
        if (await ReadFormAsync(context, antiforgery) is not { } form)
        {
            return HtmlPage.Error("The form has expired. Open the page again.");
        }

        if (await CurrentUserAsync(context, users) is not { } user)
        {
            return HtmlPage.Error("Sign in through the portal first, then come back to this page.");
        }

        var password = form["password"].ToString();
        if (NewPasswordErrors(password, form["confirm"].ToString()) is { } mismatch)
        {
            return ChangeForm(context, antiforgery, mismatch);
        }

        if (await users.IsLockedOutAsync(user) || !await users.CheckPasswordAsync(user, form["current"].ToString()))
        {
            // A wrong current password counts towards the lockout, as at sign-in.
            await users.AccessFailedAsync(user);
            logger.LogWarning("Password change refused for user {UserId}: wrong current password", user.Id);
            return ChangeForm(context, antiforgery, new Dictionary<string, string> { ["current"] = "The current password is wrong, or the account is locked for a while." });
        }

        var result = await users.ChangePasswordAsync(user, form["current"].ToString(), password);
        if (!result.Succeeded)
        {
            return ChangeForm(context, antiforgery, PasswordErrors(result));
        }

        // The new security stamp ends every other session; refresh tokens end here. This browser keeps
        // its session under the new stamp.
        await authorizations.RevokeBySubjectAsync(user.Id.ToString(), context.RequestAborted);
        var session = await context.AuthenticateAsync(IdentityExtensions.SessionScheme);
        var claims = session.Principal!.Claims.Where(c => c.Type != LoginEndpoints.SecurityStampClaim)
            .Append(new Claim(LoginEndpoints.SecurityStampClaim, user.SecurityStamp ?? string.Empty));
        await context.SignInAsync(IdentityExtensions.SessionScheme, new ClaimsPrincipal(new ClaimsIdentity(claims, IdentityExtensions.SessionScheme, "sub", "role")));
        logger.LogInformation("User {UserId} changed their password", user.Id);
        return new HtmlPage("Password changed", $"""
            <h1>Your password is changed</h1>
            <div class="alert success" role="status"><p>Use the new password from now on. Your other sessions and connected apps were signed out.</p></div>
            {PortalLink(options.Value)}
            """);
    }

    private static async Task<ExchangeUser?> CurrentUserAsync(HttpContext context, UserManager<ExchangeUser> users)
    {
        var session = await context.AuthenticateAsync(IdentityExtensions.SessionScheme);
        return session.Succeeded ? await ProtocolEndpoints.SessionUserAsync(session.Principal!, users) : null;
    }

    private static async Task<IFormCollection?> ReadFormAsync(HttpContext context, IAntiforgery antiforgery)
    {
        if (!context.Request.HasFormContentType)
        {
            return null;
        }

        try
        {
            await antiforgery.ValidateRequestAsync(context);
        }
        catch (AntiforgeryValidationException)
        {
            return null;
        }

        return await context.Request.ReadFormAsync(context.RequestAborted);
    }

    private static Dictionary<string, string>? NewPasswordErrors(string password, string confirm) =>
        password.Length == 0 ? new() { ["password"] = "Enter a new password of at least 12 characters." }
        : password.Length > 256 ? new() { ["password"] = "The new password is at most 256 characters." }
        : password != confirm ? new() { ["confirm"] = "The two passwords differ: type the same new password twice." }
        : null;

    private static Dictionary<string, string> PasswordErrors(IdentityResult result) =>
        new() { ["password"] = string.Join(" ", result.Errors.Select(e => e.Description)) };

    private static IResult LinkProblem() =>
        new HtmlPage("Link no longer valid", $"""
            <h1>This link no longer works</h1>
            <div class="alert error" role="alert"><p>{HtmlPage.Encode(LinkUnusable)}</p></div>
            """, StatusCodes.Status400BadRequest);

    private static string PortalLink(IdentityServerOptions options) =>
        options.PortalPostLogoutRedirectUri is { Length: > 0 } portal
            ? $"""<p><a class="button primary" href="{HtmlPage.Encode(portal)}">Go to the portal</a></p>"""
            : "<p>Go back to the application you use and sign in.</p>";

    private static HtmlPage SetForm(HttpContext context, IAntiforgery antiforgery, ExchangeUser user, string kind, string token, Dictionary<string, string>? errors)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        var title = kind == Invitation ? "Set your password" : "Choose a new password";
        return new HtmlPage(title, $"""
            <h1>{title}</h1>
            {HtmlPage.ErrorSummary(errors, FieldNames)}
            <p>For <strong>{HtmlPage.Encode(user.Email)}</strong>. At least 12 characters, with an upper-case and a lower-case letter, a digit and a symbol, such as <code>Blue-harbour-2026</code> (not that one).</p>
            <form method="post" action="{SetPath}" class="stack" novalidate>
            {HtmlPage.Csrf(tokens)}
            <input type="hidden" name="user" value="{user.Id}">
            <input type="hidden" name="kind" value="{HtmlPage.Encode(kind)}">
            <input type="hidden" name="token" value="{HtmlPage.Encode(token)}">
            <input type="text" name="username" value="{HtmlPage.Encode(user.Email)}" autocomplete="username" hidden>
            {HtmlPage.Field("password", FieldNames["password"], "password", "new-password", errors)}
            {HtmlPage.Field("confirm", FieldNames["confirm"], "password", "new-password", errors)}
            <div><button type="submit" class="primary">Set password</button></div>
            </form>
            """, errors == null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }

    private static HtmlPage ForgotForm(HttpContext context, IAntiforgery antiforgery, string? returnUrl, Dictionary<string, string>? errors, string? email = null)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        var back = returnUrl == null ? "" : $"""<p><a href="{HtmlPage.Encode(LoginEndpoints.LoginPath + QueryString.Create("returnUrl", returnUrl))}">Back to sign in</a></p>""";
        return new HtmlPage("Forgot your password", $"""
            <h1>Forgot your password?</h1>
            {HtmlPage.ErrorSummary(errors, FieldNames)}
            <p>Enter the e-mail address you sign in with. If it has an account, we send it a link to choose a new password.</p>
            <form method="post" action="{ForgotPath}" class="stack" novalidate>
            {HtmlPage.Csrf(tokens)}
            <input type="hidden" name="returnUrl" value="{HtmlPage.Encode(returnUrl)}">
            {HtmlPage.Field("email", FieldNames["email"], "email", "username", errors, email)}
            <div><button type="submit" class="primary">Send the link</button></div>
            </form>
            {back}
            """, errors == null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }

    private static HtmlPage ChangeForm(HttpContext context, IAntiforgery antiforgery, Dictionary<string, string>? errors)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        return new HtmlPage("Change your password", $"""
            <h1>Change your password</h1>
            {HtmlPage.ErrorSummary(errors, FieldNames)}
            <p>Changing it signs you out of your other sessions and connected apps.</p>
            <form method="post" action="{ChangePath}" class="stack" novalidate>
            {HtmlPage.Csrf(tokens)}
            {HtmlPage.Field("current", FieldNames["current"], "password", "current-password", errors)}
            {HtmlPage.Field("password", FieldNames["password"], "password", "new-password", errors)}
            {HtmlPage.Field("confirm", FieldNames["confirm"], "password", "new-password", errors)}
            <div><button type="submit" class="primary">Change password</button></div>
            </form>
            """, errors == null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }

    private static readonly Dictionary<string, string> FieldNames = new()
    {
        ["email"] = "Email",
        ["current"] = "Current password",
        ["password"] = "New password",
        ["confirm"] = "New password again",
    };

    /// <summary>Category name for these pages' log lines.</summary>
    public sealed class PasswordForm;
}
