using System.Text;
using Exchange.Core.Cases;
using Exchange.Core.Content;
using Exchange.Core.Data;
using Exchange.Jobs.KeyRotation;
using Exchange.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Exchange.Jobs.Tests;

/// <summary>
/// Issue 16: a purge reaches every copy. Case content never reaches the database files in
/// plaintext; a purge deletes the case's data key; after the next key rotation a copy of the
/// purged rows taken before the purge (a backup: pg_dump on PostgreSQL, a file copy on SQLite;
/// the same bytes linger in freed pages and WAL) cannot be decrypted with any key the exchange
/// still holds, while every live case stays readable.
/// </summary>
public sealed class CryptoShreddingTests
{
    private static readonly Dictionary<string, string?> NoGrace = new() { ["Exchange:ContentKeys:RotationGrace"] = "00:00:00" };

    /// <summary>What a copy of the database taken before the purge holds of one case: its wrapped data key and a sealed field.</summary>
    private sealed record Copy(string KekId, byte[] WrappedKey, string SealedDescription);

    [Fact]
    public async Task After_a_purge_and_one_rotation_a_copy_taken_before_the_purge_cannot_be_decrypted_and_live_cases_stay_readable()
    {
        await using var database = await TestDatabase.CreateAsync();
        await database.MigrateAsync();
        var now = DateTime.UtcNow;
        var purgedTag = "shred" + Guid.NewGuid().ToString("N");
        var keptTag = "kept" + Guid.NewGuid().ToString("N");
        CollaborationCase purged, kept;
        await using (var db = database.CreateContext())
        {
            var authorisation = await TestData.MembersAndAuthorisationAsync(db);
            purged = TestData.Case(authorisation, purgedTag, CaseStatus.Resolved, now, now.AddMinutes(-1));
            kept = TestData.Case(authorisation, keptTag, CaseStatus.Accepted, now, null);
            db.Cases.AddRange(purged, kept);
            await db.SaveChangesAsync();
        }

        // The backup, taken before the purge.
        var backup = await BackupAsync(database);
        var copy = ReadCopy(database, backup, purged.Id);
        // While the key-encryption key exists, the copy is readable: the check below can fail.
        var oldKek = database.ContentKeys.Get(copy.KekId);
        var recovered = CaseContentProtector.Open(CaseContentProtector.Unwrap(purged.Id, copy.WrappedKey, copy.KekId, oldKek), purged.Id,
            "case_fields.Value/" + FieldCatalogue.Description, copy.SealedDescription);
        Assert.Equal(TestData.PurgedStrings(purgedTag)[0], recovered);

        RotationResult rotation;
        await using (var factory = new JobsFactory(database, NoGrace))
        {
            _ = factory.Services;
            await using var check = database.CreateContext();
            await TestData.EventuallyAsync(() => check.Tombstones.AnyAsync(t => t.CaseId == purged.Id), found => found, TimeSpan.FromSeconds(60), "the purge");
            Assert.False(await check.CaseDataKeys.AnyAsync(k => k.CaseId == purged.Id));

            await using var scope = factory.Services.CreateAsyncScope();
            rotation = await scope.ServiceProvider.GetRequiredService<ContentKeyRotation>().RotateAsync(batchSize: 1);
        }

        Assert.False(rotation.Superseded);
        Assert.Contains(copy.KekId, rotation.Destroyed);
        Assert.Equal(1, rotation.Rewrapped);
        // A node that reads the key directory afresh (no memory of earlier reads) holds only the new key.
        var keys = new KeyEncryptionKeys(database.ContentKeyDirectory, null, [], TimeProvider.System, TimeSpan.FromMinutes(1));
        Assert.Equal([rotation.KekId], keys.Ids());
        Assert.Throws<KeyEncryptionKeyMissingException>(() => keys.Get(copy.KekId));
        Assert.DoesNotContain(Directory.GetFiles(database.ContentKeyDirectory), f => f.Contains(copy.KekId, StringComparison.Ordinal));
        foreach (var id in keys.Ids())
        {
            Assert.Throws<CaseContentIntegrityException>(() => CaseContentProtector.Unwrap(purged.Id, copy.WrappedKey, id, keys.Get(id)));
            Assert.Throws<CaseContentIntegrityException>(() => CaseContentProtector.Unwrap(purged.Id, copy.WrappedKey, copy.KekId, keys.Get(id)));
        }

        // The same holds for the backup as a whole: it still has the purged case's rows, and nothing opens them.
        var again = ReadCopy(database, backup, purged.Id);
        Assert.Equal(copy.WrappedKey, again.WrappedKey);
        Assert.All(TestData.PurgedStrings(purgedTag), marker => Assert.DoesNotContain(marker, backup.Text, StringComparison.Ordinal));

        // The live case was re-wrapped with the new key and reads as before.
        await using (var db = new ExchangeDbContext(ContextOptions(database), new CaseContentProtector(keys)))
        {
            var row = await db.CaseDataKeys.AsNoTracking().SingleAsync(k => k.CaseId == kept.Id);
            Assert.Equal(rotation.KekId, row.KekId);
            await db.UnlockAsync(kept.Id);
            var fields = await db.CaseFields.AsNoTracking().Where(f => f.CaseId == kept.Id).ToDictionaryAsync(f => f.Name, f => f.Value);
            Assert.Equal(TestData.PurgedStrings(keptTag)[0], fields[FieldCatalogue.Description]);
            var notes = (await db.CaseNotes.AsNoTracking().Where(n => n.CaseId == kept.Id).ToListAsync()).Select(n => n.Body).ToList();
            Assert.Contains(TestData.PurgedStrings(keptTag)[3], notes);
        }
    }

