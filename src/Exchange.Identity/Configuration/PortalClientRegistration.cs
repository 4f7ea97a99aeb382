using Exchange.Core.Data;
using Exchange.Core.Identity;
using Exchange.Core.Members;
using Exchange.Identity.Server;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Exchange.Identity.Configuration;

/// <summary>
/// Registers the portal as a first-party confidential client at start, from configuration, so
/// its secret and addresses are set per deployment and never edited by hand in the database.
/// </summary>
public sealed class PortalClientRegistration(IServiceScopeFactory scopes, IOptions<IdentityServerOptions> options, TimeProvider clock, ILogger<PortalClientRegistration> logger)
    : IHostedService
{
    public const string ClientId = "exchange-portal";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (string.IsNullOrEmpty(settings.PortalClientSecret) || string.IsNullOrEmpty(settings.PortalRedirectUri))
        {
            logger.LogInformation("No portal client configured (Exchange:Identity:PortalClientSecret / PortalRedirectUri)");
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ExchangeDbContext>();
        try
        {
            var client = await db.OAuthClients.SingleOrDefaultAsync(c => c.ClientId == ClientId, cancellationToken);
            if (client == null)
            {
                client = new OAuthClient
                {
                    ClientId = ClientId,
                    DisplayName = "Exchange portal",
                    MemberId = Member.OperatorId,
                    Type = ClientType.Confidential,
                    FirstParty = true,
                    CreatedAt = clock.GetUtcNow().UtcDateTime,
                };
                db.OAuthClients.Add(client);
            }

            client.SecretHash = SecretHasher.Hash(settings.PortalClientSecret);
            client.AllowedGrantTypes = [GrantTypes.AuthorizationCode, GrantTypes.RefreshToken];
            client.AllowedScopes = [.. ProtocolPaths.IdentityScopes, .. Scopes.Api];
            client.RedirectUris = [settings.PortalRedirectUri];
            client.PostLogoutRedirectUris = string.IsNullOrEmpty(settings.PortalPostLogoutRedirectUri) ? [] : [settings.PortalPostLogoutRedirectUri];
            client.IsActive = true;
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
        {
            // Without migrations applied there is nothing to register into; readiness reports the database.
            logger.LogError(ex, "The portal client could not be registered");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
