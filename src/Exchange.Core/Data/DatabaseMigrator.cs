using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Exchange.Core.Data;

public static class DatabaseMigrator
{
    /// <summary>
    /// Applies pending migrations. Safe to run from several processes: EF Core holds its migration
    /// lock while it applies them, and each migration runs in a transaction and is recorded once.
    /// </summary>
    public static async Task MigrateAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ExchangeDbContext>();
        var logger = scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DatabaseMigrator));
        await HandWrittenHistory.AdoptAsync(db, logger, cancellationToken);

        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count == 0)
        {
            logger.LogInformation("Database schema is up to date");
            return;
        }

        logger.LogInformation("Applying {Count} migration(s): {Migrations}", pending.Count, string.Join(", ", pending));
        await db.Database.MigrateAsync(cancellationToken);
    }
}

/// <summary>
/// Carries a database built by the hand-written migrations of 2026-11-22 (before EF Core's own
/// tooling could be restored here) over to the generated history without touching a row. Those
/// three migrations produced exactly today's Baseline and QuartzJobStore (their schema test proved
/// migrated schema equal to the model), so the history rows are exchanged and nothing else runs.
/// </summary>
internal static class HandWrittenHistory
{
    public static readonly string[] MigrationIds =
        ["20261122000000_Initial", "20261122030000_QuartzJobStore", "20261122040000_PortalSessions"];

    /// <summary>What the hand-written history stands for in each provider's generated one.</summary>
    private static readonly string[] Equivalents = ["_Baseline", "_QuartzJobStore"];

    public static async Task AdoptAsync(ExchangeDbContext db, ILogger logger, CancellationToken cancellationToken)
    {
        var history = db.GetService<IHistoryRepository>();
        if (!await history.ExistsAsync(cancellationToken)
            || !(await history.GetAppliedMigrationsAsync(cancellationToken)).Any(r => MigrationIds.Contains(r.MigrationId)))
        {
            return;
        }

        // The same lock MigrateAsync takes, so two processes starting together adopt once. It is
        // taken inside the transaction, where PostgreSQL's LOCK TABLE must be.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await using var databaseLock = await history.AcquireDatabaseLockAsync(cancellationToken);
        var applied = (await history.GetAppliedMigrationsAsync(cancellationToken)).Select(r => r.MigrationId).ToHashSet(StringComparer.Ordinal);
        var legacy = MigrationIds.Where(applied.Contains).ToList();
        if (legacy.Count == 0)
        {
            return;
        }

        if (legacy.Count != MigrationIds.Length)
        {
            throw new InvalidOperationException(
                $"The database was left part-way through the hand-written migrations ({string.Join(", ", legacy)} applied). " +
                "Finish them with the release of 2026-11-22, then migrate again.");
        }

        var adopted = db.Database.GetMigrations()
            .Where(id => Equivalents.Any(suffix => id.EndsWith(suffix, StringComparison.Ordinal)))
            .ToList();
        if (adopted.Count != Equivalents.Length)
        {
            throw new InvalidOperationException(
                $"The hand-written history cannot be carried over on {db.Database.ProviderName}: it has no Baseline and QuartzJobStore migrations.");
        }

        var version = ProductVersion();
        foreach (var id in legacy)
        {
            await db.Database.ExecuteSqlRawAsync(history.GetDeleteScript(id), cancellationToken);
        }

        foreach (var id in adopted.Where(id => !applied.Contains(id)))
        {
            await db.Database.ExecuteSqlRawAsync(history.GetInsertScript(new HistoryRow(id, version)), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Carried the hand-written migration history over to {Migrations}", string.Join(", ", adopted));
    }

    private static string ProductVersion()
    {
        var informational = typeof(DbContext).Assembly
            .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion ?? "10.0";
        return informational.Split('+')[0];
    }
}
