using System.ComponentModel.DataAnnotations;

namespace Exchange.Core.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
    SqlServer,
}

public sealed class DatabaseOptions
{
    public const string Section = "Exchange:Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    [Required]
    public string ConnectionString { get; set; } = "Data Source=data/exchange.db";

    /// <summary>Apply pending migrations when a service starts; off in Production, where `migrate` is a deployment step.</summary>
    public bool MigrateOnStart { get; set; }

    /// <summary>How long a starting service waits for the database before it refuses to start.</summary>
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
