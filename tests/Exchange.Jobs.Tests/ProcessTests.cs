using Exchange.Core.Audit;
using Exchange.Core.Cases;
using Exchange.Core.Data;
using Exchange.Core.Webhooks;
using Exchange.Jobs.Webhooks;
using Exchange.Testing;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Jobs.Tests;

/// <summary>Tests that run the built Jobs service as separate processes.</summary>
public sealed class ProcessTests
{
    [Fact]
    public async Task A_purge_killed_halfway_leaves_every_case_either_whole_or_purged()
    {
        const int total = 600;
        await using var database = await TestDatabase.CreateAsync();
        await database.MigrateAsync();
        var now = DateTime.UtcNow;
        List<Guid> ids;
        await using (var db = database.CreateContext())
        {
            var authorisation = await TestData.MembersAndAuthorisationAsync(db);
            var cases = Enumerable.Range(0, total).Select(i => TestData.Case(authorisation, $"kill{i}", CaseStatus.Resolved, now, now)).ToList();
            db.Cases.AddRange(cases);
            await db.SaveChangesAsync();
            ids = cases.Select(c => c.Id).ToList();
        }

        using (var worker = JobsProcess.Start(database, new Dictionary<string, string?>
        {
            ["Exchange:Jobs:SchedulerName"] = "kill-" + database.Name,
            ["Exchange:Jobs:Purge:Interval"] = "00:00:00.100",
            ["Exchange:Jobs:Purge:BatchSize"] = "20",
            ["Exchange:Jobs:Purge:MaxBatchesPerRun"] = "1",
        }))
        {
            await using var probe = database.CreateContext();
            await TestData.EventuallyAsync(() => probe.Tombstones.CountAsync(), n => n >= 60 || worker.HasExited, TimeSpan.FromSeconds(60), "the purge to be under way");
            worker.Kill();
        }

        await using var check = database.CreateContext();
        var remaining = await check.Cases.Select(c => c.Id).ToListAsync();
        var tombstones = await check.Tombstones.Select(t => t.CaseId).ToListAsync();
        var fieldCounts = await check.CaseFields.GroupBy(f => f.CaseId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count);
        var noteCounts = await check.CaseNotes.GroupBy(n => n.CaseId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count);
        var withheldCounts = await check.WithheldFields.GroupBy(n => n.CaseId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count);
        var auditedPurges = await check.AuditEntries.Where(e => e.Action == CasePurger.AuditAction).Select(e => e.CaseId!.Value).ToListAsync();
        var purgedEvents = await check.OutboxMessages.Where(m => m.EventType == CaseEvents.Purged).Select(m => m.CaseId!.Value).ToListAsync();

        // Halfway: some purged, some not, so the kill did interrupt the work.
        Assert.InRange(tombstones.Count, 1, total - 1);
        foreach (var id in ids)
        {
            var whole = remaining.Contains(id) && fieldCounts.GetValueOrDefault(id) == 5 && noteCounts.GetValueOrDefault(id) == 2
                && withheldCounts.GetValueOrDefault(id) == 1 && !tombstones.Contains(id) && !auditedPurges.Contains(id) && !purgedEvents.Contains(id);
            var purged = !remaining.Contains(id) && !fieldCounts.ContainsKey(id) && !noteCounts.ContainsKey(id) && !withheldCounts.ContainsKey(id)
                && tombstones.Contains(id) && auditedPurges.Count(x => x == id) == 1 && purgedEvents.Count(x => x == id) == 1;
            Assert.True(whole ^ purged, $"case {id} is neither whole nor purged");
        }

        Assert.True((await new AuditLog(check, TimeProvider.System).VerifyAsync()).Intact);
    }

