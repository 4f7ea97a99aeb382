using Exchange.Core.Data;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.SqlServer;
using Hangfire.Storage.SQLite;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Exchange.Core.Jobs;

/// <summary>`Exchange:Jobs:Storage`: how the Jobs nodes share Hangfire's job storage.</summary>
public sealed class JobStorageOptions
{
    public const string Section = "Exchange:Jobs:Storage";

    /// <summary>How often an idle worker asks the storage for a job; due work starts within about this long.</summary>
    public TimeSpan QueuePollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a job fetched by a node that died stays invisible before another node runs it. On
    /// PostgreSQL the timeout slides (a live node keeps extending it), so it bounds only recovery
    /// after a crash; on SQLite it does not slide and must outlast the longest job.
    /// </summary>
    public TimeSpan InvisibilityTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Hangfire's tables live in this schema on PostgreSQL (and SQL Server), away from the exchange's own.</summary>
    public string Schema { get; set; } = "hangfire";
}

/// <summary>
/// Opens Hangfire's job storage on the exchange's database provider: Hangfire.PostgreSql or
/// Hangfire.SqlServer in their own schema of the same database, or Hangfire.Storage.SQLite in a file beside the exchange's
/// SQLite file (see docs/decisions/0301-hangfire-jobs.md). The one place that knows which storage
/// goes with which provider: the Jobs service runs on it, the migration step installs its schema,
/// and the API reads the recurring schedule from it.
/// </summary>
public static class JobStorageFactory
{
    /// <summary>
    /// The storage a running service uses. It never creates or upgrades Hangfire's schema on a
    /// server database: that is the migration step's (<see cref="InstallSchema"/>), so a service's
    /// database account need not own any schema.
    /// </summary>
    public static JobStorage Create(DatabaseOptions database, JobStorageOptions options)
    {
        if (database.Provider == DatabaseProvider.Postgres)
        {
            var postgres = PostgresOptions(options, prepareSchema: false);
            return new PostgreSqlStorage(new Hangfire.PostgreSql.Factories.NpgsqlConnectionFactory(database.ConnectionString, postgres), postgres);
        }

        if (database.Provider == DatabaseProvider.SqlServer)
        {
            return new SqlServerStorage(database.ConnectionString, SqlServerOptions(options, prepareSchema: false));
        }

        return new SQLiteStorage(SqliteFile(database), SqliteOptions(options));
    }

    /// <summary>Creates or upgrades Hangfire's schema; part of `migrate` (<see cref="DatabaseMigrator"/>). Idempotent.</summary>
    public static void InstallSchema(DatabaseOptions database, JobStorageOptions options)
    {
        switch (database.Provider)
        {
            case DatabaseProvider.Postgres:
                using (var connection = new NpgsqlConnection(database.ConnectionString))
                {
                    connection.Open();
                    // Takes Hangfire's own advisory lock, so two migrating processes do not race.
                    PostgreSqlObjectsInstaller.Install(connection, options.Schema);
                }

                break;
            case DatabaseProvider.SqlServer:
                using (var connection = new Microsoft.Data.SqlClient.SqlConnection(database.ConnectionString))
                {
                    connection.Open();
                    // Takes an application lock, so two migrating processes do not race.
                    SqlServerObjectsInstaller.Install(connection, options.Schema, enableHeavyMigrations: true);
                }

                break;
            default:
                // Hangfire.Storage.SQLite creates its tables (CREATE TABLE IF NOT EXISTS) whenever it
                // opens; it has no switch to leave that out, so opening it here is the install.
                var storage = new SQLiteStorage(SqliteFile(database), SqliteOptions(options));
                storage.Dispose();
                break;
        }
    }

    /// <summary>
    /// Hangfire's SQLite file: beside the exchange's own (exchange.db gives exchange.jobs.db). Its
    /// own file keeps Hangfire's frequent polling writes from queueing behind the exchange's single
    /// writer, and holds no case data (job arguments are ids only).
    /// </summary>
    public static string SqliteFile(DatabaseOptions database)
    {
        var file = new SqliteConnectionStringBuilder(database.ConnectionString).DataSource;
        if (string.IsNullOrEmpty(file) || file == ":memory:")
        {
            throw new InvalidOperationException("Hangfire's SQLite storage needs Exchange:Database:ConnectionString to name a file.");
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(file))!;
        return Path.Combine(folder, Path.GetFileNameWithoutExtension(file) + ".jobs.db");
    }

    private static PostgreSqlStorageOptions PostgresOptions(JobStorageOptions options, bool prepareSchema) => new()
    {
        SchemaName = options.Schema,
        PrepareSchemaIfNecessary = prepareSchema,
        QueuePollInterval = options.QueuePollInterval,
        InvisibilityTimeout = options.InvisibilityTimeout,
        // A live node keeps extending the jobs it holds, so only a dead node's jobs reappear.
        UseSlidingInvisibilityTimeout = true,
        // LISTEN/NOTIFY: an enqueued job wakes an idle worker at once instead of at the next poll.
        EnableLongPolling = true,
        DistributedLockTimeout = TimeSpan.FromMinutes(1),
    };

    private static SqlServerStorageOptions SqlServerOptions(JobStorageOptions options, bool prepareSchema) => new()
    {
        SchemaName = options.Schema,
        PrepareSchemaIfNecessary = prepareSchema,
        SqlClientFactory = Microsoft.Data.SqlClient.SqlClientFactory.Instance,
        QueuePollInterval = options.QueuePollInterval,
        // Hangfire.SqlServer's fetch holds a transaction-free lease that a live node keeps extending.
        SlidingInvisibilityTimeout = options.InvisibilityTimeout,
        UseRecommendedIsolationLevel = true,
        DisableGlobalLocks = true,
    };

    private static SQLiteStorageOptions SqliteOptions(JobStorageOptions options) => new()
    {
        // The package polls every 15 s by default; due work should start within a couple of seconds.
        QueuePollInterval = options.QueuePollInterval,
        InvisibilityTimeout = options.InvisibilityTimeout,
        DistributedLockLifetime = TimeSpan.FromSeconds(30),
    };
}
