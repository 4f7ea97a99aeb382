using Microsoft.EntityFrameworkCore;

namespace Exchange.Core.Data;

/// <summary>
/// The only statements that differ by database. Every other query is provider-neutral LINQ, so a
/// new provider means a look at this file and nothing else (docs/decisions/0004).
/// </summary>
public static class ProviderStatements
{
    // Any fixed number or name: the key of the audit chain's transaction-scoped lock.
    private const long AuditChainLockKey = 0x45584348_41554454;
    private const string AuditChainLockName = "exchange-audit-chain";

    /// <summary>
    /// Holds the audit chain's head until the current transaction ends, so concurrent writers
    /// append one after another. SQLite's write transaction is already exclusive.
    /// </summary>
    public static async Task LockAuditChainAsync(ExchangeDbContext db, CancellationToken cancellationToken)
    {
        switch (Provider(db))
        {
            case DatabaseProvider.Postgres:
                await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({AuditChainLockKey})", cancellationToken);
                break;
            case DatabaseProvider.SqlServer:
                // An application lock owned by the transaction; a negative result means not granted.
                await db.Database.ExecuteSqlRawAsync(
                    $"DECLARE @granted int; EXEC @granted = sp_getapplock @Resource = N'{AuditChainLockName}', @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = 30000; " +
                    "IF @granted < 0 THROW 51000, N'The audit chain lock was not granted.', 1;",
                    cancellationToken);
                break;
        }
    }

    /// <summary>
    /// Removes what deleted rows leave behind in the database files after a purge. SQLite
    /// overwrites freed pages itself (secure_delete is on for every connection), and its WAL,
    /// which still holds the old pages, is checkpointed and truncated. PostgreSQL vacuums the
    /// tables that held case data. SQL Server overwrites ghost and freed space with
    /// sp_clean_db_free_space (its account needs db_owner); its transaction log and backups keep
    /// what they hold until truncated or expired (docs/decisions/0004 says what to configure).
    /// Runs outside any transaction: VACUUM and the SQL Server procedure refuse one.
    /// </summary>
    public static async Task ScrubFreedPagesAsync(ExchangeDbContext db, CancellationToken cancellationToken)
    {
        switch (Provider(db))
        {
            case DatabaseProvider.Sqlite:
                await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE)", cancellationToken);
                break;
            case DatabaseProvider.Postgres:
                await db.Database.ExecuteSqlRawAsync("VACUUM cases, case_fields, withheld_fields, case_notes, idempotency_records", cancellationToken);
                break;
            case DatabaseProvider.SqlServer:
                await db.Database.ExecuteSqlRawAsync("DECLARE @database sysname = DB_NAME(); EXEC sp_clean_db_free_space @dbname = @database;", cancellationToken);
                break;
        }
    }

    public static DatabaseProvider Provider(ExchangeDbContext db) => db.Database.ProviderName switch
    {
        "Microsoft.EntityFrameworkCore.Sqlite" => DatabaseProvider.Sqlite,
        "Npgsql.EntityFrameworkCore.PostgreSQL" => DatabaseProvider.Postgres,
        "Microsoft.EntityFrameworkCore.SqlServer" => DatabaseProvider.SqlServer,
        var other => throw new NotSupportedException($"No provider-specific statements for '{other}'."),
    };
}
