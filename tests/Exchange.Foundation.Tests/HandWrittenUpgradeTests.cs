using System.Data.Common;
using System.Xml.Linq;
using Exchange.Core.Authorisations;
using Exchange.Core.Cases;
using Exchange.Core.Content;
using Exchange.Core.Data;
using Exchange.Testing;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Exchange.Foundation.Tests;

/// <summary>
/// A database made by the hand-written migrations that served until 2026-11-22 (their script is
/// kept under Legacy/) is carried over to the generated history by the ordinary migrate step,
/// with every row and the key ring intact.
/// </summary>
public sealed class HandWrittenUpgradeTests
{
    private const string Purpose = "upgrade-test";

    [Fact]
    public async Task A_database_built_by_the_hand_written_migrations_is_upgraded_without_losing_a_row()
    {
        await using var database = await TestDatabase.CreateAsync();
        await ExecuteAsync(database, await File.ReadAllTextAsync(LegacyScript(database)));
        var (protectedSecret, keyCount) = await FillAsync(database);
        var before = await ReadRowsAsync(database);

        await using (var services = Services(database))
        {
            await DatabaseMigrator.MigrateAsync(services);
            await DatabaseMigrator.MigrateAsync(services);
        }

        await using var db = database.CreateContext();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        var applied = (await db.Database.GetAppliedMigrationsAsync()).ToList();
        Assert.Equal(db.Database.GetMigrations(), applied);
        Assert.DoesNotContain(applied, id => id.StartsWith("20261122", StringComparison.Ordinal));

        Assert.Equal(before, await ReadRowsAsync(database));
        Assert.Equal(DemoSeed.Users.Count, await db.Users.CountAsync());
        var upgradedCase = await db.Cases.Include(c => c.Fields).Include(c => c.Notes).SingleAsync();
        Assert.Equal("Printer driver crashes the scanner service", upgradedCase.Fields.Single(f => f.Name == FieldCatalogue.Summary).Value);
        Assert.Single(upgradedCase.Notes);

        // The migrate step then seals the plaintext rows (decision 0006); they read as before.
        await using (var sealing = database.CreateContext())
        {
            Assert.Equal(1, await ContentKeyRotation.SealPlaintextAsync(sealing, new Exchange.Core.Audit.AuditLog(sealing, TimeProvider.System), batchSize: 10));
            Assert.Equal(0, await ContentKeyRotation.SealPlaintextAsync(sealing, new Exchange.Core.Audit.AuditLog(sealing, TimeProvider.System), batchSize: 10));
        }

        await using (var sealedDb = database.CreateContext())
        {
            var stored = await sealedDb.Database.SqlQuery<string>($"SELECT \"Value\" AS \"Value\" FROM case_fields").SingleAsync();
            Assert.DoesNotContain("Printer", stored, StringComparison.Ordinal);
            await sealedDb.UnlockAsync(upgradedCase.Id);
            var reread = await sealedDb.Cases.AsNoTracking().Include(c => c.Fields).Include(c => c.Notes).SingleAsync();
            Assert.Equal("Printer driver crashes the scanner service", reread.Fields.Single(f => f.Name == FieldCatalogue.Summary).Value);
            Assert.Equal("Logs attached in our ticket.", reread.Notes.Single().Body);
            Assert.Equal("ACME-4711", reread.SubmitterCaseReference);
        }

        // The key ring moved into the data-protection package's table: what the old ring protected still opens.
        Assert.Equal(keyCount, await db.DataProtectionKeys.CountAsync());
        await using (var services = Services(database))
        {
            var protector = services.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose);
            Assert.Equal("the webhook secret of the old ring", protector.Unprotect(protectedSecret));
        }