    [Fact]
    public async Task No_case_content_is_ever_written_in_plaintext_to_the_database_files_heap_or_wal()
    {
        await using var database = await TestDatabase.CreateAsync();
        await database.MigrateAsync();
        var now = DateTime.UtcNow;
        var tags = Enumerable.Range(0, 5).Select(i => $"plain{i}x{Guid.NewGuid():N}").ToList();
        await using (var db = database.CreateContext())
        {
            var authorisation = await TestData.MembersAndAuthorisationAsync(db);
            db.Cases.AddRange(tags.Select((tag, i) => TestData.Case(authorisation, tag, i % 2 == 0 ? CaseStatus.Resolved : CaseStatus.Accepted, now, i % 2 == 0 ? now.AddMinutes(-1) : null)));
            await db.SaveChangesAsync();
        }

        await using (var factory = new JobsFactory(database, NoGrace))
        {
            _ = factory.Services;
            await using var check = database.CreateContext();
            await TestData.EventuallyAsync(() => check.Tombstones.CountAsync(), n => n == 3, TimeSpan.FromSeconds(60), "three purges");
            await using var scope = factory.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<ContentKeyRotation>().RotateAsync(batchSize: 100);
        }

        var files = await DatabaseFilesAsync(database);
        Assert.NotEmpty(files);
        var scanned = 0L;
        foreach (var file in files)
        {
            byte[] bytes;
            try
            {
                bytes = await File.ReadAllBytesAsync(file);
            }
            catch (FileNotFoundException)
            {
                continue; // A WAL segment recycled while the test read the folder.
            }

            scanned += bytes.Length;
            foreach (var tag in tags)
            {
                // Purged or live, the content was ciphertext from its first write.
                foreach (var marker in TestData.PurgedStrings(tag))
                {
                    Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(marker)) < 0, $"'{marker}' is in {Path.GetFileName(file)}");
                }
            }
        }

        Assert.True(scanned > 0);
    }

    [Fact]
    public async Task Rotation_is_a_recurring_job_that_runs_daily_by_default()
    {
        await using var database = await TestDatabase.CreateAsync();
        await database.MigrateAsync();
        await using var factory = new JobsFactory(database);
        var options = factory.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Exchange.Jobs.Scheduling.KeyRotationJobOptions>>().Value;
        Assert.Equal(TimeSpan.FromDays(1), options.Interval);
        var definitions = factory.Services.GetServices<Exchange.Jobs.Scheduling.JobDefinition>();
        Assert.Contains(definitions, d => d.Name == KeyRotationJob.JobName);
    }

    [Fact]
    public async Task The_blind_index_finds_a_person_s_cases_forgets_them_at_the_purge_and_unlinks_lingering_entries_at_rotation()
    {
        await using var database = await TestDatabase.CreateAsync();
        await database.MigrateAsync();
        var now = DateTime.UtcNow;
        var purgedTag = "bi" + Guid.NewGuid().ToString("N")[..12];
        var keptTag = "bk" + Guid.NewGuid().ToString("N")[..12];
        CollaborationCase purged, kept;
        await using (var db = database.CreateContext())
        {
            var authorisation = await TestData.MembersAndAuthorisationAsync(db);
            purged = TestData.Case(authorisation, purgedTag, CaseStatus.Resolved, now, now.AddMinutes(-1));
            kept = TestData.Case(authorisation, keptTag, CaseStatus.Accepted, now, null);
            // A phone number in a note, written differently from how the person will give it.
            kept.Notes.Add(new CaseNote { CaseId = kept.Id, AuthorMemberId = "globex", AuthorId = "user-g", AuthorInitials = "GG", Body = "Call back on +44 20 7946 0958 please", CreatedAt = now });
            db.Cases.AddRange(purged, kept);
            await db.SaveChangesAsync();
        }

        var purgedEmail = TestData.PurgedStrings(purgedTag)[1];
        var keptEmail = TestData.PurgedStrings(keptTag)[1];
        byte[] lingering;
        await using (var db = database.CreateContext())
        {
            Assert.Equal([purged.Id], await BlindIndex.FindCasesAsync(db, purgedEmail.ToUpperInvariant()));
            Assert.Equal([kept.Id], await BlindIndex.FindCasesAsync(db, keptEmail));
            Assert.Equal([kept.Id], await BlindIndex.FindCasesAsync(db, "0044 20 79460958"));
            Assert.Empty(await BlindIndex.FindCasesAsync(db, "nobody@customer.example"));
            // The index holds hashes, never the identifiers.
            Assert.DoesNotContain(await db.CaseBlindIndex.Select(e => e.Hash).ToListAsync(), h => Encoding.UTF8.GetString(h).Contains("customer", StringComparison.Ordinal));
            lingering = BlindIndex.Hash(BlindIndex.HashKey(database.ContentKeys.Get(database.ContentKeys.Ids()[^1])), BlindIndex.TermFor(purgedEmail)!);
            Assert.True(await db.CaseBlindIndex.AnyAsync(e => e.CaseId == purged.Id && e.Hash == lingering));
        }

        RotationResult rotation;
        await using (var factory = new JobsFactory(database, NoGrace))
        {
            _ = factory.Services;
            await using var check = database.CreateContext();
            await TestData.EventuallyAsync(() => check.Tombstones.AnyAsync(t => t.CaseId == purged.Id), found => found, TimeSpan.FromSeconds(60), "the purge");
            // Erased with the case: the person is no longer found.
            Assert.Empty(await BlindIndex.FindCasesAsync(check, purgedEmail));
            Assert.False(await check.CaseBlindIndex.AnyAsync(e => e.CaseId == purged.Id));

            await using var scope = factory.Services.CreateAsyncScope();
            rotation = await scope.ServiceProvider.GetRequiredService<ContentKeyRotation>().RotateAsync(batchSize: 10);
        }

        await using (var db = new ExchangeDbContext(ContextOptions(database),
            new CaseContentProtector(new KeyEncryptionKeys(database.ContentKeyDirectory, null, [], TimeProvider.System, TimeSpan.FromMinutes(1)))))
        {
            // Recomputed under the new key from the decrypted content: the live case is still found.
            Assert.Equal([kept.Id], await BlindIndex.FindCasesAsync(db, keptEmail));
            Assert.Equal([kept.Id], await BlindIndex.FindCasesAsync(db, "+442079460958"));
            Assert.All(await db.CaseBlindIndex.ToListAsync(), e => Assert.Equal(rotation.KekId, e.KekId));
            // A lingering copy of the purged case's entry is unlinkable: no key that exists hashes the person's address to it.
            var now2 = new KeyEncryptionKeys(database.ContentKeyDirectory, null, [], TimeProvider.System, TimeSpan.FromMinutes(1));
            Assert.All(now2.Ids(), id => Assert.NotEqual(lingering, BlindIndex.Hash(BlindIndex.HashKey(now2.Get(id)), BlindIndex.TermFor(purgedEmail)!)));
            Assert.False(await db.CaseBlindIndex.AnyAsync(e => e.Hash == lingering));
        }
    }

    private static DbContextOptions<ExchangeDbContext> ContextOptions(TestDatabase database)
    {
        var builder = new DbContextOptionsBuilder<ExchangeDbContext>();
        DatabaseServiceCollectionExtensions.Configure(builder, database.Options);
        return builder.Options;
    }

    /// <summary>A backup: pg_dump's plain SQL on PostgreSQL, a copy of the file on SQLite (read back through SQLite).</summary>
    private sealed record Backup(string Text, string? SqliteCopy);

    private static async Task<Backup> BackupAsync(TestDatabase database)
    {
        if (database.Provider == DatabaseProvider.Sqlite)
        {
            var path = Path.Combine(Path.GetTempPath(), "exchange-tests", database.Name + "-backup.db");
            await using var db = database.CreateContext();
            await db.Database.ExecuteSqlAsync($"VACUUM INTO {path}");
            SqliteConnection.ClearAllPools();
            return new Backup(Encoding.UTF8.GetString(await File.ReadAllBytesAsync(path)), path);
        }

        var connection = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        var (exitCode, output) = await ProcessRunner.RunToExitAsync(PgTool("pg_dump"),
            ["-h", connection.Host!, "-p", connection.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", connection.Username!, "-d", database.Name, "--data-only", "--table=case_data_keys", "--table=case_fields", "--table=case_notes", "--table=cases"],
            Path.GetTempPath(), new Dictionary<string, string>(), TimeSpan.FromSeconds(60));
        Assert.True(exitCode == 0, output);
        return new Backup(output, null);
    }

    private static Copy ReadCopy(TestDatabase database, Backup backup, Guid caseId)
    {
        if (backup.SqliteCopy is { } path)
        {
            using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
            connection.Open();
            using var key = connection.CreateCommand();
            key.CommandText = "SELECT \"KekId\", \"WrappedKey\" FROM case_data_keys WHERE upper(\"CaseId\") = $id";
            key.Parameters.AddWithValue("$id", caseId.ToString().ToUpperInvariant());
            using var keyRow = key.ExecuteReader();
            Assert.True(keyRow.Read(), "the backup holds the case's data key");
            var kekId = keyRow.GetString(0);
            var wrapped = (byte[])keyRow.GetValue(1);
            using var field = connection.CreateCommand();
            field.CommandText = "SELECT \"Value\" FROM case_fields WHERE upper(\"CaseId\") = $id AND \"Name\" = $name";
            field.Parameters.AddWithValue("$id", caseId.ToString().ToUpperInvariant());
            field.Parameters.AddWithValue("$name", FieldCatalogue.Description);
            var sealedValue = (string)field.ExecuteScalar()!;
            return new Copy(kekId, wrapped, sealedValue);
        }

        // pg_dump's COPY blocks: a header naming the columns, tab-separated rows, then "\.".
        var keyColumns = CopyRows(backup.Text, "case_data_keys", out var keyHeader).Single(r => r[keyHeader.IndexOf("\"CaseId\"")] == caseId.ToString());
        var fieldRows = CopyRows(backup.Text, "case_fields", out var fieldHeader);
        var description = fieldRows.Single(r => r[fieldHeader.IndexOf("\"CaseId\"")] == caseId.ToString() && r[fieldHeader.IndexOf("\"Name\"")] == FieldCatalogue.Description);
        var hex = keyColumns[keyHeader.IndexOf("\"WrappedKey\"")];
        return new Copy(keyColumns[keyHeader.IndexOf("\"KekId\"")], Convert.FromHexString(hex[(hex.IndexOf('x') + 1)..]), description[fieldHeader.IndexOf("\"Value\"")]);
    }

    private static List<string[]> CopyRows(string dump, string table, out List<string> header)
    {
        var lines = dump.Split('\n');
        var start = Array.FindIndex(lines, l => l.StartsWith($"COPY public.{table} (", StringComparison.Ordinal));
        Assert.True(start >= 0, $"the dump holds {table}");
        var columns = lines[start][(lines[start].IndexOf('(') + 1)..lines[start].IndexOf(')')];
        header = columns.Split(", ").ToList();
        return lines.Skip(start + 1).TakeWhile(l => l != "\\.").Select(l => l.Split('\t')).ToList();
    }

    /// <summary>The files a database's content can linger in: SQLite's file and WAL; PostgreSQL's heap files of this database and the server's WAL.</summary>
    private static async Task<List<string>> DatabaseFilesAsync(TestDatabase database)
    {
        if (database.Provider == DatabaseProvider.Sqlite)
        {
            SqliteConnection.ClearAllPools();
            return new[] { database.SqliteFile!, database.SqliteFile + "-wal" }.Where(File.Exists).ToList();
        }

        await using var db = database.CreateContext();
        await db.Database.ExecuteSqlRawAsync("CHECKPOINT");
        var dataDirectory = await db.Database.SqlQueryRaw<string>("SELECT setting AS \"Value\" FROM pg_settings WHERE name = 'data_directory'").SingleAsync();
        var oid = await db.Database.SqlQueryRaw<long>("SELECT oid::bigint AS \"Value\" FROM pg_database WHERE datname = current_database()").SingleAsync();
        var heap = Directory.GetFiles(Path.Combine(dataDirectory, "base", oid.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var wal = Directory.GetFiles(Path.Combine(dataDirectory, "pg_wal")).Where(f => Path.GetFileName(f).Length == 24);
        return [.. heap, .. wal];
    }

    private static string PgTool(string tool) =>
        Directory.GetDirectories("/usr/lib/postgresql").Select(v => Path.Combine(v, "bin", tool)).Where(File.Exists)
            .OrderBy(p => p, StringComparer.Ordinal).LastOrDefault()
        ?? throw new InvalidOperationException("PostgreSQL's tools are not installed; ./test.sh installs them.");
}
