using System.Text;
using Exchange.Core.Audit;
using Exchange.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Exchange.Foundation.Tests;

/// <summary>The audit log of decision 0208: appended without a lock, sealed by one leased sequencer, checkpoints signed.</summary>
public sealed class AuditLogTests
{
    [Fact]
    public async Task Concurrent_appends_are_sealed_into_one_intact_chain_with_a_signed_checkpoint()
    {
        await using var database = await TestDatabase.CreateAsync();
        await database.MigrateAsync();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(async writer =>
        {
            for (var i = 0; i < 5; i++)
            {
                await AppendAsync(database, $"writer-{writer}", "case.read");
            }
        }));

        await using var db = database.CreateContext();
        var before = await new AuditLog(db, TimeProvider.System).VerifyAsync();
        Assert.True(before.Intact);
        Assert.Equal(0, before.Entries);
        Assert.Equal(40, before.Unsealed);
        Assert.Null(before.Checkpoint);

        await AuditSealing.SealAllAsync(database);

        var result = await new AuditLog(db, TimeProvider.System).VerifyAsync();
        Assert.True(result.Intact);
        Assert.Equal(40, result.Entries);
        Assert.Equal(0, result.Unsealed);
        Assert.Equal(0, result.SealingLagSeconds);
        Assert.Equal(40, result.Checkpoint!.Sequence);
        Assert.True(result.Checkpoint.SignatureValid);
        // Sealed in insertion order, numbered without a gap.
        var sealedInOrder = await db.AuditEntries.OrderBy(e => e.Sequence).Select(e => new { e.Id, e.Sequence }).ToListAsync();
        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long?)i), sealedInOrder.Select(e => e.Sequence));
        Assert.Equal(sealedInOrder.Select(e => e.Id).Order(), sealedInOrder.Select(e => e.Id));
    }

    [PostgresFact]
    public async Task Two_writers_with_transactions_open_at_once_do_not_wait_for_each_other_and_a_late_commit_is_still_sealed()
    {
        await using var database = await TestDatabase.CreateAsync();
        await database.MigrateAsync();

        // The first writer appends (taking the lower insertion id) and keeps its transaction open.
        await using var first = database.CreateContext();
        var firstLog = new AuditLog(first, TimeProvider.System);
        await using var firstTransaction = await first.Database.BeginTransactionAsync();
        await firstLog.AppendAsync(new AuditActor("acme", "slow"), "case.read", "case", "1");
        await first.SaveChangesAsync();

        // The second appends and commits meanwhile: with the old chain lock it would wait for the first.
        var second = Task.Run(() => AppendAsync(database, "fast", "case.read"));
        Assert.Same(second, await Task.WhenAny(second, Task.Delay(TimeSpan.FromSeconds(10))));
        await second;

        // The sequencer seals what has committed; the open transaction's entry is not visible yet.
        await AuditSealing.SealAllAsync(database);
        await using (var check = database.CreateContext())
        {
            Assert.Equal(["fast"], await check.AuditEntries.Where(e => e.Sequence != null).Select(e => e.ActorId).ToListAsync());
        }

        await firstTransaction.CommitAsync();
        await AuditSealing.SealAllAsync(database);

        await using var db = database.CreateContext();
        var entries = await db.AuditEntries.OrderBy(e => e.Sequence).ToListAsync();
        Assert.Equal(["fast", "slow"], entries.Select(e => e.ActorId));
        Assert.True(entries[1].Id < entries[0].Id, "the late commit had the lower insertion id");
        var result = await new AuditLog(db, TimeProvider.System).VerifyAsync();
        Assert.True(result.Intact);
        Assert.Equal(2, result.Entries);
        Assert.Equal(0, result.Unsealed);
    }

    [Fact]
    public async Task Two_sequencers_never_both_seal_the_lease_holder_seals_and_the_other_takes_over_after_expiry()
    {
        await using var database = await TestDatabase.CreateAsync();
        await database.MigrateAsync();
        using var signer = AuditSigner.Load(database.AuditSigningKeyPath, create: true);
        var clock = new ShiftedClock();
        await AppendAsync(database, "client-1", "case.read");

        await using (var db = database.CreateContext())
        {
            var first = await Sequencer(db, signer, clock).SealBatchAsync("node-a", 100, TimeSpan.FromSeconds(30));
            Assert.True(first.Leader);
            Assert.Equal(1, first.Sealed);
        }

        await AppendAsync(database, "client-1", "case.read");
        await using (var db = database.CreateContext())
        {
            var refused = await Sequencer(db, signer, clock).SealBatchAsync("node-b", 100, TimeSpan.FromSeconds(30));
            Assert.False(refused.Leader);
            Assert.Equal(0, refused.Sealed);
            Assert.Equal(1, refused.Unsealed);
        }

        // Node a stops renewing; once its lease has run out node b takes over and carries on the same chain.
        clock.Shift = TimeSpan.FromSeconds(31);
        await using (var db = database.CreateContext())
        {
            var takenOver = await Sequencer(db, signer, clock).SealBatchAsync("node-b", 100, TimeSpan.FromSeconds(30));
            Assert.True(takenOver.Leader);
            Assert.Equal(1, takenOver.Sealed);
            Assert.Equal("node-b", (await db.AuditSequencerLeases.SingleAsync()).Holder);
            var result = await new AuditLog(db, TimeProvider.System).VerifyAsync();
            Assert.True(result.Intact);
            Assert.Equal(2, result.Entries);
        }
    }

    [Fact]
    public async Task Sequencers_racing_on_many_writers_seal_every_entry_once_in_one_chain()
    {
        await using var database = await TestDatabase.CreateAsync();
        await database.MigrateAsync();
        using var signer = AuditSigner.Load(database.AuditSigningKeyPath, create: true);
        using var stop = new CancellationTokenSource();
        var sealedBy = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        var sequencers = new[] { "node-a", "node-b" }.Select(holder => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await using var db = database.CreateContext();
                    var result = await Sequencer(db, signer, TimeProvider.System).SealBatchAsync(holder, 7, TimeSpan.FromSeconds(30));
                    sealedBy.AddOrUpdate(holder, result.Sealed, (_, n) => n + result.Sealed);
                }
                catch (DbUpdateException)
                {
                    // Both made the lease row at once and this one lost; as the service does, try again.
                }

                await Task.Delay(20);
            }
        })).ToList();

        await Task.WhenAll(Enumerable.Range(0, 6).Select(async writer =>
        {
            for (var i = 0; i < 10; i++)
            {
                await AppendAsync(database, $"writer-{writer}", "case.read");
            }
        }));
        var verification = await AuditSealing.WaitUntilSealedAsync(database, TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        await Task.WhenAll(sequencers);

        Assert.True(verification.Intact);
        Assert.Equal(60, verification.Entries);
        Assert.Equal(0, verification.Unsealed);
        Assert.True(verification.Checkpoint!.SignatureValid);
        // The lease was never given up, so one node sealed everything.
        Assert.Equal(60, sealedBy.Values.Sum());
        Assert.Single(sealedBy, s => s.Value > 0);
    }

    [Theory]
    [InlineData("edited")]
    [InlineData("deleted")]
    [InlineData("reordered")]
    public async Task A_sealed_entry_edited_deleted_or_reordered_breaks_the_chain_where_it_was(string tampering)
    {
        await using var database = await TestDatabase.CreateAsync();
        await database.MigrateAsync();
        for (var i = 0; i < 5; i++)
        {
            await AppendAsync(database, "client-1", "case.read");
        }

        await AuditSealing.SealAllAsync(database);
        await using var db = database.CreateContext();
        switch (tampering)
        {
            case "edited":
                await db.AuditEntries.Where(e => e.Sequence == 3).ExecuteUpdateAsync(s => s.SetProperty(e => e.Action, "case.deleted"));
                break;
            case "deleted":
                await db.AuditEntries.Where(e => e.Sequence == 3).ExecuteDeleteAsync();
                break;
            case "reordered":
                await db.AuditEntries.Where(e => e.Sequence == 3).ExecuteUpdateAsync(s => s.SetProperty(e => e.Sequence, -3));
                await db.AuditEntries.Where(e => e.Sequence == 4).ExecuteUpdateAsync(s => s.SetProperty(e => e.Sequence, 3));
                await db.AuditEntries.Where(e => e.Sequence == -3).ExecuteUpdateAsync(s => s.SetProperty(e => e.Sequence, 4));
                break;
        }

        var result = await new AuditLog(db, TimeProvider.System).VerifyAsync();
        Assert.False(result.Intact);
        Assert.Equal(3, result.FirstBrokenSequence);
        Assert.Equal(2, result.Entries);
    }

    [Fact]
    public async Task The_last_sealed_entry_deleted_is_caught_by_the_signed_checkpoint()
    {
        await using var database = await TestDatabase.CreateAsync();
        await database.MigrateAsync();
        for (var i = 0; i < 3; i++)
        {
            await AppendAsync(database, "client-1", "case.read");
        }

        await AuditSealing.SealAllAsync(database);
        await using var db = database.CreateContext();
        await db.AuditEntries.Where(e => e.Sequence == 3).ExecuteDeleteAsync();

        var result = await new AuditLog(db, TimeProvider.System).VerifyAsync();
        Assert.False(result.Intact);
        Assert.Equal(3, result.FirstBrokenSequence);
    }

    [Theory]
    [InlineData("edited")]
    [InlineData("reordered")]
    public async Task An_unsealed_entry_edited_or_moved_in_time_is_detected_by_its_content_hash_before_and_after_sealing(string tampering)
    {
        await using var database = await TestDatabase.CreateAsync();
        await database.MigrateAsync();
        for (var i = 0; i < 3; i++)
        {
            await AppendAsync(database, "client-1", "case.read");
        }

        await using var db = database.CreateContext();
        var ids = await db.AuditEntries.OrderBy(e => e.Id).Select(e => new { e.Id, e.OccurredAt }).ToListAsync();
        if (tampering == "edited")
        {
            await db.AuditEntries.Where(e => e.Id == ids[1].Id).ExecuteUpdateAsync(s => s.SetProperty(e => e.ActorId, "someone-else"));
        }
        else
        {
            // Reordering before sealing means giving an entry another place in time: swap two entries' times.
            await db.AuditEntries.Where(e => e.Id == ids[1].Id).ExecuteUpdateAsync(s => s.SetProperty(e => e.OccurredAt, ids[2].OccurredAt));
            await db.AuditEntries.Where(e => e.Id == ids[2].Id).ExecuteUpdateAsync(s => s.SetProperty(e => e.OccurredAt, ids[1].OccurredAt));
        }

        var beforeSealing = await new AuditLog(db, TimeProvider.System).VerifyAsync();
        Assert.False(beforeSealing.Intact);
        Assert.Equal(3, beforeSealing.Unsealed);
        Assert.Equal(ids[1].Id, beforeSealing.FirstTamperedUnsealedId);

        // Sealing does not launder it: the entry keeps the content hash it was appended with.
        await AuditSealing.SealAllAsync(database);
        var afterSealing = await new AuditLog(db, TimeProvider.System).VerifyAsync();
        Assert.False(afterSealing.Intact);
        Assert.Equal(2, afterSealing.FirstBrokenSequence);
    }

    [Fact]
    public async Task Verification_reports_the_unsealed_entries_and_the_age_of_the_oldest()
    {
        await using var database = await TestDatabase.CreateAsync();
        await database.MigrateAsync();
        await using (var db = database.CreateContext())
        {
            var log = new AuditLog(db, new ShiftedClock { Shift = TimeSpan.FromSeconds(-30) });
            await log.InTransactionAsync(() => log.AppendAsync(new AuditActor("acme", "client-1"), "case.read", "case", "1"));
        }

        await AppendAsync(database, "client-1", "case.read");
        await using var check = database.CreateContext();
        var result = await new AuditLog(check, TimeProvider.System).VerifyAsync();
        Assert.True(result.Intact);
        Assert.Equal(2, result.Unsealed);
        Assert.InRange(result.SealingLagSeconds, 29, 120);
    }

    [Fact]
    public async Task A_checkpoint_verifies_with_the_published_public_key_and_fails_once_altered()
    {
        await using var database = await TestDatabase.CreateAsync();
        await database.MigrateAsync();
        await AppendAsync(database, "client-1", "case.read");
        await AuditSealing.SealAllAsync(database);

        await using var db = database.CreateContext();
        var checkpoint = await db.AuditCheckpoints.SingleAsync();
        var key = await db.AuditSigningKeys.SingleAsync(k => k.KeyId == checkpoint.KeyId);
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", key.PublicKeyPem, StringComparison.Ordinal);
        Assert.True(AuditSigner.Verify(key.PublicKeyPem, checkpoint));

        // Offline, with nothing but .NET's ECDSA: the statement, the signature and the public key.
        using (var ecdsa = System.Security.Cryptography.ECDsa.Create())
        {
            ecdsa.ImportFromPem(key.PublicKeyPem);
            var statement = Encoding.UTF8.GetBytes(AuditSigner.Statement(checkpoint.Sequence, checkpoint.HeadHash, checkpoint.SignedAt));
            Assert.True(ecdsa.VerifyData(statement, Convert.FromBase64String(checkpoint.Signature), System.Security.Cryptography.HashAlgorithmName.SHA256));
        }

        Assert.False(AuditSigner.Verify(key.PublicKeyPem, new AuditCheckpoint
        {
            Sequence = checkpoint.Sequence + 1, HeadHash = checkpoint.HeadHash, SignedAt = checkpoint.SignedAt, KeyId = checkpoint.KeyId, Signature = checkpoint.Signature,
        }));
        Assert.False(AuditSigner.Verify(key.PublicKeyPem, new AuditCheckpoint
        {
            Sequence = checkpoint.Sequence, HeadHash = AuditLog.Genesis, SignedAt = checkpoint.SignedAt, KeyId = checkpoint.KeyId, Signature = checkpoint.Signature,
        }));
        using (var other = AuditSigner.Load(Path.Combine(Path.GetTempPath(), "exchange-tests", $"other-key-{Guid.NewGuid():N}.pem"), create: true))
        {
            Assert.False(AuditSigner.Verify(other.PublicKeyPem, checkpoint));
        }

        // A signature altered in the database fails verification of the whole log.
        var altered = Convert.FromBase64String(checkpoint.Signature);
        altered[5] ^= 0x01;
        await db.AuditCheckpoints.Where(c => c.Sequence == checkpoint.Sequence)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Signature, Convert.ToBase64String(altered)));
        var result = await new AuditLog(db, TimeProvider.System).VerifyAsync();
        Assert.False(result.Intact);
        Assert.False(result.Checkpoint!.SignatureValid);
        Assert.Null(result.FirstBrokenSequence);
    }

    [Fact]
    public async Task A_unit_of_work_that_fails_leaves_neither_its_change_nor_its_audit_entry()
    {
        await using var database = await TestDatabase.CreateAsync();
        await database.MigrateAsync();
        await using var db = database.CreateContext();
        var log = new AuditLog(db, TimeProvider.System);
        await Assert.ThrowsAsync<InvalidOperationException>(() => log.InTransactionAsync(async () =>
        {
            await log.AppendAsync(new AuditActor("acme", "client-1"), "case.read", "case", "1");
            await db.SaveChangesAsync();
            throw new InvalidOperationException("the change failed after its entry was written");
        }));

        db.ChangeTracker.Clear();
        Assert.Equal(0, await db.AuditEntries.CountAsync());
    }

    [Fact]
    public async Task Entries_chained_before_the_sequencer_stay_valid_after_the_upgrade_and_the_first_checkpoint_covers_them()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using (var db = database.CreateContext())
        {
            // The schema as it was before decision 0208, with a chain the old appender wrote under its lock.
            var migrations = db.Database.GetMigrations().ToList();
            var sequencer = migrations.FindIndex(m => m.EndsWith("_AuditSequencer", StringComparison.Ordinal));
            Assert.True(sequencer > 0, "no AuditSequencer migration");
            await db.GetService<Microsoft.EntityFrameworkCore.Migrations.IMigrator>().MigrateAsync(migrations[sequencer - 1]);
            var previous = AuditLog.Genesis;
            var start = new DateTime(2026, 11, 20, 9, 0, 0, DateTimeKind.Utc);
            for (long sequence = 1; sequence <= 3; sequence++)
            {
                var occurredAt = start.AddMinutes(sequence);
                var hash = LegacyHash(sequence, occurredAt, "acme", "client-1", "case.read", "case", sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), previous);
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO audit_entries ("Sequence", "OccurredAt", "ActorMemberId", "ActorId", "Action", "ObjectType", "ObjectId", "PreviousHash", "Hash")
                    VALUES ({sequence}, {occurredAt}, 'acme', 'client-1', 'case.read', 'case', {sequence.ToString(System.Globalization.CultureInfo.InvariantCulture)}, {previous}, {hash})
                    """);
                previous = hash;
            }

            await db.Database.MigrateAsync();
        }

        await AppendAsync(database, "client-2", "case.read");
        await AuditSealing.SealAllAsync(database);

        await using var check = database.CreateContext();
        var entries = await check.AuditEntries.OrderBy(e => e.Sequence).ToListAsync();
        Assert.Equal([1L, 2L, 3L, 4L], entries.Select(e => e.Sequence!.Value));
        Assert.Equal(["client-1", "client-1", "client-1", "client-2"], entries.Select(e => e.ActorId));
        Assert.Null(entries[0].ContentHash);
        Assert.Equal(entries[2].Hash, entries[3].PreviousHash);
        var result = await new AuditLog(check, TimeProvider.System).VerifyAsync();
        Assert.True(result.Intact);
        Assert.Equal(4, result.Entries);
        Assert.Equal(4, result.Checkpoint!.Sequence);
        Assert.True(result.Checkpoint.SignatureValid);

        // An old entry edited after the upgrade still breaks the chain where it was.
        await check.AuditEntries.Where(e => e.Sequence == 2).ExecuteUpdateAsync(s => s.SetProperty(e => e.ActorId, "someone-else"));
        Assert.Equal(2, (await new AuditLog(check, TimeProvider.System).VerifyAsync()).FirstBrokenSequence);
    }

    /// <summary>The chain's hash as specified before decision 0208 (and kept): length-prefixed fields, SHA-256, lower-case hex.</summary>
    private static string LegacyHash(long sequence, DateTime occurredAt, string member, string actor, string action, string objectType, string objectId, string previous)
    {
        var fields = new[]
        {
            sequence.ToString(System.Globalization.CultureInfo.InvariantCulture),
            occurredAt.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", System.Globalization.CultureInfo.InvariantCulture),
            member, actor, action, objectType, objectId, "", "", previous,
        };
        var text = string.Concat(fields.Select(f => $"{f.Length}:{f}|"));
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    private static AuditSequencer Sequencer(Exchange.Core.Data.ExchangeDbContext db, AuditSigner signer, TimeProvider clock) =>
        new(db, signer, clock, NullLogger<AuditSequencer>.Instance);

    private static async Task AppendAsync(TestDatabase database, string actor, string action)
    {
        await using var db = database.CreateContext();
        var log = new AuditLog(db, TimeProvider.System);
        await log.InTransactionAsync(() => log.AppendAsync(new AuditActor("acme", actor), action, "case", Guid.NewGuid().ToString(), details: new { fields = 3 }));
    }

    private sealed class ShiftedClock : TimeProvider
    {
        public TimeSpan Shift { get; set; }

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Shift;
    }
}
