using System.Text;
using System.Text.Json;
using Exchange.Core.Audit;
using Exchange.Core.Cases;
using Exchange.Core.Data;
using Exchange.Core.Webhooks;
using Exchange.Jobs.Purge;
using Exchange.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Jobs.Tests;

public sealed class PurgeTests
{
    [Fact]
    public async Task A_resolved_case_with_retention_zero_is_purged_by_the_next_run_and_leaves_an_exact_tombstone()
    {
        await using var database = await TestDatabase.CreateAsync();
        await database.MigrateAsync();
        var now = DateTime.UtcNow;
        CollaborationCase resolved, open, notYetDue;
        await using (var db = database.CreateContext())
        {
            var authorisation = await TestData.MembersAndAuthorisationAsync(db, acmeRetention: TimeSpan.Zero, globexRetention: TimeSpan.FromDays(10));
            resolved = TestData.Case(authorisation, "resolved", CaseStatus.Resolved, now, now.AddMinutes(-30) /* concluded then, the shorter retention zero */);
            open = TestData.Case(authorisation, "open", CaseStatus.Accepted, now, null);
            notYetDue = TestData.Case(authorisation, "later", CaseStatus.Rejected, now, now.AddDays(1));
            db.Cases.AddRange(resolved, open, notYetDue);
            await db.SaveChangesAsync();
        }

        await using var factory = new JobsFactory(database);
        _ = factory.Services;

        await using var check = database.CreateContext();
        var tombstone = await TestData.EventuallyAsync(
            () => check.Tombstones.AsNoTracking().FirstOrDefaultAsync(t => t.CaseId == resolved.Id), t => t is not null, TimeSpan.FromSeconds(60), "the tombstone");

        Assert.NotNull(tombstone);
        Assert.Equal("acme", tombstone.SubmittingMemberId);
        Assert.Equal("globex", tombstone.ReceivingMemberId);
        Assert.Equal("AA", tombstone.SubmitterInitials);
        Assert.Equal("GG", tombstone.ReceiverInitials);
        Assert.Equal("Umbrella resolved", tombstone.CustomerOrganisation);
        Assert.Equal("Printer jams resolved", tombstone.Summary);
        Assert.Equal("Replaced the driver resolved", tombstone.StepsTaken);
        Assert.Equal("Firmware bug resolved", tombstone.Conclusion);
        Assert.Equal(CaseStatus.Resolved, tombstone.Outcome);
        Assert.Equal(resolved.CreatedAt, tombstone.OpenedAt, TimeSpan.FromMilliseconds(1));
        Assert.Equal(resolved.ConcludedAt!.Value, tombstone.ConcludedAt!.Value, TimeSpan.FromMilliseconds(1));
        Assert.InRange(tombstone.PurgedAt, now.AddSeconds(-1), DateTime.UtcNow);

        Assert.False(await check.Cases.AnyAsync(c => c.Id == resolved.Id));
        Assert.False(await check.CaseFields.AnyAsync(f => f.CaseId == resolved.Id));
        Assert.False(await check.WithheldFields.AnyAsync(f => f.CaseId == resolved.Id));
        Assert.False(await check.CaseNotes.AnyAsync(n => n.CaseId == resolved.Id));

        // Untouched: an open case, and a concluded one whose retention has not passed.
        foreach (var kept in new[] { open, notYetDue })
        {
            Assert.Equal(5, await check.CaseFields.CountAsync(f => f.CaseId == kept.Id));
            Assert.Equal(2, await check.CaseNotes.CountAsync(n => n.CaseId == kept.Id));
            Assert.False(await check.Tombstones.AnyAsync(t => t.CaseId == kept.Id));
        }

        var purgedEvent = await check.OutboxMessages.AsNoTracking().SingleAsync(m => m.CaseId == resolved.Id && m.EventType == CaseEvents.Purged);
        Assert.Equal(["acme", "globex"], purgedEvent.RecipientMemberIds);

        var entry = await check.AuditEntries.AsNoTracking().SingleAsync(e => e.CaseId == resolved.Id && e.Action == CasePurger.AuditAction);
        using var details = JsonDocument.Parse(entry.Details!);
        Assert.Equal(5, details.RootElement.GetProperty("fields").GetInt32());
        Assert.Equal(1, details.RootElement.GetProperty("withheldFields").GetInt32());
        Assert.Equal(2, details.RootElement.GetProperty("notes").GetInt32());
        Assert.DoesNotContain("Umbrella", entry.Details!, StringComparison.Ordinal);
        Assert.True((await new AuditLog(check, TimeProvider.System).VerifyAsync()).Intact);

        var run = await TestData.EventuallyAsync(
            () => check.JobRuns.AsNoTracking().Where(r => r.JobName == PurgeJob.JobName && r.FinishedAt != null && r.ItemsProcessed > 0).FirstOrDefaultAsync(),
            r => r is not null, TimeSpan.FromSeconds(10), "the recorded run");
        Assert.False(run!.Failed);
    }

    [Fact]
    public async Task After_a_purge_the_database_files_hold_none_of_the_purged_strings()
    {
        await using var database = await TestDatabase.CreateAsync();
        await database.MigrateAsync();
        var now = DateTime.UtcNow;
        var tags = Enumerable.Range(0, 20).Select(i => $"bytes{i:D2}x{Guid.NewGuid():N}").ToList();
        await using (var db = database.CreateContext())
        {
            var authorisation = await TestData.MembersAndAuthorisationAsync(db);
            db.Cases.AddRange(tags.Select(tag => TestData.Case(authorisation, tag, CaseStatus.Resolved, now, now)));
            await db.SaveChangesAsync();
        }

        await using (var factory = new JobsFactory(database))
        {
            _ = factory.Services;
            await using var check = database.CreateContext();
            await TestData.EventuallyAsync(() => check.Tombstones.CountAsync(), n => n == tags.Count, TimeSpan.FromSeconds(60), "all tombstones");
            // One more run after the purge: its checkpoint must find nothing left to keep.
            var purgedAt = await check.Tombstones.MaxAsync(t => t.PurgedAt);
            await TestData.EventuallyAsync(() => check.JobRuns.CountAsync(r => r.JobName == PurgeJob.JobName && r.StartedAt > purgedAt && r.FinishedAt != null), n => n > 0, TimeSpan.FromSeconds(30), "a later run");
            Assert.False(await check.CaseNotes.AnyAsync());
            Assert.False(await check.CaseFields.AnyAsync());
        }

        if (database.Provider != DatabaseProvider.Sqlite)
        {
            return;
        }

        SqliteConnection.ClearAllPools();
        var files = new[] { database.SqliteFile!, database.SqliteFile + "-wal" }.Where(File.Exists).Select(File.ReadAllBytes).ToList();
        Assert.NotEmpty(files[0]);
        foreach (var tag in tags)
        {
            foreach (var value in TestData.PurgedStrings(tag))
            {
                var needle = Encoding.UTF8.GetBytes(value);
                Assert.All(files, bytes => Assert.True(bytes.AsSpan().IndexOf(needle) < 0, $"'{value}' is still in the database files"));
            }

            // The tombstone keeps the summary: the search can find what is there.
            Assert.True(files[0].AsSpan().IndexOf(Encoding.UTF8.GetBytes("Printer jams " + tag)) >= 0);
        }
    }
}
