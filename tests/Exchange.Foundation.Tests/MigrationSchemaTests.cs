using Exchange.Core.Data;
using Exchange.Testing;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Foundation.Tests;

/// <summary>
/// The migrations are written by hand, so this is what keeps them honest: a database built by
/// the migrations must have exactly the schema EF derives from the model, on this run's provider.
/// </summary>
public sealed class MigrationSchemaTests
{
    [Fact]
    public async Task A_migrated_database_has_exactly_the_schema_of_the_model()
    {
        await using var migrated = await TestDatabase.CreateAsync();
        await using var created = await TestDatabase.CreateAsync();
        await migrated.MigrateAsync();
        await using (var db = created.CreateContext())
        {
            await db.Database.EnsureCreatedAsync();
        }

        var fromMigrations = await SchemaReader.ReadAsync(migrated);
        var fromModel = await SchemaReader.ReadAsync(created);

        Assert.NotEmpty(fromModel);
        Assert.Contains(fromModel, line => line.StartsWith("column cases.", StringComparison.Ordinal));
        Assert.Equal(fromModel, fromMigrations);
    }

    [Fact]
    public async Task Migrating_twice_is_a_no_op_and_records_every_migration()
    {
        await using var database = await TestDatabase.CreateAsync();
        await database.MigrateAsync();
        await database.MigrateAsync();

        await using var db = database.CreateContext();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
    }
}