        await using var fresh = await TestDatabase.CreateAsync();
        await fresh.MigrateAsync();
        Assert.Equal(await SchemaReader.ReadAsync(fresh), await SchemaReader.ReadAsync(database));
    }

    [Fact]
    public async Task A_database_left_part_way_through_the_hand_written_migrations_is_refused_untouched()
    {
        await using var database = await TestDatabase.CreateAsync();
        await ExecuteAsync(database, await File.ReadAllTextAsync(LegacyScript(database)));
        await ExecuteAsync(database, "DELETE FROM __ef_migrations WHERE \"MigrationId\" = '20261122040000_PortalSessions'");

        await using var services = Services(database);
        var refusal = await Assert.ThrowsAsync<InvalidOperationException>(() => DatabaseMigrator.MigrateAsync(services));

        Assert.Contains("part-way", refusal.Message);
        await using var db = database.CreateContext();
        Assert.Equal(["20261122000000_Initial", "20261122030000_QuartzJobStore"], await db.Database.GetAppliedMigrationsAsync());
    }

    private static readonly string[] ContentTables = ["cases", "case_fields", "case_notes"];

    /// <summary>
    /// Nullable columns later migrations added to tables the fill writes (issue 15: who accepted a case, its
    /// first answer, a note's author): present only while today's model writes the old rows.
    /// </summary>
    private static readonly (string Table, string Column, string Sqlite, string Postgres)[] LaterColumns =
    [
        ("cases", "AcceptedBy", "TEXT", "character varying(200)"),
        ("cases", "RespondedAt", "TEXT", "timestamp with time zone"),
        ("cases", "RespondedInTime", "INTEGER", "boolean"),
        ("case_notes", "AuthorName", "TEXT", "text"),
    ];

    /// <summary>A context as the code before decision 0006 had: no content interceptor, so content is written as it is.</summary>
    private static ExchangeDbContext LegacyContext(TestDatabase database)
    {
        var builder = new DbContextOptionsBuilder<ExchangeDbContext>();
        if (database.Provider == DatabaseProvider.Sqlite)
        {
            builder.UseSqlite(database.ConnectionString);
        }
        else
        {
            builder.UseNpgsql(database.ConnectionString);
        }

        return new ExchangeDbContext(builder.Options);
    }

    private static string LegacyScript(TestDatabase database) => Path.Combine(
        AppContext.BaseDirectory, "Legacy", $"hand-written-2026-11-22.{database.Provider.ToString().ToLowerInvariant()}.sql");

    private static ServiceProvider Services(TestDatabase database)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddDbContext<ExchangeDbContext>(b => DatabaseServiceCollectionExtensions.Configure(b, database.Options));
        services.AddDataProtection().SetApplicationName("exchange").PersistKeysToDbContext<ExchangeDbContext>();
        return services.BuildServiceProvider();
    }

    /// <summary>Fills the old schema as the old code did: demo data, a case with fields and a note, and a key ring of two keys.</summary>
    private static async Task<(string ProtectedSecret, int KeyCount)> FillAsync(TestDatabase database)
    {
        // Today's model has columns the old schema lacks (cases.PurgeScheduledFor, 0301; the content
        // markers, 0006; oauth_clients.JsonWebKeySet, 0102): they are there only while today's model
        // writes the rows, so the old schema is what the upgrade meets.
        await ExecuteAsync(database, database.Provider == DatabaseProvider.Sqlite
            ? "ALTER TABLE cases ADD COLUMN \"PurgeScheduledFor\" TEXT NULL"
            : "ALTER TABLE cases ADD COLUMN \"PurgeScheduledFor\" timestamp with time zone NULL");
        foreach (var table in ContentTables)
        {
            await ExecuteAsync(database, $"ALTER TABLE {table} ADD COLUMN \"ContentVersion\" integer NOT NULL DEFAULT 0");
        }

        await ExecuteAsync(database, "ALTER TABLE oauth_clients ADD COLUMN \"JsonWebKeySet\" text NULL");
        foreach (var (table, column, sqlite, postgres) in LaterColumns)
        {
            await ExecuteAsync(database, $"ALTER TABLE {table} ADD COLUMN \"{column}\" {(database.Provider == DatabaseProvider.Sqlite ? sqlite : postgres)} NULL");
        }

        // The old code wrote case content in plaintext: a context without the content interceptor does too.
        await using (var db = LegacyContext(database))
        {
            // Every table but the key ring is otherwise unchanged, so today's model writes them as the old code did.
            await DemoSeed.SeedAsync(db, TimeProvider.System);
            var now = DateTime.UtcNow;
            var authorisation = new CustomerAuthorisation
            {
                SubmittingMemberId = "acme", CustomerOrganisation = "Umbrella Corp", AuthorisedByName = "Ursula Unger",
                AuthorisedByEmail = "ursula@umbrella.example", ReceivingMemberIds = ["globex"], Purpose = "Scanner fault",
                EvidenceReference = "ACME-4711", DataCategories = [DataCategory.Technical, DataCategory.Contact],
                CreatedAt = now, ExpiresAt = now.AddDays(30),
            };
            var collaboration = new CollaborationCase
            {
                SubmittingMemberId = "acme", ReceivingMemberId = "globex", CustomerAuthorisationId = authorisation.Id,
                Severity = 2, SubmitterCaseReference = "ACME-4711", OpenedBy = "alice@acme.example", OpenedByInitials = "AA",
                CreatedAt = now, UpdatedAt = now,
            };
            collaboration.Fields.Add(new CaseField { CaseId = collaboration.Id, Name = FieldCatalogue.Summary, Category = DataCategory.Technical, Value = "Printer driver crashes the scanner service" });
            collaboration.Notes.Add(new CaseNote { CaseId = collaboration.Id, AuthorMemberId = "acme", AuthorId = "alice@acme.example", AuthorInitials = "AA", Body = "Logs attached in our ticket.", CreatedAt = now });
            db.CustomerAuthorisations.Add(authorisation);
            db.Cases.Add(collaboration);
            await db.SaveChangesAsync();
        }

        await ExecuteAsync(database, "ALTER TABLE cases DROP COLUMN \"PurgeScheduledFor\"");
        foreach (var table in ContentTables)
        {
            await ExecuteAsync(database, $"ALTER TABLE {table} DROP COLUMN \"ContentVersion\"");
        }

        await ExecuteAsync(database, "ALTER TABLE oauth_clients DROP COLUMN \"JsonWebKeySet\"");
        foreach (var (table, column, _, _) in LaterColumns)
        {
            await ExecuteAsync(database, $"ALTER TABLE {table} DROP COLUMN \"{column}\"");
        }

        // The old ring: data protection over an XML repository, written to the old table's two columns.
        var ring = new RecordingRepository();
        var services = new ServiceCollection().AddLogging();
        services.AddDataProtection().SetApplicationName("exchange");
        services.Configure<KeyManagementOptions>(o => o.XmlRepository = ring);
        await using var provider = services.BuildServiceProvider();
        var keys = provider.GetRequiredService<IKeyManager>();
        keys.CreateNewKey(DateTimeOffset.UtcNow.AddDays(-100), DateTimeOffset.UtcNow.AddDays(-10));
        var secret = provider.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose).Protect("the webhook secret of the old ring");
        foreach (var (name, element) in ring.Stored)
        {
            await ExecuteAsync(database, "INSERT INTO data_protection_keys (\"FriendlyName\", \"Xml\") VALUES (@name, @xml)",
                ("@name", name), ("@xml", element.ToString(SaveOptions.DisableFormatting)));
        }

        Assert.True(ring.Stored.Count >= 2, "the old ring holds an expired key and the current one");
        return (secret, ring.Stored.Count);
    }

    /// <summary>Every row of every table of the model, as text, in a stable order; the key ring by its old columns.</summary>
    private static async Task<List<string>> ReadRowsAsync(TestDatabase database)
    {
        await using var db = database.CreateContext();
        var tables = db.Model.GetEntityTypes().Select(e => e.GetTableName()!).Distinct().Order(StringComparer.Ordinal).ToList();
        var rows = new List<string>();
        // Opened through EF, so each provider's connection settings apply as in the services.
        await db.Database.OpenConnectionAsync();
        var connection = db.Database.GetDbConnection();
        foreach (var table in tables)
        {
            // Tables a later migration adds (OpenIddict's, say) are not there before the upgrade, and empty after it.
            await using (var exists = connection.CreateCommand())
            {
                exists.CommandText = database.Provider == DatabaseProvider.Sqlite
                    ? $"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '{table}'"
                    : $"SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name = '{table}'";
                if (Convert.ToInt64(await exists.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) == 0)
                {
                    continue;
                }
            }

            var columns = table == "data_protection_keys" ? "\"FriendlyName\", \"Xml\"" : "*";
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {columns} FROM \"{table}\"";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var values = Enumerable.Range(0, reader.FieldCount)
                    .Select(i => $"{reader.GetName(i)}={(reader.IsDBNull(i) ? "null" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))}")
                    // Added by later migrations (Hangfire, 0006, 0102, issue 15), empty or plaintext-marked on upgraded rows.
                    .Where(v => v is not ("PurgeScheduledFor=null" or "ContentVersion=0" or "JsonWebKeySet=null")
                        && !LaterColumns.Any(later => v == later.Column + "=null"));
                rows.Add($"{table}: {string.Join(", ", values.Order(StringComparer.Ordinal))}");
            }
        }

        rows.Sort(StringComparer.Ordinal);
        Assert.Contains(rows, r => r.StartsWith("case_fields: ", StringComparison.Ordinal));
        return rows;
    }

    /// <summary>Runs SQL as an operator's client would: the script as it is, no EF formatting of braces.</summary>
    private static async Task ExecuteAsync(TestDatabase database, string sql, params (string Name, object Value)[] parameters)
    {
        await using var db = database.CreateContext();
        await db.Database.OpenConnectionAsync();
        DbConnection connection = db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        await command.ExecuteNonQueryAsync();
    }

    private sealed class RecordingRepository : IXmlRepository
    {
        public List<(string Name, XElement Element)> Stored { get; } = [];

        public IReadOnlyCollection<XElement> GetAllElements() => Stored.Select(s => s.Element).ToList();

        public void StoreElement(XElement element, string friendlyName) => Stored.Add((friendlyName, element));
    }
}
