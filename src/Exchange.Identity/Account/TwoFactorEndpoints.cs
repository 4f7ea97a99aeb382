using Exchange.Core.Identity;
using Exchange.Identity.Server;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;

namespace Exchange.Identity.Account;

/// <summary>
/// Turning on an authenticator app (TOTP) for the signed-in user: the page shows the shared key,
/// the user proves the app with one code, and from then on sign-in asks for a code after the password.
/// The portal links here; it needs Identity's own session, so users reach it after signing in.
/// </summary>
public static class TwoFactorEndpoints
{
    public const string Path = "/account/two-factor";

    public static async Task<IResult> ShowAsync(HttpContext context, IAntiforgery antiforgery, UserManager<ExchangeUser> users, IUserStore<ExchangeUser> store)
    {
        if (await CurrentUserAsync(context, users) is not { } user)
        {
            return HtmlPage.Error("Sign in through an application first, then come back to this page.");
        }

        if (await users.GetTwoFactorEnabledAsync(user))
        {
            return new HtmlPage("Authenticator app", "<h1>Authenticator app</h1><p>Sign-in already asks for a code from your authenticator app.</p>");
        }

        var key = await users.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key))
        {
            // Not ResetAuthenticatorKeyAsync: that renews the security stamp and would end the session showing this page.
            key = users.GenerateNewAuthenticatorKey();
            await ((IUserAuthenticatorKeyStore<ExchangeUser>)store).SetAuthenticatorKeyAsync(user, key, context.RequestAborted);
            await users.UpdateAsync(user);
        }

        return Form(context, antiforgery, user, key!, error: null);
    }

    public static async Task<IResult> EnableAsync(HttpContext context, IAntiforgery antiforgery, UserManager<ExchangeUser> users, ILogger<TwoFactorForm> logger)
    {
        try
        {
            await antiforgery.ValidateRequestAsync(context);
        }
        catch (AntiforgeryValidationException)
        {
            return HtmlPage.Error("The form has expired. Open the page again.");
        }

        if (await CurrentUserAsync(context, users) is not { } user)
        {
            return HtmlPage.Error("Sign in through an application first, then come back to this page.");
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var code = form["code"].ToString().Replace(" ", string.Empty, StringComparison.Ordinal);
        var key = await users.GetAuthenticatorKeyAsync(user);
        if (key == null || code.Length is < 6 or > 8 || !await users.VerifyTwoFactorTokenAsync(user, TokenOptions.DefaultAuthenticatorProvider, code))
        {
            return Form(context, antiforgery, user, key ?? string.Empty, "The code is wrong or has expired.", StatusCodes.Status400BadRequest);
        }

        await users.SetTwoFactorEnabledAsync(user, true);
        logger.LogInformation("User {UserId} turned on an authenticator app", user.Id);
        // Turning it on changes the security stamp, which ends this session: the next sign-in asks for a code.
        await context.SignOutAsync(IdentityExtensions.SessionScheme);
        return new HtmlPage("Authenticator app", "<h1>Authenticator app on</h1><p>From now on, sign-in asks for a code from your app.</p>");
    }

    private static async Task<ExchangeUser?> CurrentUserAsync(HttpContext context, UserManager<ExchangeUser> users)
    {
        var session = await context.AuthenticateAsync(IdentityExtensions.SessionScheme);
        return session.Succeeded ? await ProtocolEndpoints.SessionUserAsync(session.Principal!, users) : null;
    }

    private static HtmlPage Form(HttpContext context, IAntiforgery antiforgery, ExchangeUser user, string key, string? error, int status = StatusCodes.Status200OK)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        var uri = $"otpauth://totp/Exchange:{Uri.EscapeDataString(user.Email ?? user.Id.ToString())}?secret={key}&issuer=Exchange&digits=6";
        var message = error == null ? string.Empty : $"<p class=\"error\" role=\"alert\">{HtmlPage.Encode(error)}</p>";
        return new HtmlPage("Authenticator app", $"""
            <h1>Set up an authenticator app</h1>
            {message}
            <p>Add this key to your authenticator app:</p>
            <p><code id="key">{HtmlPage.Encode(key)}</code></p>
            <p>or the address <code>{HtmlPage.Encode(uri)}</code></p>
            <form method="post" action="{Path}">
            <input type="hidden" name="{HtmlPage.Encode(tokens.FormFieldName)}" value="{HtmlPage.Encode(tokens.RequestToken)}">
            <label for="code">Code from the app</label><input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required>
            <button type="submit">Turn on</button>
            </form>
            """, status);
    }

    /// <summary>Category name for this page's log lines.</summary>
    public sealed class TwoFactorForm;
}
