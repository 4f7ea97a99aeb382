using Exchange.Core.Data;
using Exchange.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Exchange.Foundation.Tests;

/// <summary>
/// Operators apply deploy/sql/*.sql where the services' account may not change the schema. A
/// script older than the migrations would leave their database behind the code, so a stale one
/// fails here; `./migrations.sh script` rewrites them.
/// </summary>
public sealed class SqlScriptTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite, false)]
    [InlineData(DatabaseProvider.Postgres, true)]
    [InlineData(DatabaseProvider.SqlServer, true)]
    public void The_committed_script_is_what_the_migrations_generate(DatabaseProvider provider, bool idempotent)
    {
        using var db = MigrationSchemaTests.DesignTimeContext(provider);
        var options = idempotent ? MigrationsSqlGenerationOptions.Idempotent : MigrationsSqlGenerationOptions.Default;
        var expected = db.GetService<IMigrator>().GenerateScript(options: options);
        var path = Path.Combine(Repository.Root, "deploy", "sql", $"exchange.{provider.ToString().ToLowerInvariant()}.sql");

        Assert.True(File.Exists(path), $"{path} is missing: run ./migrations.sh script");
        Assert.True(Normalise(expected) == Normalise(File.ReadAllText(path)),
            $"deploy/sql/{Path.GetFileName(path)} is not what the migrations generate: run ./migrations.sh script");
    }

    [Fact]
    public async Task The_postgres_script_applied_twice_builds_the_migrated_schema()
    {
        if (TestDatabase.CurrentProvider != DatabaseProvider.Postgres)
        {
            return;
        }

        await using var scripted = await TestDatabase.CreateAsync();
        await using var migrated = await TestDatabase.CreateAsync();
        var script = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "deploy", "sql", "exchange.postgres.sql"));
        await using (var db = scripted.CreateContext())
        {
            await db.Database.ExecuteSqlRawAsync(script);
            await db.Database.ExecuteSqlRawAsync(script);
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        }

        await migrated.MigrateAsync();
        Assert.Equal(await SchemaReader.ReadAsync(migrated), await SchemaReader.ReadAsync(scripted));
    }

    private static string Normalise(string script) => script.Replace("\r\n", "\n", StringComparison.Ordinal).Trim();
}
