using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Exchange.Portal.Auth;

/// <summary>
/// Renews the user's access token with the refresh token shortly before it expires, on the
/// way in, so pages never call the API with a dead token. Identity rotates refresh tokens and
/// treats a replayed one as theft (revoking the whole family), so two parallel requests of one
/// session must not both redeem it: redemptions are serialised per refresh token and the
/// outcome is remembered briefly for the request that waited.
/// </summary>
public sealed class TokenRefresher(
    IOptionsMonitor<OpenIdConnectOptions> oidc,
    IHttpClientFactory httpClients,
    IOptions<PortalOptions> options,
    IMemoryCache recent,
    TimeProvider clock,
    ILogger<TokenRefresher> logger)
{
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(60);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new();

    public async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var expiresAt = context.Properties.GetTokenValue("expires_at");
        var refreshToken = context.Properties.GetTokenValue("refresh_token");
        if (expiresAt is null
            || !DateTimeOffset.TryParse(expiresAt, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var expiry)
            || expiry - Margin > clock.GetUtcNow())
        {
            return;
        }

        if (string.IsNullOrEmpty(refreshToken))
        {
            await EndAsync(context);
            return;
        }

        var tokens = await RefreshAsync(refreshToken, context.HttpContext.RequestAborted);
        if (tokens is null)
        {
            await EndAsync(context);
            return;
        }

        context.Properties.UpdateTokenValue("access_token", tokens.AccessToken);
        context.Properties.UpdateTokenValue("refresh_token", tokens.RefreshToken ?? refreshToken);
        if (tokens.IdToken is not null)
        {
            context.Properties.UpdateTokenValue("id_token", tokens.IdToken);
        }

        context.Properties.UpdateTokenValue("expires_at", tokens.ExpiresAt.ToString("o", CultureInfo.InvariantCulture));
        context.ShouldRenew = true;
    }

    private async Task<RefreshedTokens?> RefreshAsync(string refreshToken, CancellationToken cancellationToken)
    {
        var handle = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(refreshToken)));
        var gate = _locks.GetOrAdd(handle, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (recent.TryGetValue(handle, out RefreshedTokens? done))
            {
                return done;
            }

            var result = await RedeemAsync(refreshToken, cancellationToken);
            recent.Set(handle, result, TimeSpan.FromMinutes(1));
            return result;
        }
        finally
        {
            gate.Release();
            _locks.TryRemove(new KeyValuePair<string, SemaphoreSlim>(handle, gate));
        }
    }

    private async Task<RefreshedTokens?> RedeemAsync(string refreshToken, CancellationToken cancellationToken)
    {
        var configuration = await PortalSignIn.ConfigurationAsync(oidc, cancellationToken);
        var client = httpClients.CreateClient(PortalAuth.IdentityHttpClient);
        using var request = new HttpRequestMessage(HttpMethod.Post, configuration.TokenEndpoint)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "refresh_token",
                ["refresh_token"] = refreshToken,
                ["client_id"] = options.Value.ClientId,
                ["client_secret"] = options.Value.ClientSecret,
            }),
        };
        try
        {
            using var response = await client.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                logger.LogInformation("Refreshing a session's access token was refused ({Status}); the session ends", (int)response.StatusCode);
                return null;
            }

            using var payload = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            var root = payload.RootElement;
            var lifetime = root.TryGetProperty("expires_in", out var expiresIn) && expiresIn.TryGetInt32(out var seconds) ? seconds : 300;
            return new RefreshedTokens(
                root.GetProperty("access_token").GetString()!,
                root.TryGetProperty("refresh_token", out var rt) ? rt.GetString() : null,
                root.TryGetProperty("id_token", out var it) ? it.GetString() : null,
                clock.GetUtcNow().AddSeconds(lifetime));
        }
        catch (HttpRequestException ex)
        {
            logger.LogWarning("Identity could not be reached to refresh a session: {Reason}", ex.Message);
            return null;
        }
    }

    private static async Task EndAsync(CookieValidatePrincipalContext context)
    {
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(PortalAuth.CookieScheme);
    }

    private sealed record RefreshedTokens(string AccessToken, string? RefreshToken, string? IdToken, DateTimeOffset ExpiresAt);
}
