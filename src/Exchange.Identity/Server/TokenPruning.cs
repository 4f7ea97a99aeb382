using Exchange.Identity.Configuration;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;

namespace Exchange.Identity.Server;

/// <summary>
/// Removes OpenIddict's token and authorization entries that can no longer matter: expired or
/// ended longer ago than a refresh family can live, plus a day (OpenIddict's own prune rules). Every Identity node
/// may run it; deleting what another node deleted is a no-op.
/// </summary>
public sealed class TokenPruning(IServiceScopeFactory scopes, TimeProvider clock, IOptions<IdentityServerOptions> options, ILogger<TokenPruning> logger)
    : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                // Kept longer than a refresh family can live, so replay detection never loses its record.
                var threshold = clock.GetUtcNow() - options.Value.RefreshTokenAbsoluteLifetime - TimeSpan.FromDays(1);
                var tokens = await scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>().PruneAsync(threshold, stoppingToken);
                var authorizations = await scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>().PruneAsync(threshold, stoppingToken);
                logger.LogInformation("Pruned {Tokens} token and {Authorizations} authorization entries", tokens, authorizations);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Pruning token entries failed; trying again in an hour");
            }
        }
    }
}
