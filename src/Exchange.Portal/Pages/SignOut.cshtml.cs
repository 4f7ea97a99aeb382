using Exchange.Portal.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Exchange.Portal.Pages;

/// <summary>
/// Ends the portal session (the server-side ticket is deleted), revokes the refresh token, and
/// hands the browser to Identity's end-session endpoint so the single sign-on session ends too.
/// </summary>
[AllowAnonymous]
public sealed class SignOutModel(IOptionsMonitor<OpenIdConnectOptions> oidc, IHttpClientFactory httpClients, IOptions<PortalOptions> options, ILogger<SignOutModel> logger) : PageModel
{
    public string? EndSessionEndpoint { get; private set; }
    public string? IdTokenHint { get; private set; }
    public string PostLogoutRedirectUri { get; private set; } = "";

    public IActionResult OnGet() => Redirect("/");

    public async Task<IActionResult> OnPostAsync()
    {
        var idToken = await HttpContext.GetTokenAsync("id_token");
        var refreshToken = await HttpContext.GetTokenAsync("refresh_token");
        await HttpContext.SignOutAsync(PortalAuth.CookieScheme);
        if (idToken is null)
        {
            return Redirect("/signed-out");
        }

        try
        {
            var configuration = await PortalSignIn.ConfigurationAsync(oidc, HttpContext.RequestAborted);
            if (refreshToken is not null && configuration.AdditionalData.TryGetValue("revocation_endpoint", out var revocation) && revocation is string revocationEndpoint)
            {
                await RevokeAsync(revocationEndpoint, refreshToken);
            }

            EndSessionEndpoint = configuration.EndSessionEndpoint;
        }
        catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or TaskCanceledException)
        {
            logger.LogWarning("Identity could not be reached during sign-out: {Reason}", ex.GetType().Name);
        }

        if (string.IsNullOrEmpty(EndSessionEndpoint))
        {
            return Redirect("/signed-out");
        }

        IdTokenHint = idToken;
        // Registered at Identity as the portal root (Exchange:Identity:PortalPostLogoutRedirectUri).
        PostLogoutRedirectUri = $"{Request.Scheme}://{Request.Host}/";
        return Page();
    }

    private async Task RevokeAsync(string endpoint, string refreshToken)
    {
        var client = httpClients.CreateClient(PortalAuth.IdentityHttpClient);
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = refreshToken,
            ["token_type_hint"] = "refresh_token",
            ["client_id"] = options.Value.ClientId,
            ["client_secret"] = options.Value.ClientSecret,
        });
        using var response = await client.PostAsync(endpoint, content, HttpContext.RequestAborted);
        if (!response.IsSuccessStatusCode)
        {
            logger.LogInformation("Revoking the refresh token at sign-out answered {Status}", (int)response.StatusCode);
        }
    }
}
