using Exchange.Core.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Exchange.Testing;

/// <summary>
/// A fresh, empty database for one test class on the provider the test run names:
/// EXCHANGE_TEST_PROVIDER=Sqlite (a temporary file) or Postgres (a new database on the
/// throwaway server whose connection string is in EXCHANGE_TEST_POSTGRES).
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private TestDatabase(DatabaseProvider provider, string connectionString, string? postgresAdmin, string name)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _postgresAdmin = postgresAdmin;
        Name = name;
    }

    private readonly string? _postgresAdmin;

    public DatabaseProvider Provider { get; }
    public string ConnectionString { get; }
    public string Name { get; }

    /// <summary>The SQLite file, for tests that read the bytes on disk.</summary>
    public string? SqliteFile => Provider == DatabaseProvider.Sqlite
        ? new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(ConnectionString).DataSource
        : null;

    public static DatabaseProvider CurrentProvider =>
        Enum.Parse<DatabaseProvider>(Environment.GetEnvironmentVariable("EXCHANGE_TEST_PROVIDER") ?? "Sqlite", ignoreCase: true);

    /// <param name="provider">Sqlite or Postgres; the run's provider when null.</param>
    /// <param name="postgresAdmin">The PostgreSQL server to create the database on; EXCHANGE_TEST_POSTGRES when null.</param>
    public static async Task<TestDatabase> CreateAsync(DatabaseProvider? provider = null, string? postgresAdmin = null)
    {
        var chosen = provider ?? CurrentProvider;
        var name = "t_" + Guid.NewGuid().ToString("N")[..16];
        if (chosen == DatabaseProvider.Sqlite)
        {
            var folder = Path.Combine(Path.GetTempPath(), "exchange-tests");
            Directory.CreateDirectory(folder);
            return new TestDatabase(chosen, $"Data Source={Path.Combine(folder, name + ".db")}", null, name);
        }

        var admin = postgresAdmin ?? Environment.GetEnvironmentVariable("EXCHANGE_TEST_POSTGRES")
            ?? throw new InvalidOperationException("EXCHANGE_TEST_POSTGRES is not set: run the tests through ./test.sh, which starts PostgreSQL.");
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = $"CREATE DATABASE \"{name}\"";
            await command.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name };
        return new TestDatabase(chosen, builder.ConnectionString, admin, name);
    }

    public DatabaseOptions Options => new() { Provider = Provider, ConnectionString = ConnectionString };

    /// <summary>
    /// This database's key-encryption keys (decision 0006): a directory of its own, shared by every
    /// host of the test as a deployment's nodes share theirs, so one test's rotation never touches another's.
    /// </summary>
    public string ContentKeyDirectory { get; } = Path.Combine(Path.GetTempPath(), "exchange-tests", "content-keys-" + Guid.NewGuid().ToString("N")[..16]);

    /// <summary>This database's audit checkpoint signing key (decision 0208), made by the first Jobs host or sealing helper that needs it.</summary>
    public string AuditSigningKeyPath { get; } = Path.Combine(Path.GetTempPath(), "exchange-tests", "audit-key-" + Guid.NewGuid().ToString("N")[..16] + ".pem");

    /// <summary>Configuration a host under test needs to use this database.</summary>
    public Dictionary<string, string?> Settings => new()
    {
        ["Exchange:Database:Provider"] = Provider.ToString(),
        ["Exchange:Database:ConnectionString"] = ConnectionString,
        ["Exchange:ContentKeys:Directory"] = ContentKeyDirectory,
        ["Exchange:Audit:SigningKeyPath"] = AuditSigningKeyPath,
    };

    /// <summary>The same settings as environment variables, for a service started as a process.</summary>
    public Dictionary<string, string> EnvironmentVariables => Settings.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value!);

    /// <summary>The key-encryption keys of this database, as the services see them.</summary>
    public Exchange.Core.Content.KeyEncryptionKeys ContentKeys => _keks ??= new(ContentKeyDirectory, null, [], TimeProvider.System, TimeSpan.FromMinutes(1));

    private Exchange.Core.Content.KeyEncryptionKeys? _keks;

    /// <summary>A context that seals and opens case content with this database's keys, as a service's does.</summary>
    public ExchangeDbContext CreateContext()
    {
        var builder = new DbContextOptionsBuilder<ExchangeDbContext>();
        DatabaseServiceCollectionExtensions.Configure(builder, Options);
        return new ExchangeDbContext(builder.Options, new Exchange.Core.Content.CaseContentProtector(ContentKeys));
    }

    public async Task MigrateAsync()
    {
        await using var db = CreateContext();
        await db.Database.MigrateAsync();
        // Hangfire's schema, as the migrate step installs it.
        Exchange.Core.Jobs.JobStorageFactory.InstallSchema(Options, new Exchange.Core.Jobs.JobStorageOptions());
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            Directory.Delete(ContentKeyDirectory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // No service wrote a key.
        }

        File.Delete(AuditSigningKeyPath);

        if (Provider == DatabaseProvider.Sqlite)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            var jobsFile = Exchange.Core.Jobs.JobStorageFactory.SqliteFile(Options);
            foreach (var file in new[] { SqliteFile!, jobsFile }.SelectMany(f => new[] { f, f + "-wal", f + "-shm" }))
            {
                try
                {
                    File.Delete(file);
                }
                catch (IOException)
                {
                    // A host still shutting down may hold the file; the temp folder is disposable.
                }
            }

            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_postgresAdmin);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)";
        await command.ExecuteNonQueryAsync();
    }
}
