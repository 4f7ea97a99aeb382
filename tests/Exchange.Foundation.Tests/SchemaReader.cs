using System.Data.Common;
using Exchange.Core.Data;
using Exchange.Testing;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Foundation.Tests;

/// <summary>Reads a database's tables, columns, keys and indexes as sorted lines that can be compared.</summary>
internal static class SchemaReader
{
    // Tables that are not part of the EF model: the migrations history and SQLite's own. (Hangfire's
    // are in their own schema on the server databases and in their own file on SQLite.)
    private static bool IsModelTable(string table) =>
        !table.StartsWith("__", StringComparison.Ordinal) && !table.StartsWith("sqlite_", StringComparison.Ordinal);

    public static async Task<List<string>> ReadAsync(TestDatabase database)
    {
        await using var db = database.CreateContext();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        var lines = database.Provider == DatabaseProvider.Sqlite
            ? await ReadSqliteAsync(connection)
            : await ReadPostgresAsync(connection);
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    private static async Task<List<string>> ReadSqliteAsync(DbConnection connection)
    {
        var lines = new List<string>();
        var tables = (await QueryAsync(connection, "SELECT name FROM sqlite_master WHERE type = 'table'")).Select(r => r[0]).Where(IsModelTable).ToList();
        foreach (var table in tables)
        {
            foreach (var c in await QueryAsync(connection, $"SELECT name, type, \"notnull\", pk FROM pragma_table_info('{table}')"))
            {
                lines.Add($"column {table}.{c[0]} {c[1]} notnull={c[2]} pk={c[3]}");
            }

            foreach (var f in await QueryAsync(connection, $"SELECT \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list('{table}')"))
            {
                lines.Add($"fk {table}.{f[1]} -> {f[0]}.{f[2]} on delete {f[3]}");
            }

            foreach (var i in await QueryAsync(connection, $"SELECT name, \"unique\", origin FROM pragma_index_list('{table}')"))
            {
                var columns = await QueryAsync(connection, $"SELECT name FROM pragma_index_info('{i[0]}') ORDER BY seqno");
                // Automatic indexes for primary keys are named by SQLite itself; compare their columns only.
                var name = i[2] == "pk" ? "(pk)" : i[0];
                lines.Add($"index {table}.{name} unique={i[1]} ({string.Join(",", columns.Select(r => r[0]))})");
            }
        }

        return lines;
    }

    private static async Task<List<string>> ReadPostgresAsync(DbConnection connection)
    {
        var lines = new List<string>();
        foreach (var c in await QueryAsync(connection,
            "SELECT table_name, column_name, data_type, COALESCE(character_maximum_length::text, ''), is_nullable, COALESCE(column_default, '') " +
            "FROM information_schema.columns WHERE table_schema = 'public'"))
        {
            if (IsModelTable(c[0]))
            {
                lines.Add($"column {c[0]}.{c[1]} {c[2]}({c[3]}) nullable={c[4]} default={c[5]}");
            }
        }

        foreach (var i in await QueryAsync(connection, "SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = 'public'"))
        {
            if (IsModelTable(i[0]))
            {
                lines.Add($"index {i[1]}");
            }
        }

        foreach (var f in await QueryAsync(connection,
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace = 'public'::regnamespace"))
        {
            if (IsModelTable(f[0].Trim('"')))
            {
                lines.Add($"constraint {f[0]}.{f[1]} {f[2]}");
            }
        }

        return lines;
    }

    private static async Task<List<string[]>> QueryAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string[]>();
        while (await reader.ReadAsync())
        {
            var row = new string[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? "" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)!;
            }

            rows.Add(row);
        }

        return rows;
    }
}
