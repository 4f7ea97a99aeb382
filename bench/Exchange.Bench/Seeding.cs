using System.Globalization;
using Exchange.Core.Data;
using Exchange.Testing;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace Exchange.Bench;

/// <summary>
/// Bulk data straight into the database, not through the API (issue 13): COPY on PostgreSQL,
/// prepared inserts in one transaction on SQLite. Seeded cases are marked by <see cref="OpenedBy"/>
/// and stored as plaintext rows (content version 0, which every reader accepts), so seeding needs no
/// content keys; a page of them therefore skips the key unwraps a page of sealed cases costs.
/// </summary>
public sealed class Seeding(TestDatabase database, Guid authorisation)
{
    public const string OpenedBy = "bench-seed";

    /// <summary>The member whose inbox the figures read: the bench's own token is acme's.</summary>
    public const string Measured = "acme";

    /// <summary>Of every ten seeded cases, one goes to the measured member; the rest spread over the other members.</summary>
    private const int MeasuredShare = 10;

    private readonly Random _random = new(13);
    private int _seeded;

    /// <summary>The measured member's seeded case ids, oldest first.</summary>
    public List<Guid> MeasuredInbox { get; } = [];

    public int Cases => _seeded;

    // COPY of a million rows, its ANALYZE and the UPDATE that makes them due outlast Npgsql's 30 s default.
    private string Unbounded => new NpgsqlConnectionStringBuilder(database.ConnectionString) { CommandTimeout = 0 }.ConnectionString;

    public static string MemberId(int i) => $"bench-{i:D4}";

    /// <summary>The members cases are exchanged between, with the demo receiver's intake policy.</summary>
    public async Task MembersAsync(int count)
    {
        var now = DateTime.UtcNow;
        if (database.Provider == DatabaseProvider.Postgres)
        {
            await using var connection = new NpgsqlConnection(Unbounded);
            await connection.OpenAsync();
            await using var read = new NpgsqlCommand("SELECT \"IntakePolicy\" FROM members WHERE \"Id\" = 'globex'", connection);
            var policy = (string)(await read.ExecuteScalarAsync())!;
            await using var copy = await connection.BeginBinaryImportAsync(
                "COPY members (\"Id\", \"LegalName\", \"Region\", \"IntakePolicy\", \"CreatedAt\") FROM STDIN (FORMAT BINARY)");
            for (var i = 1; i <= count; i++)
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(MemberId(i), NpgsqlDbType.Varchar);
                await copy.WriteAsync($"Bench member {i} Ltd", NpgsqlDbType.Varchar);
                await copy.WriteAsync("EU", NpgsqlDbType.Varchar);
                await copy.WriteAsync(policy, NpgsqlDbType.Varchar);
                await copy.WriteAsync(now, NpgsqlDbType.TimestampTz);
            }

            await copy.CompleteAsync();
            return;
        }

