using System.Text.Json;
using Exchange.Core.Cases;
using Exchange.Core.Identity;
using Exchange.Core.Jobs;
using Exchange.Jobs.Housekeeping;
using Exchange.Testing;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Jobs.Tests;

public sealed class HousekeepingTests
{
    private const string Action = "housekeeping.deleted";

    // Long enough that the run StartNow triggers is the only one while a test looks.
    private static Dictionary<string, string?> Settings(params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string?> { [$"Exchange:Jobs:{HousekeepingJob.JobName}:Interval"] = "01:00:00" };
        foreach (var (key, value) in more)
        {
            settings[$"Exchange:Jobs:{HousekeepingJob.JobName}:{key}"] = value;
        }

        return settings;
    }

    private static SigningKey Key(DateTime activatesAt, DateTime retiresAt) => new()
    {
        KeyId = SecretHasher.NewSecret()[..22],
        Algorithm = "ES256",
        ProtectedPrivateKey = "protected",
        CreatedAt = activatesAt,
        ActivatesAt = activatesAt,
        RetiresAt = retiresAt,
        ExpiresAt = retiresAt.AddMinutes(15),
    };

    private static IdempotencyRecord Idempotency(DateTime createdAt) => new()
    {
        MemberId = "acme",
        ClientId = "acme-crm/acme-crm",
        Key = Guid.NewGuid().ToString(),
        RequestHash = new string('a', 64),
        StatusCode = 201,
        Location = $"/api/v1/cases/{Guid.NewGuid()}",
        CreatedAt = createdAt,
        CompletedAt = createdAt,
    };

    private static async Task<List<JobRun>> RunsAsync(TestDatabase database, int count)
    {
        await using var check = database.CreateContext();
        return await TestData.EventuallyAsync(
            () => check.JobRuns.AsNoTracking().Where(r => r.JobName == HousekeepingJob.JobName && r.FinishedAt != null).OrderBy(r => r.StartedAt).ToListAsync(),
            runs => runs.Count >= count, TimeSpan.FromSeconds(60), $"{count} finished housekeeping run(s)");
    }

    [Fact]
    public async Task Expired_rows_are_deleted_and_live_ones_kept_with_one_audit_entry_only_when_something_was_deleted()
    {
        await using var database = await TestDatabase.CreateAsync();
        await database.MigrateAsync();
        var now = DateTime.UtcNow;

        var expiredKey = Key(now.AddDays(-70), now.AddDays(-40));
        var activeKey = Key(now.AddDays(-10), now.AddDays(20));
        var nextKey = Key(now.AddDays(20), now.AddDays(50));
        // Retired, but still published while tokens it signed may live.
        var retiredKey = Key(now.AddDays(-40), now.AddMinutes(-10));

        var oldIdempotency = Idempotency(now.AddDays(-3));
        var hourOldIdempotency = Idempotency(now.AddHours(-1));
        var dayOldIdempotency = Idempotency(now.AddHours(-30));

        var oldRun = new JobRun { JobName = "Purge", Node = "old", StartedAt = now.AddDays(-40), FinishedAt = now.AddDays(-40) };
        var recentRun = new JobRun { JobName = "Purge", Node = "recent", StartedAt = now.AddDays(-1), FinishedAt = now.AddDays(-1) };

        await using (var db = database.CreateContext())
        {
            db.SigningKeys.AddRange(expiredKey, activeKey, nextKey, retiredKey);
            db.IdempotencyRecords.AddRange(oldIdempotency, hourOldIdempotency, dayOldIdempotency);
            db.JobRuns.AddRange(oldRun, recentRun);
            await db.SaveChangesAsync();
        }

        await using (var factory = new JobsFactory(database, Settings()))
        {
            _ = factory.Services;
            var run = Assert.Single(await RunsAsync(database, 1));
            Assert.False(run.Failed, run.Error);
            Assert.Equal(1 + 1 + 1, run.ItemsProcessed);
        }

        await using var check = database.CreateContext();
        Assert.Equal(
            new[] { activeKey.KeyId, nextKey.KeyId, retiredKey.KeyId }.Order(StringComparer.Ordinal),
            (await check.SigningKeys.AsNoTracking().Select(k => k.KeyId).ToListAsync()).Order(StringComparer.Ordinal));
        Assert.Equal(
            new[] { hourOldIdempotency.Key, dayOldIdempotency.Key }.Order(),
            (await check.IdempotencyRecords.AsNoTracking().Select(r => r.Key).ToListAsync()).Order());
        Assert.False(await check.JobRuns.AnyAsync(r => r.Id == oldRun.Id));
        Assert.True(await check.JobRuns.AnyAsync(r => r.Id == recentRun.Id));

        var entry = Assert.Single(await check.AuditEntries.AsNoTracking().Where(e => e.Action == Action).ToListAsync());
        Assert.Equal("system", entry.ActorMemberId);
        using var details = JsonDocument.Parse(entry.Details!);
        Assert.Equal(1, details.RootElement.GetProperty("signingKeys").GetInt32());
        Assert.Equal(1, details.RootElement.GetProperty("idempotencyRecords").GetInt32());
        Assert.Equal(1, details.RootElement.GetProperty("jobRuns").GetInt32());

        // A run that finds nothing to delete leaves no audit entry.
        await using (var again = new JobsFactory(database, Settings()))
        {
            _ = again.Services;
            var second = (await RunsAsync(database, 2))[1];
            Assert.False(second.Failed, second.Error);
            Assert.Equal(0, second.ItemsProcessed);
        }

        Assert.Equal(1, await check.AuditEntries.CountAsync(e => e.Action == Action));
        Assert.Equal(3, await check.SigningKeys.CountAsync());
    }

    [Fact]
    public async Task A_run_deletes_at_most_its_batches_of_each_table_and_the_next_run_takes_the_rest()
    {
        await using var database = await TestDatabase.CreateAsync();
        await database.MigrateAsync();
        var now = DateTime.UtcNow;
        await using (var db = database.CreateContext())
        {
            for (var i = 0; i < 5; i++)
            {
                db.SigningKeys.Add(Key(now.AddDays(-100 + i), now.AddDays(-10 + i)));
                db.IdempotencyRecords.Add(Idempotency(now.AddDays(-10 + i)));
            }

            await db.SaveChangesAsync();
        }

        var bounded = Settings(("BatchSize", "2"), ("MaxBatchesPerRun", "2"));
        await using (var factory = new JobsFactory(database, bounded))
        {
            _ = factory.Services;
            var run = Assert.Single(await RunsAsync(database, 1));
            Assert.False(run.Failed, run.Error);
            Assert.Equal(2 * 4, run.ItemsProcessed);
        }

        await using var check = database.CreateContext();
        // Oldest first: what is left is the most recently expired row of each table.
        Assert.Equal(now.AddDays(-6), (await check.SigningKeys.AsNoTracking().SingleAsync()).RetiresAt, TimeSpan.FromMilliseconds(1));
        Assert.Equal(now.AddDays(-6), (await check.IdempotencyRecords.AsNoTracking().SingleAsync()).CreatedAt, TimeSpan.FromMilliseconds(1));

        await using (var again = new JobsFactory(database, bounded))
        {
            _ = again.Services;
            var second = (await RunsAsync(database, 2))[1];
            Assert.False(second.Failed, second.Error);
            Assert.Equal(2, second.ItemsProcessed);
        }

        Assert.False(await check.SigningKeys.AnyAsync());
        Assert.False(await check.IdempotencyRecords.AnyAsync());
    }
}