    [Fact]
    public async Task Two_jobs_processes_on_one_PostgreSQL_purge_ten_thousand_cases_once_and_deliver_each_message_once()
    {
        if (TestDatabase.CurrentProvider != DatabaseProvider.Postgres)
        {
            // A SQLite file belongs to one machine; clustering is a PostgreSQL matter (docs/decisions/0300).
            return;
        }

        const int total = 10_000;
        await using var database = await TestDatabase.CreateAsync();
        await database.MigrateAsync();
        await using var receiver = await Receiver.StartAsync();
        var now = DateTime.UtcNow;
        await using (var db = database.CreateContext())
        {
            var authorisation = await TestData.MembersAndAuthorisationAsync(db);
            for (var chunk = 0; chunk < total / 1000; chunk++)
            {
                db.Cases.AddRange(Enumerable.Range(chunk * 1000, 1000).Select(i =>
                {
                    var c = TestData.Case(authorisation, $"many{i}", CaseStatus.Resolved, now, now);
                    c.Fields.RemoveAll(f => f.Name is not FieldCatalogue.Summary and not FieldCatalogue.Description);
                    c.Notes.RemoveAt(1);
                    return c;
                }));
                await db.SaveChangesAsync();
                db.ChangeTracker.Clear();
            }
        }

        var settings = new Dictionary<string, string?>
        {
            ["Exchange:Jobs:Purge:Interval"] = "00:00:00.500",
            ["Exchange:Jobs:Purge:BatchSize"] = "500",
            ["Exchange:Jobs:Webhooks:Interval"] = "00:00:00.500",
            ["Exchange:Jobs:Webhooks:BatchSize"] = "500",
            ["Exchange:Jobs:Webhooks:Concurrency"] = "16",
            ["Exchange:Jobs:Deadlines:Interval"] = "00:01:00",
            ["Exchange:Jobs:PurgeReceipts:Interval"] = "00:01:00",
            ["Exchange:Retention:Default"] = "00:00:00",
        };
        using var first = JobsProcess.Start(database, settings);
        await using (var db = database.CreateContext())
        {
            // The subscription is stored the way the API stores it, protected with the services' shared keys,
            // so it is written once the first process has created the key ring.
            await TestData.EventuallyAsync(() => db.DataProtectionKeys.CountAsync(), n => n > 0, TimeSpan.FromSeconds(60), "the key ring");
            await using var keys = new JobsFactory(database, new Dictionary<string, string?> { ["Exchange:Jobs:Enabled"] = "false" });
            db.WebhookSubscriptions.Add(TestData.Subscription(keys.Services, "acme", receiver.Url, WebhookSecret.Generate(), CaseEvents.Purged));
            await db.SaveChangesAsync();
        }

        using var second = JobsProcess.Start(database, settings);

        await using var check = database.CreateContext();
        await TestData.EventuallyAsync(() => check.Tombstones.CountAsync(), n => n == total, TimeSpan.FromSeconds(150), "every case purged");
        await TestData.EventuallyAsync(() => check.WebhookDeliveries.CountAsync(d => d.Status == DeliveryStatus.Succeeded), n => n == total, TimeSpan.FromSeconds(150), "every delivery");
        await Task.Delay(1000);

        Assert.Equal(0, await check.Cases.CountAsync());
        Assert.Equal(total, await check.AuditEntries.CountAsync(e => e.Action == CasePurger.AuditAction));
        Assert.Equal(total, await check.OutboxMessages.CountAsync(m => m.EventType == CaseEvents.Purged));
        Assert.Equal(total, await check.WebhookDeliveries.CountAsync());
        var received = receiver.Requests.ToList();
        Assert.Equal(total, received.Count);
        Assert.Equal(total, received.Select(r => r.Id).Distinct().Count());
        var expectedIds = await check.OutboxMessages.Where(m => m.EventType == CaseEvents.Purged).Select(m => m.Id).ToListAsync();
        Assert.Equal(expectedIds.Select(WebhookDispatcher.MessageIdFor).Order(), received.Select(r => r.Id).Order());
        Assert.True((await new AuditLog(check, TimeProvider.System).VerifyAsync()).Intact);
    }
}
