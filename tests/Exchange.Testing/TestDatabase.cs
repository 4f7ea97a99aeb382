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

    /// <summary>Configuration a host under test needs to use this database.</summary>
    public Dictionary<string, string?> Settings => new()
    {
        ["Exchange:Database:Provider"] = Provider.ToString(),
        ["Exchange:Database:ConnectionString"] = ConnectionString,
    };

    public ExchangeDbContext CreateContext()
    {
        var builder = new DbContextOptionsBuilder<ExchangeDbContext>();
        DatabaseServiceCollectionExtensions.Configure(builder, Options);
        return new ExchangeDbContext(builder.Options);
    }

    public async Task MigrateAsync()
    {
        await using var db = CreateContext();
        await db.Database.MigrateAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (Provider == DatabaseProvider.Sqlite)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                try
                {
                    File.Delete(SqliteFile + suffix);
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