        await using var sqlite = await OpenSqliteAsync();
        await using var transaction = sqlite.BeginTransaction();
        await using var readPolicy = new SqliteCommand("SELECT \"IntakePolicy\" FROM members WHERE \"Id\" = 'globex'", sqlite, transaction);
        var intake = (string)(await readPolicy.ExecuteScalarAsync())!;
        await using var insert = new SqliteCommand(
            "INSERT INTO members (\"Id\", \"LegalName\", \"Region\", \"IntakePolicy\", \"CreatedAt\") VALUES ($id, $name, 'EU', $policy, $at)", sqlite, transaction);
        var id = insert.Parameters.Add("$id", SqliteType.Text);
        var name = insert.Parameters.Add("$name", SqliteType.Text);
        insert.Parameters.AddWithValue("$policy", intake);
        insert.Parameters.AddWithValue("$at", SqliteTime(now));
        for (var i = 1; i <= count; i++)
        {
            id.Value = MemberId(i);
            name.Value = $"Bench member {i} Ltd";
            await insert.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    /// <summary>Adds cases until <paramref name="total"/> are seeded, each with a summary field, older than anything the API writes.</summary>
    public async Task CasesAsync(int total, int members)
    {
        var adding = total - _seeded;
        if (adding <= 0)
        {
            return;
        }

        // Time runs backwards from an hour ago as more are seeded, so the newest cases stay the API's own.
        var rows = new List<(Guid Id, string From, string To, DateTime At, int N)>(adding);
        for (var k = 0; k < adding; k++)
        {
            var n = _seeded + k;
            var at = DateTime.UtcNow.AddHours(-1).AddMilliseconds(-(n + 1) * 10.0);
            var id = Guid.CreateVersion7(new DateTimeOffset(at));
            var to = n % MeasuredShare == 0 ? Measured : MemberId(1 + _random.Next(members));
            var from = MemberId(1 + _random.Next(members));
            rows.Add((id, from, to, at, n));
            if (to == Measured)
            {
                MeasuredInbox.Add(id);
            }
        }

        if (database.Provider == DatabaseProvider.Postgres)
        {
            await using var connection = new NpgsqlConnection(Unbounded);
            await connection.OpenAsync();
            await using (var copy = await connection.BeginBinaryImportAsync(
                "COPY cases (\"Id\", \"SubmittingMemberId\", \"ReceivingMemberId\", \"CustomerAuthorisationId\", \"Severity\", \"Status\", " +
                "\"SubmitterCaseReference\", \"OpenedBy\", \"OpenedByInitials\", \"CreatedAt\", \"UpdatedAt\", \"Version\", \"ContentVersion\") FROM STDIN (FORMAT BINARY)"))
            {
                foreach (var r in rows)
                {
                    await copy.StartRowAsync();
                    await copy.WriteAsync(r.Id, NpgsqlDbType.Uuid);
                    await copy.WriteAsync(r.From, NpgsqlDbType.Varchar);
                    await copy.WriteAsync(r.To, NpgsqlDbType.Varchar);
                    await copy.WriteAsync(authorisation, NpgsqlDbType.Uuid);
                    await copy.WriteAsync(3, NpgsqlDbType.Integer);
                    await copy.WriteAsync("Submitted", NpgsqlDbType.Varchar);
                    await copy.WriteAsync($"SEED-{r.N}", NpgsqlDbType.Text);
                    await copy.WriteAsync(OpenedBy, NpgsqlDbType.Varchar);
                    await copy.WriteAsync("BS", NpgsqlDbType.Varchar);
                    await copy.WriteAsync(r.At, NpgsqlDbType.TimestampTz);
                    await copy.WriteAsync(r.At, NpgsqlDbType.TimestampTz);
                    await copy.WriteAsync(Guid.NewGuid(), NpgsqlDbType.Uuid);
                    await copy.WriteAsync(0, NpgsqlDbType.Integer);
                }

                await copy.CompleteAsync();
            }

            await using (var copy = await connection.BeginBinaryImportAsync(
                "COPY case_fields (\"CaseId\", \"Name\", \"Category\", \"Value\", \"ContentVersion\") FROM STDIN (FORMAT BINARY)"))
            {
                foreach (var r in rows)
                {
                    await copy.StartRowAsync();
                    await copy.WriteAsync(r.Id, NpgsqlDbType.Uuid);
                    await copy.WriteAsync("summary", NpgsqlDbType.Varchar);
                    await copy.WriteAsync("Technical", NpgsqlDbType.Varchar);
                    await copy.WriteAsync($"Seeded case {r.N}: printer driver crashes", NpgsqlDbType.Text);
                    await copy.WriteAsync(0, NpgsqlDbType.Integer);
                }

                await copy.CompleteAsync();
            }

            await using var analyse = new NpgsqlCommand("ANALYZE cases; ANALYZE case_fields", connection);
            await analyse.ExecuteNonQueryAsync();
        }
        else
        {
            await using var sqlite = await OpenSqliteAsync();
            await using var transaction = sqlite.BeginTransaction();
            await using var insertCase = new SqliteCommand(
                "INSERT INTO cases (\"Id\", \"SubmittingMemberId\", \"ReceivingMemberId\", \"CustomerAuthorisationId\", \"Severity\", \"Status\", " +
                "\"SubmitterCaseReference\", \"OpenedBy\", \"OpenedByInitials\", \"CreatedAt\", \"UpdatedAt\", \"Version\", \"ContentVersion\") " +
                "VALUES ($id, $from, $to, $authorisation, 3, 'Submitted', $reference, $openedBy, 'BS', $at, $at, $version, 0)", sqlite, transaction);
            var id = insertCase.Parameters.Add("$id", SqliteType.Text);
            var from = insertCase.Parameters.Add("$from", SqliteType.Text);
            var to = insertCase.Parameters.Add("$to", SqliteType.Text);
            insertCase.Parameters.AddWithValue("$authorisation", SqliteGuid(authorisation));
            var reference = insertCase.Parameters.Add("$reference", SqliteType.Text);
            insertCase.Parameters.AddWithValue("$openedBy", OpenedBy);
            var at = insertCase.Parameters.Add("$at", SqliteType.Text);
            var version = insertCase.Parameters.Add("$version", SqliteType.Text);
            await using var insertField = new SqliteCommand(
                "INSERT INTO case_fields (\"CaseId\", \"Name\", \"Category\", \"Value\", \"ContentVersion\") VALUES ($id, 'summary', 'Technical', $value, 0)", sqlite, transaction);
            var fieldCase = insertField.Parameters.Add("$id", SqliteType.Text);
            var value = insertField.Parameters.Add("$value", SqliteType.Text);
            insertCase.Prepare();
            insertField.Prepare();
            foreach (var r in rows)
            {
                id.Value = fieldCase.Value = SqliteGuid(r.Id);
                from.Value = r.From;
                to.Value = r.To;
                reference.Value = $"SEED-{r.N}";
                at.Value = SqliteTime(r.At);
                version.Value = SqliteGuid(Guid.NewGuid());
                value.Value = $"Seeded case {r.N}: printer driver crashes";
                await insertCase.ExecuteNonQueryAsync();
                await insertField.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
            await using var analyse = new SqliteCommand("ANALYZE", sqlite);
            await analyse.ExecuteNonQueryAsync();
        }

        _seeded = total;
    }

    /// <summary>Every seeded case concluded a day ago with its purge due (and its purge job taken as scheduled, so the sweep takes them in batches).</summary>
    public async Task MakeDueAsync()
    {
        const string Sql = "UPDATE cases SET \"Status\" = 'Resolved', \"ConcludedAt\" = {0}, \"PurgeDueAt\" = {1}, \"PurgeScheduledFor\" = {1} WHERE \"OpenedBy\" = 'bench-seed'";
        var concluded = DateTime.UtcNow.AddDays(-2);
        var due = DateTime.UtcNow.AddDays(-1);
        if (database.Provider == DatabaseProvider.Postgres)
        {
            await using var connection = new NpgsqlConnection(Unbounded);
            await connection.OpenAsync();
            await using var update = new NpgsqlCommand(string.Format(CultureInfo.InvariantCulture, Sql, "@concluded", "@due"), connection) { CommandTimeout = 600 };
            update.Parameters.AddWithValue("concluded", NpgsqlDbType.TimestampTz, concluded);
            update.Parameters.AddWithValue("due", NpgsqlDbType.TimestampTz, due);
            await update.ExecuteNonQueryAsync();
            await using var analyse = new NpgsqlCommand("ANALYZE cases", connection);
            await analyse.ExecuteNonQueryAsync();
            return;
        }

        await using var sqlite = await OpenSqliteAsync();
        await using var updateSqlite = new SqliteCommand(string.Format(CultureInfo.InvariantCulture, Sql, "$concluded", "$due"), sqlite) { CommandTimeout = 600 };
        updateSqlite.Parameters.AddWithValue("$concluded", SqliteTime(concluded));
        updateSqlite.Parameters.AddWithValue("$due", SqliteTime(due));
        await updateSqlite.ExecuteNonQueryAsync();
    }

    /// <summary>Tombstones written so far: what the purge has done.</summary>
    public async Task<long> TombstonesAsync()
    {
        const string Sql = "SELECT count(*) FROM tombstones";
        if (database.Provider == DatabaseProvider.Postgres)
        {
            await using var connection = new NpgsqlConnection(Unbounded);
            await connection.OpenAsync();
            await using var count = new NpgsqlCommand(Sql, connection);
            return (long)(await count.ExecuteScalarAsync())!;
        }

        await using var sqlite = await OpenSqliteAsync();
        await using var countSqlite = new SqliteCommand(Sql, sqlite);
        return (long)(await countSqlite.ExecuteScalarAsync())!;
    }

    private async Task<SqliteConnection> OpenSqliteAsync()
    {
        var connection = new SqliteConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var pragmas = new SqliteCommand("PRAGMA busy_timeout = 60000; PRAGMA foreign_keys = ON", connection);
        await pragmas.ExecuteNonQueryAsync();
        return connection;
    }

    // EF Core's SQLite provider stores GUIDs as upper-case text and timestamps as ISO text.
    private static string SqliteGuid(Guid id) => id.ToString().ToUpperInvariant();

    private static string SqliteTime(DateTime at) => at.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);
}
