using Exchange.Core.Data;
using Exchange.Core.Jobs;
using Exchange.Testing;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Exchange.Jobs.Tests;

public sealed class JobStorageTests
{
    [Fact]
    public async Task A_running_Jobs_service_does_not_create_Hangfires_schema_the_migrate_step_does()
    {
        if (TestDatabase.CurrentProvider != DatabaseProvider.Postgres)
        {
            // Hangfire.Storage.SQLite creates its tables whenever it opens (docs/decisions/0301).
            return;
        }

        await using var database = await TestDatabase.CreateAsync();
        await using (var db = database.CreateContext())
        {
            // The exchange's own schema only, as an operator's migration run of an older release left it.
            await db.Database.MigrateAsync();
        }

        await using (var running = new JobsFactory(database, new Dictionary<string, string?>
        {
            ["Exchange:Database:MigrateOnStart"] = "false",
            ["Exchange:Jobs:Storage:InvisibilityTimeout"] = "00:00:05",
        }))
        {
            // It refuses to start, naming the migrate step, and leaves the database as it found it.
            var refused = Assert.ThrowsAny<Exception>(() => running.Services);
            Assert.Contains("migrate", refused.ToString(), StringComparison.Ordinal);
            Assert.False(await HangfireTableExistsAsync(database));
        }

        await using (var migrating = new JobsFactory(database, new Dictionary<string, string?> { ["Exchange:Jobs:Enabled"] = "false" }))
        {
            // MigrateOnStart runs the migrate step (DatabaseMigrator), as `Exchange.Api migrate` does.
            _ = migrating.Services;
            Assert.True(await HangfireTableExistsAsync(database));
        }
    }

    [Fact]
    public void On_SQL_Server_the_storage_is_Hangfire_SqlServer_and_opening_it_touches_no_schema()
    {
        // No SQL Server engine runs here: a port nothing listens on proves that opening the storage,
        // as a service does, neither connects nor prepares a schema.
        var database = new DatabaseOptions
        {
            Provider = DatabaseProvider.SqlServer,
            ConnectionString = "Server=127.0.0.1,1;Database=exchange;User Id=exchange;Password=unused;Connect Timeout=1;Encrypt=false",
        };

        var storage = JobStorageFactory.Create(database, new JobStorageOptions());

        Assert.IsType<Hangfire.SqlServer.SqlServerStorage>(storage);
    }

    [Theory]
    [InlineData("00:00:01", "*/1 * * * * *")]
    [InlineData("00:00:30", "*/30 * * * * *")]
    [InlineData("00:15:00", "0 */15 * * * *")]
    [InlineData("06:00:00", "0 0 */6 * * *")]
    [InlineData("1.00:00:00", "0 0 0 * * *")]
    public void A_recurring_interval_becomes_a_cron_expression_and_back(string interval, string cron)
    {
        var span = TimeSpan.Parse(interval, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(cron, JobSchedule.ToCron(span));
        Assert.Equal(span, JobSchedule.IntervalOf(cron));
    }

    [Theory]
    [InlineData("00:00:00.500")]
    [InlineData("00:00:07")]
    [InlineData("00:01:30")]
    [InlineData("05:00:00")]
    [InlineData("2.00:00:00")]
    public void An_interval_no_cron_can_keep_is_refused(string interval)
    {
        Assert.NotNull(JobSchedule.RefusalFor(TimeSpan.Parse(interval, System.Globalization.CultureInfo.InvariantCulture)));
    }

    private static async Task<bool> HangfireTableExistsAsync(TestDatabase database)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'hangfire' AND table_name = 'job'";
        return (long)(await command.ExecuteScalarAsync())! > 0;
    }
}
