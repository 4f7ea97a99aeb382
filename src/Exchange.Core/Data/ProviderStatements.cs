using Microsoft.EntityFrameworkCore;

namespace Exchange.Core.Data;

/// <summary>
/// The only statements that differ by database. Every other query is provider-neutral LINQ, so a
/// new provider means a look at this file and nothing else (docs/decisions/0004).
/// </summary>
public static class ProviderStatements
{
    /// <summary>
    /// Takes a named lock held until the current transaction ends: exclusive, or shared with other
    /// shared holders. Narrow locks for the few places that must serialise (one idempotency key, the
    /// content-key check of a rotation), never the whole write path (decision 0208). SQLite's write
    /// transaction is already exclusive, so nothing is needed there.
    /// </summary>
    public static async Task LockAsync(ExchangeDbContext db, string resource, bool shared, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("A transaction-scoped lock needs a transaction.");
        }

        switch (Provider(db))
        {
            case DatabaseProvider.Postgres:
                if (shared)
                {
                    await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock_shared(hashtextextended({resource}, 0))", cancellationToken);
                }
                else
                {
                    await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({resource}, 0))", cancellationToken);
                }

                break;
            case DatabaseProvider.SqlServer:
                // An application lock owned by the transaction; a negative result means not granted.
                var mode = shared ? "Shared" : "Exclusive";
                var name = resource.Length <= 255 ? resource : resource[..255];
                await db.Database.ExecuteSqlAsync(
                    $"DECLARE @granted int; EXEC @granted = sp_getapplock @Resource = {name}, @LockMode = {mode}, @LockOwner = N'Transaction', @LockTimeout = 30000; IF @granted < 0 THROW 51000, N'The lock was not granted.', 1;",
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
