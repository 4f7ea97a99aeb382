using System.Collections.Frozen;
using System.Security.Claims;
using Exchange.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenIddict.EntityFrameworkCore.Models;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Exchange.Core.Identity;

public sealed class RevocationOptions
{
    public const string Section = "Exchange:Auth";

    /// <summary>
    /// How often each node reloads the access tokens revoked before their expiry: the bound on how
    /// long a revoked token may still be accepted by a node (plus one load's duration).
    /// </summary>
    public TimeSpan RevocationRefresh { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// The access tokens Exchange.Identity revoked before their expiry, held in memory by every node
/// that accepts them, so checking a token costs no database round trip (issue 13). A background
/// loop reloads the set every <see cref="RevocationOptions.RevocationRefresh"/>: only revoked,
/// unexpired access tokens (a handful; access tokens live minutes), found through an index on
/// type, status and expiry. When the set is older than three refreshes (the database cannot be
/// reached, say), the check falls back to asking the database per request, as it did before, so
/// a node never trusts a stale set for long: it fails closed with the database.
/// </summary>
public sealed class RevokedAccessTokens(
    IServiceScopeFactory scopes,
    TimeProvider clock,
    IOptions<RevocationOptions> options,
    ILogger<RevokedAccessTokens> logger) : BackgroundService
{
    /// <summary>Every status but valid means the token no longer stands (OpenIddict's statuses).</summary>
    private static readonly string[] NotValid = [Statuses.Revoked, Statuses.Rejected, Statuses.Redeemed, Statuses.Inactive];

    private Snapshot? _snapshot;

    private sealed record Snapshot(FrozenSet<string> Ids, DateTimeOffset LoadedAt);

    /// <summary>
    /// Whether the token the principal came from has been revoked; from memory while the set is fresh. The
    /// database is asked for (<paramref name="database"/>) only when the set is stale: building a context on
    /// every request showed in the authenticated no-op's CPU profile (issue 13).
    /// </summary>
    public async ValueTask<bool> IsRevokedAsync(ClaimsPrincipal principal, Func<ExchangeDbContext> database, CancellationToken cancellationToken)
    {
        var id = principal.FindFirst(AccessTokenStatus.TokenIdClaim)?.Value;
        if (string.IsNullOrEmpty(id))
        {
            return false;
        }

        var snapshot = Volatile.Read(ref _snapshot);
        if (snapshot != null && clock.GetUtcNow() - snapshot.LoadedAt <= 3 * options.Value.RevocationRefresh)
        {
            return snapshot.Ids.Contains(id);
        }

        return await AccessTokenStatus.IsRevokedAsync(database(), principal, cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RevocationRefresh, clock);
        do
        {
            try
            {
                await LoadAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // The per-request check takes over once the set is stale; say why once per failed load.
                logger.LogWarning("Could not reload the revoked access tokens: {Error}", ex.GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Loads the set now (tests and start-up use it too).</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var started = clock.GetUtcNow();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ExchangeDbContext>();
        var ids = await db.Set<OpenIddictEntityFrameworkCoreToken>().AsNoTracking()
            .Where(t => t.Type == TokenTypeIdentifiers.AccessToken && NotValid.Contains(t.Status!) && t.ExpirationDate > started.UtcDateTime)
            .Select(t => t.Id!)
            .ToListAsync(cancellationToken);
        // Stamped with when the load began: a revocation committed during the load is the next one's.
        Volatile.Write(ref _snapshot, new Snapshot(ids.ToFrozenSet(StringComparer.Ordinal), started));
    }
}

public static class RevokedAccessTokensRegistration
{
    /// <summary>The in-memory revocation set and its reload loop, for a service that accepts Identity's access tokens.</summary>
    public static IServiceCollection AddRevokedAccessTokens(this IServiceCollection services)
    {
        services.AddOptions<RevocationOptions>().BindConfiguration(RevocationOptions.Section)
            .Validate(o => o.RevocationRefresh > TimeSpan.Zero && o.RevocationRefresh <= TimeSpan.FromMinutes(1),
                "Exchange:Auth:RevocationRefresh must be between a moment and a minute.")
            .ValidateOnStart();
        services.AddSingleton<RevokedAccessTokens>();
        services.AddHostedService(sp => sp.GetRequiredService<RevokedAccessTokens>());
        return services;
    }
}
