using Exchange.Core.Data;
using Exchange.Testing;
using Npgsql;

namespace Exchange.Bench;

/// <summary>One statement's share of the database's time over the run.</summary>
public sealed record StatementTime(string Statement, long Calls, double TotalSeconds, double MeanMs);

/// <summary>
/// The statements that took the database's time, from pg_stat_statements: the profile that says why
/// a figure misses its target. Empty on SQLite, or where the module is not loaded (the test server).
/// </summary>
public static class Profile
{
    public static async Task<List<StatementTime>> TopStatementsAsync(TestDatabase database, int count)
    {
        if (database.Provider != DatabaseProvider.Postgres)
        {
            return [];
        }

        try
        {
            await using var connection = new NpgsqlConnection(database.ConnectionString);
            await connection.OpenAsync();
            await using (var create = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS pg_stat_statements", connection))
            {
                await create.ExecuteNonQueryAsync();
            }

            await using var top = new NpgsqlCommand(
                "SELECT left(regexp_replace(query, '\\s+', ' ', 'g'), 160), calls, total_exec_time / 1000, mean_exec_time FROM pg_stat_statements " +
                "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) ORDER BY total_exec_time DESC LIMIT @count", connection);
            top.Parameters.AddWithValue("count", count);
            var statements = new List<StatementTime>();
            await using var reader = await top.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                statements.Add(new StatementTime(reader.GetString(0).Replace("|", "\\|", StringComparison.Ordinal), reader.GetInt64(1), reader.GetDouble(2), reader.GetDouble(3)));
            }

            return statements;
        }
        catch (PostgresException ex) when (ex.SqlState is "55000" or "58P01" or "42501")
        {
            // Not loaded (shared_preload_libraries), not installed, or not allowed: no profile, not a failure.
            return [];
        }
    }
}
