using System.Net.Http.Headers;
using System.Text;
using Exchange.Core.Data;
using Exchange.Core.Identity;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Identity.Protocol;

/// <summary>The outcome of authenticating the calling client: the client, or the error to answer with.</summary>
public sealed record ClientAuthentication(OAuthClient? Client, OAuthJsonResult? Error, string? ClaimedClientId);

/// <summary>
/// Authenticates a client at the token, revocation and introspection endpoints: client_secret_basic
/// (RFC 6749 section 2.3.1, id and secret form-url-encoded before Base64), client_secret_post, or
/// none for public clients. Unknown client and wrong secret answer identically, and take the same time.
/// </summary>
public sealed class ClientAuthenticator(ExchangeDbContext db, TimeProvider clock)
{
    private static readonly string DummyHash = SecretHasher.Hash("no client has this secret");

    public async Task<ClientAuthentication> AuthenticateAsync(HttpRequest request, IFormCollection form, CancellationToken cancellationToken)
    {
        var header = request.Headers.Authorization.ToString();
        var usedBasic = header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase);
        string? clientId;
        string? secret;
        if (usedBasic)
        {
            if (form.ContainsKey("client_secret") || form.ContainsKey("client_assertion"))
            {
                return Fail(OAuthJsonResult.Error(OAuthErrors.InvalidRequest, "Use one client authentication method only."), null);
            }

            if (!TryParseBasic(header, out clientId, out secret))
            {
                return Fail(OAuthJsonResult.InvalidClient(usedBasic: true), null);
            }

            if (form.TryGetValue("client_id", out var bodyId) && bodyId.ToString() != clientId)
            {
                return Fail(OAuthJsonResult.Error(OAuthErrors.InvalidRequest, "client_id differs from the authenticated client."), clientId);
            }
        }
        else if (header.Length > 0)
        {
            // Bearer or any other scheme is no client authentication this server offers.
            return Fail(OAuthJsonResult.InvalidClient(usedBasic: false), null);
        }
        else
        {
            clientId = form["client_id"].ToString();
            secret = form.TryGetValue("client_secret", out var bodySecret) ? bodySecret.ToString() : null;
            if (form.ContainsKey("client_assertion"))
            {
                return Fail(OAuthJsonResult.Error(OAuthErrors.InvalidClient, "client_assertion is not supported.", StatusCodes.Status401Unauthorized), clientId);
            }
        }

        if (string.IsNullOrEmpty(clientId))
        {
            return Fail(OAuthJsonResult.InvalidClient(usedBasic), null);
        }

        var client = clientId.Length <= 100
            ? await db.OAuthClients.AsNoTracking().SingleOrDefaultAsync(c => c.ClientId == clientId, cancellationToken)
            : null;
        if (client is not { IsActive: true })
        {
            SecretHasher.Verify(secret ?? string.Empty, DummyHash);
            return Fail(OAuthJsonResult.InvalidClient(usedBasic), clientId);
        }

        var authenticated = client.Type switch
        {
            ClientType.Public => secret == null && !usedBasic,
            _ => secret != null && SecretMatches(client, secret),
        };
        return authenticated
            ? new ClientAuthentication(client, null, clientId)
            : Fail(OAuthJsonResult.InvalidClient(usedBasic), clientId);
    }

    private bool SecretMatches(OAuthClient client, string secret)
    {
        var current = SecretHasher.Verify(secret, client.SecretHash);
        // During a rotation's overlap the previous secret still works, so a member can roll out the new one.
        var previous = client.PreviousSecretHash != null
            && client.PreviousSecretExpiresAt > clock.GetUtcNow().UtcDateTime
            && SecretHasher.Verify(secret, client.PreviousSecretHash);
        return current | previous;
    }

    private static ClientAuthentication Fail(OAuthJsonResult error, string? claimedClientId) => new(null, error, claimedClientId);

    /// <summary>RFC 6749 section 2.3.1: Base64 of form-url-encoded id ":" form-url-encoded secret.</summary>
    private static bool TryParseBasic(string header, out string? clientId, out string? secret)
    {
        clientId = secret = null;
        if (!AuthenticationHeaderValue.TryParse(header, out var value) || value.Parameter is not { Length: > 0 } parameter)
        {
            return false;
        }

        string decoded;
        try
        {
            decoded = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Convert.FromBase64String(parameter));
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            return false;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return false;
        }

        clientId = FormDecode(decoded[..colon]);
        secret = FormDecode(decoded[(colon + 1)..]);
        return clientId != null && secret != null;
    }

    private static string? FormDecode(string value)
    {
        try
        {
            return Uri.UnescapeDataString(value.Replace('+', ' '));
        }
        catch (UriFormatException)
        {
            return null;
        }
    }
}
