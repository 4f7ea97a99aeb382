using Exchange.Core.Data;
using Exchange.Core.Members;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Core.Identity;

/// <summary>
/// The Jobs service's Hangfire dashboard as a client of Exchange.Identity: a first-party confidential
/// client that signs operator staff in with the authorization code flow (PKCE) and asks for nothing
/// beyond their identity and roles. The whole registration is here, so moving Identity to another
/// server (OpenIddict's application manager, say) changes this one place.
/// </summary>
public static class JobsDashboardClient
{
    public const string ClientId = "jobs-dashboard";

    /// <summary>The demo's secret; Exchange.Jobs refuses a `dev-` secret in Production.</summary>
    public const string DevelopmentSecret = "dev-jobs-dashboard-secret";

    /// <summary>Where the demo's Jobs service receives the sign-in (Exchange:Identity:JobsDashboardRedirectUri overrides it).</summary>
    public const string DevelopmentRedirectUri = "http://127.0.0.1:5004/signin-oidc";

    public static readonly IReadOnlyList<string> Scopes = ["openid", "profile"];

    /// <summary>Adds the client, or updates its secret and addresses; idempotent.</summary>
    public static async Task RegisterAsync(ExchangeDbContext db, string secret, string redirectUri, string? postLogoutRedirectUri, DateTime now, CancellationToken cancellationToken = default)
    {
        var client = await db.OAuthClients.SingleOrDefaultAsync(c => c.ClientId == ClientId, cancellationToken);
        if (client is null)
        {
            client = new OAuthClient
            {
                ClientId = ClientId,
                DisplayName = "Exchange jobs dashboard",
                MemberId = Member.OperatorId,
                Type = ClientType.Confidential,
                FirstParty = true,
                CreatedAt = now,
            };
            db.OAuthClients.Add(client);
        }

        client.SecretHash = SecretHasher.Hash(secret);
        client.AllowedGrantTypes = [GrantTypes.AuthorizationCode];
        client.AllowedScopes = [.. Scopes];
        client.RedirectUris = [redirectUri];
        client.PostLogoutRedirectUris = postLogoutRedirectUri is null ? [] : [postLogoutRedirectUri];
        client.IsActive = true;
        await db.SaveChangesAsync(cancellationToken);
    }
}
