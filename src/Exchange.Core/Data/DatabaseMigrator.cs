using Exchange.Core.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Exchange.Core.Data;

public static class DatabaseMigrator
{
    /// <summary>
    /// Applies pending migrations, then installs or upgrades Hangfire's job storage schema, which is
    /// not part of the EF model (<see cref="JobStorageFactory.InstallSchema"/>). Safe to run from
    /// several processes: each migration runs in a transaction and is recorded once, and Hangfire's
    /// installer takes its own lock.
    /// </summary>
    public static async Task MigrateAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ExchangeDbContext>();
        var logger = scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DatabaseMigrator));
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count == 0)
        {
            logger.LogInformation("Database schema is up to date");
        }
        else
        {
            logger.LogInformation("Applying {Count} migration(s): {Migrations}", pending.Count, string.Join(", ", pending));
            await db.Database.MigrateAsync(cancellationToken);
        }

        var database = scope.ServiceProvider.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        var jobStorage = scope.ServiceProvider.GetService<IOptions<JobStorageOptions>>()?.Value ?? new JobStorageOptions();
        JobStorageFactory.InstallSchema(database, jobStorage);
        logger.LogInformation("Job storage schema is up to date");
    }
}
