using System.Diagnostics;
using Exchange.Core.Audit;
using Exchange.Core.Cases;
using Exchange.Core.Data;
using Exchange.Core.Members;
using Exchange.Core.Webhooks;
using Exchange.Jobs.Webhooks;
using Exchange.Testing;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Exchange.Jobs.Tests;

/// <summary>
/// The built Jobs service as separate processes on one PostgreSQL database, a member's endpoint played
/// by WireMock.Net: scale-out, a kill -9, a database outage. A SQLite file belongs to one machine, so
/// these run on PostgreSQL only (docs/decisions/0301-hangfire-jobs.md).
/// </summary>
public sealed class ProcessTests
{
    // Short enough for a test, long enough that a live node's jobs are never taken from it.
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Exchange:Retention:Default"] = "00:00:00",
        ["Exchange:Jobs:Workers"] = "6",
        ["Exchange:Jobs:SchedulePollingInterval"] = "00:00:00.500",
        ["Exchange:Jobs:Storage:QueuePollInterval"] = "00:00:00.500",
        ["Exchange:Jobs:Storage:InvisibilityTimeout"] = "00:00:10",
        ["Exchange:Jobs:Purge:Interval"] = "00:00:01",
        ["Exchange:Jobs:Purge:SweepAfter"] = "00:00:30",
        ["Exchange:Jobs:Webhooks:Interval"] = "00:00:01",
        ["Exchange:Jobs:Webhooks:Timeout"] = "00:00:05",
        ["Exchange:Jobs:Webhooks:Lease"] = "00:00:08",
        ["Exchange:Jobs:Webhooks:SweepAfter"] = "00:00:30",
        ["Exchange:Jobs:Deadlines:Interval"] = "00:01:00",
        ["Exchange:Jobs:PurgeReceipts:Interval"] = "01:00:00",
        ["Exchange:Jobs:Housekeeping:Interval"] = "01:00:00",
    };

    /// <summary>
    /// What a node killed with SIGKILL can delay: the jobs it had fetched reappear after the storage's
    /// invisibility timeout (10 s here), a delivery it held after its lease (8 s), then a poll. The
    /// survivor must finish within this of the kill, its own share of the backlog included (a loaded
    /// CI machine with two cores takes some 20 s for that share, and a restarted SQLite node once
    /// needed more than 75 s while the whole suite ran beside it). Well inside the two minutes
    /// decision 0301 promises with the default timeouts.
    /// </summary>
    private static readonly TimeSpan RecoveryBound = TimeSpan.FromSeconds(110);

    [Fact]
    public async Task Two_jobs_processes_deliver_every_event_once_and_purge_every_case_once_and_both_do_work()
    {
        if (TestDatabase.CurrentProvider != DatabaseProvider.Postgres)
        {
            return;
        }

        const int total = 500;
        await using var database = await TestDatabase.CreateAsync();
        await database.MigrateAsync();
        using var receiver = Receiver();
        var ids = await ResolvedCasesWithSubscriptionAsync(database, receiver, total);

        using var first = ServiceProcess.Start(database, Settings);
        using var second = ServiceProcess.Start(database, Settings);

        await using var check = database.CreateContext();
        await TestData.EventuallyAsync(() => check.Tombstones.CountAsync(), n => n == total, TimeSpan.FromSeconds(120), "every case purged");
        await TestData.EventuallyAsync(() => check.WebhookDeliveries.CountAsync(d => d.Status == DeliveryStatus.Succeeded), n => n == 2 * total, TimeSpan.FromSeconds(120), "every delivery");

        await AssertPurgedOnceAsync(check, ids);
        await AssertSealedByTheJobsAsync(database);
        var expected = await ExpectedMessageIdsAsync(check);
        Assert.Equal(2 * total, expected.Count);
        var received = receiver.LogEntries.Select(e => e.RequestMessage.Headers!["webhook-id"].Single()).ToList();
        // No kill, no retry: every event arrived exactly once.
        Assert.Equal(expected.Order(), received.Order());
        Assert.Equal(2 * total, await check.WebhookDeliveries.CountAsync());

        // Both processes ran purge and delivery jobs (Hangfire records the server of each run).
        var workers = await ProcessesThatRanAsync(database, "CasePurgeJob");
        Assert.Contains(first.Id, workers);
        Assert.Contains(second.Id, workers);
        workers = await ProcessesThatRanAsync(database, "WebhookDeliveryJob");
        Assert.Contains(first.Id, workers);
        Assert.Contains(second.Id, workers);
    }

    [Fact]
    public async Task A_purge_killed_halfway_leaves_every_case_whole_or_purged_and_a_restarted_process_finishes_on_either_provider()
    {
        const int total = 150;
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

        await using var check = database.CreateContext();
        using (var worker = ServiceProcess.Start(database, Settings))
        {
            await TestData.EventuallyAsync(() => check.Tombstones.CountAsync(), n => n >= 20 || worker.HasExited, TimeSpan.FromSeconds(90), "the purge to be under way");
            worker.Kill();
        }

        // Halfway: some purged, some not, and each case either whole or purged, never in between.
        var tombstones = await check.Tombstones.Select(t => t.CaseId).ToListAsync();
        Assert.InRange(tombstones.Count, 1, total - 1);
        var remaining = await check.Cases.Select(c => c.Id).ToListAsync();
        var fieldCounts = await check.CaseFields.GroupBy(f => f.CaseId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count);
        var noteCounts = await check.CaseNotes.GroupBy(n => n.CaseId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count);
        var audited = await check.AuditEntries.Where(e => e.Action == CasePurger.AuditAction).Select(e => e.CaseId!.Value).ToListAsync();
        foreach (var id in ids)
        {
            var whole = remaining.Contains(id) && fieldCounts.GetValueOrDefault(id) == 5 && noteCounts.GetValueOrDefault(id) == 2 && !tombstones.Contains(id) && !audited.Contains(id);
            var purged = !remaining.Contains(id) && !fieldCounts.ContainsKey(id) && !noteCounts.ContainsKey(id) && tombstones.Contains(id) && audited.Count(x => x == id) == 1;
            Assert.True(whole ^ purged, $"case {id} is neither whole nor purged");
        }

        // A new process (the same node restarted) takes the rest, the killed one's fetched jobs included.
        using var restarted = ServiceProcess.Start(database, Settings);
        try
        {
            await TestData.EventuallyAsync(() => check.Tombstones.CountAsync(), n => n == total, RecoveryBound, "every case purged after the restart", restarted);
        }
        catch (TimeoutException timeout)
        {
            throw new TimeoutException($"{timeout.Message}\n{await PurgeStateAsync(check, restarted)}", timeout);
        }

        await AssertPurgedOnceAsync(check, ids);
        // The killed node held the sequencer's lease; the restarted one takes it over once it expires.
        await AssertSealedByTheJobsAsync(database);
    }

    [Fact]
    public async Task A_node_that_finds_a_dead_nodes_lock_on_a_recurring_job_starts_anyway_and_registers_it_once_the_lock_lapses()
    {
        if (TestDatabase.CurrentProvider != DatabaseProvider.Postgres)
        {
            return;
        }

        await using var database = await TestDatabase.CreateAsync();
        await database.MigrateAsync();
        // What a node killed while writing the Purge definition leaves: Hangfire's lock row, with no one
        // to release it before the storage's DistributedLockTimeout (one minute) lets others take it.
        await using (var connection = new NpgsqlConnection(database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO hangfire.lock(resource, updatecount, acquired) VALUES ('hangfire:lock:recurring-job:Purge', 0, now() at time zone 'utc')";
            await command.ExecuteNonQueryAsync();
        }

        using var jobs = ServiceProcess.Start(database, Settings);
        await TestData.EventuallyAsync(async () => (await jobs.ReadinessAsync(), jobs.HasExited), s => s.Item1 == 200 || s.HasExited,
            TimeSpan.FromSeconds(90), "ready despite the lock", jobs);
        Assert.False(jobs.HasExited, jobs.LastLines);

        await using var check = database.CreateContext();
        await TestData.EventuallyAsync(() => check.JobRuns.CountAsync(r => r.JobName == "Purge" && !r.Failed), n => n > 0,
            TimeSpan.FromSeconds(150), "a Purge run once the lock lapsed", jobs);
        Assert.Contains("locked by another node", jobs.LastLines, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_process_killed_in_the_middle_of_purging_and_delivering_leaves_nothing_half_done_and_the_survivor_finishes_in_bounded_time()
    {
        if (TestDatabase.CurrentProvider != DatabaseProvider.Postgres)
        {
            return;
        }

        const int total = 300;
        await using var database = await TestDatabase.CreateAsync();
        await database.MigrateAsync();
        // A receiver that takes a while per request, so deliveries are in flight when the kill comes.
        using var receiver = Receiver(TimeSpan.FromMilliseconds(150));
        await ResolvedCasesWithSubscriptionAsync(database, receiver, 0);

        // Both nodes up before there is any work, so the kill cannot wait on a start-up while the
        // work runs out: either may take jobs, and the victim is killed holding its share.
        using var victim = ServiceProcess.Start(database, Settings);
        using var survivor = ServiceProcess.Start(database, Settings);
        await TestData.EventuallyAsync(() => victim.ReadinessAsync(), s => s == 200, TimeSpan.FromSeconds(60), "the victim ready");
        await TestData.EventuallyAsync(() => survivor.ReadinessAsync(), s => s == 200, TimeSpan.FromSeconds(60), "the survivor ready");
        var ids = await ResolveMoreAsync(database, total);
        await using var check = database.CreateContext();
        await TestData.EventuallyAsync(
            async () => (await check.Tombstones.CountAsync(), receiver.LogEntries.Count()),
            x => x.Item1 >= 20 && x.Item2 >= 5, TimeSpan.FromSeconds(90), "purging and delivering under way");
        victim.Kill();
        var killedAt = Stopwatch.StartNew();
        var purgedAtKill = await check.Tombstones.CountAsync();
        var receivedAtKill = receiver.LogEntries.Count();
        var heldAtKill = await check.WebhookDeliveries.CountAsync(d => d.Status == DeliveryStatus.Pending && d.LockedUntil > DateTime.UtcNow);

        // Interrupted half-way through both, not before or after.
        Assert.InRange(purgedAtKill, 1, total - 1);
        Assert.InRange(receivedAtKill, 1, 2 * total - 1);

        await TestData.EventuallyAsync(() => check.Tombstones.CountAsync(), n => n == total, RecoveryBound, "every case purged after the kill", survivor);
        await TestData.EventuallyAsync(() => check.WebhookDeliveries.CountAsync(d => d.Status == DeliveryStatus.Succeeded), n => n == 2 * total,
            RecoveryBound - killedAt.Elapsed, "every delivery after the kill", survivor);

        // Nothing half-purged, nothing purged twice.
        await AssertPurgedOnceAsync(check, ids);
        // Nothing lost: every event reached the receiver. Sent twice at most are the ones the victim had
        // on the wire when it died (sent, not yet recorded); they carry the same webhook-id, by which
        // Standard Webhooks receivers de-duplicate. Every delivery is recorded as succeeded exactly once.
        var expected = await ExpectedMessageIdsAsync(check);
        var received = receiver.LogEntries.Select(e => e.RequestMessage.Headers!["webhook-id"].Single()).ToList();
        Assert.Equal(expected.Order(), received.Distinct().Order());
        Assert.InRange(received.Count - expected.Count, 0, Math.Max(heldAtKill, 0) + 6);
        Assert.Equal(2 * total, await check.WebhookDeliveries.CountAsync());
        Assert.Equal(0, await check.WebhookDeliveries.CountAsync(d => d.Status != DeliveryStatus.Succeeded));
        // The jobs the victim held are not left "processing" for ever: the survivor runs them again
        // once their invisibility timeout has passed, and finds nothing left to do.
        await TestData.EventuallyAsync(() => ServiceProcessingAsync(database), n => n == 0, RecoveryBound - killedAt.Elapsed, "no job left processing");
    }

    [Fact]
    public async Task With_the_database_gone_for_20_seconds_jobs_reports_not_ready_then_resumes_by_itself_and_loses_nothing()
    {
        if (TestDatabase.CurrentProvider != DatabaseProvider.Postgres)
        {
            return;
        }

        const int before = 50, during = 50;
        await using var database = await TestDatabase.CreateAsync();
        await database.MigrateAsync();
        using var receiver = Receiver();
        var ids = await ResolvedCasesWithSubscriptionAsync(database, receiver, before);
        var target = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        await using var proxy = new TcpProxy(target.Host!, target.Port);
        proxy.Start();
        var viaProxy = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Port = proxy.Port, Timeout = 3, CommandTimeout = 10 }.ConnectionString;

        using var jobs = ServiceProcess.Start(database, Settings, viaProxy);
        await using var check = database.CreateContext();
        await TestData.EventuallyAsync(() => jobs.ReadinessAsync(), s => s == 200, TimeSpan.FromSeconds(60), "ready");
        await TestData.EventuallyAsync(() => check.Tombstones.CountAsync(), n => n == before, TimeSpan.FromSeconds(60), "the first cases purged");

        await proxy.StopAsync();
        var outage = Stopwatch.StartNew();
        await TestData.EventuallyAsync(() => jobs.ReadinessAsync(), s => s == 503, TimeSpan.FromSeconds(15), "not ready while the database is gone");
        // Work keeps arriving meanwhile (the API still reaches the database; this node does not).
        ids.AddRange(await ResolveMoreAsync(database, during));
        // Whatever is left of the 20 s: on a loaded machine the checks above may have used it all.
        var left = TimeSpan.FromSeconds(20) - outage.Elapsed;
        if (left > TimeSpan.Zero)
        {
            await Task.Delay(left);
        }

        Assert.False(jobs.HasExited, "the Jobs process gave up during the outage");
        Assert.Equal(503, await jobs.ReadinessAsync());
        proxy.Start();

        await TestData.EventuallyAsync(() => jobs.ReadinessAsync(), s => s == 200, TimeSpan.FromSeconds(30), "ready again");
        await TestData.EventuallyAsync(() => check.Tombstones.CountAsync(), n => n == before + during, TimeSpan.FromSeconds(90), "every case purged after the outage");
        await TestData.EventuallyAsync(() => check.WebhookDeliveries.CountAsync(d => d.Status == DeliveryStatus.Succeeded), n => n == 2 * (before + during),
            TimeSpan.FromSeconds(90), "every delivery after the outage");

        await AssertPurgedOnceAsync(check, ids);
        var expected = await ExpectedMessageIdsAsync(check);
        var received = receiver.LogEntries.Select(e => e.RequestMessage.Headers!["webhook-id"].Single()).ToList();
        Assert.Equal(expected.Order(), received.Distinct().Order());
    }

    private static WireMockServer Receiver(TimeSpan? delay = null)
    {
        var server = WireMockServer.Start();
        var response = Response.Create().WithStatusCode(204);
        if (delay is { } d)
        {
            response = response.WithDelay(d);
        }

        server.Given(Request.Create().WithPath("/hook").UsingPost()).RespondWith(response);
        return server;
    }

    /// <summary>
    /// Accepted cases resolved the way the API resolves them (CaseLifecycle, the event in the outbox, an
    /// audit entry, one transaction per batch), with retention zero, and acme subscribed to every event.
    /// </summary>
    private static async Task<List<Guid>> ResolvedCasesWithSubscriptionAsync(TestDatabase database, WireMockServer receiver, int count)
    {
        await using (var db = database.CreateContext())
        {
            var authorisation = await TestData.MembersAndAuthorisationAsync(db);
            // The key ring is made once here, before any Jobs process starts, as the API would have.
            await using var keys = new JobsFactory(database, new Dictionary<string, string?> { ["Exchange:Jobs:Enabled"] = "false" });
            db.WebhookSubscriptions.Add(TestData.Subscription(keys.Services, "acme", new Uri(receiver.Url + "/hook"), WebhookSecret.Generate()));
            await db.SaveChangesAsync();
            _ = authorisation;
        }

        return await ResolveMoreAsync(database, count);
    }

    private static async Task<List<Guid>> ResolveMoreAsync(TestDatabase database, int count)
    {
        var ids = new List<Guid>();
        await using var db = database.CreateContext();
        var authorisation = await db.CustomerAuthorisations.Select(a => a.Id).FirstAsync();
        var members = await db.Members.ToDictionaryAsync(m => m.Id);
        var now = DateTime.UtcNow;
        for (var chunk = 0; chunk < count; chunk += 100)
        {
            var cases = Enumerable.Range(chunk, Math.Min(100, count - chunk))
                .Select(i => TestData.Case(authorisation, $"p{Guid.NewGuid():N}", CaseStatus.Accepted, now, null)).ToList();
            db.Cases.AddRange(cases);
            await db.SaveChangesAsync();

            var audit = new AuditLog(db, TimeProvider.System);
            await using var transaction = await audit.BeginAsync();
            foreach (var collaboration in cases)
            {
                var times = CaseTimes.For(DateTime.UtcNow, members["acme"], members["globex"], TimeSpan.Zero);
                var eventType = CaseLifecycle.Apply(collaboration, CaseAction.Resolve, CaseSide.Receiver, times);
                db.OutboxMessages.Add(CaseEvents.ForCase(eventType, collaboration, times.Now));
                await audit.AppendAsync(new AuditActor("globex", "user-g"), "case.resolved", "case", collaboration.Id.ToString(), collaboration.Id);
            }

            await db.SaveChangesAsync();
            await transaction.CommitAsync();
            db.ChangeTracker.Clear();
            ids.AddRange(cases.Select(c => c.Id));
        }

        return ids;
    }

    /// <summary>Each case gone whole, with one tombstone, one purge audit entry, one case.purged event; the chain intact.</summary>
    private static async Task AssertPurgedOnceAsync(ExchangeDbContext check, List<Guid> ids)
    {
        Assert.Equal(0, await check.Cases.CountAsync());
        Assert.Equal(0, await check.CaseFields.CountAsync());
        Assert.Equal(0, await check.CaseNotes.CountAsync());
        Assert.Equal(0, await check.WithheldFields.CountAsync());
        Assert.Equal(ids.Order(), (await check.Tombstones.Select(t => t.CaseId).ToListAsync()).Order());
        Assert.Equal(ids.Order(), (await check.AuditEntries.Where(e => e.Action == CasePurger.AuditAction).Select(e => e.CaseId!.Value).ToListAsync()).Order());
        Assert.Equal(ids.Order(), (await check.OutboxMessages.Where(m => m.EventType == CaseEvents.Purged).Select(m => m.CaseId!.Value).ToListAsync()).Order());
        Assert.True((await new AuditLog(check, TimeProvider.System).VerifyAsync()).Intact);
    }

    /// <summary>Both Jobs processes run a sequencer; the lease lets one seal at a time, and the chain comes out whole and signed.</summary>
    private static async Task AssertSealedByTheJobsAsync(TestDatabase database)
    {
        var verification = await AuditSealing.WaitUntilSealedAsync(database, TimeSpan.FromSeconds(60));
        Assert.True(verification.Intact);
        Assert.Equal(0, verification.Unsealed);
        Assert.True(verification.Checkpoint!.SignatureValid);
        Assert.Equal(verification.Entries, verification.Checkpoint.Sequence);
    }

    /// <summary>What a stalled purge leaves to look at: the cases left with their purge bookkeeping, and the last failed job runs.</summary>
    private static async Task<string> PurgeStateAsync(ExchangeDbContext check, ServiceProcess service)
    {
        var left = await check.Cases.AsNoTracking().Select(c => $"{c.Id} {c.Status} due {c.PurgeDueAt:O} scheduled {c.PurgeScheduledFor:O}").ToListAsync();
        var failures = await check.JobRuns.AsNoTracking().Where(r => r.Failed).OrderByDescending(r => r.StartedAt).Take(5)
            .Select(r => $"{r.JobName} at {r.StartedAt:O}: {r.Error}").ToListAsync();
        return $"service exited: {service.HasExited}\ncases left:\n{string.Join('\n', left)}\nfailed runs:\n{string.Join('\n', failures)}";
    }

    private static async Task<List<string>> ExpectedMessageIdsAsync(ExchangeDbContext check) =>
        (await check.OutboxMessages.Select(m => new { m.Id, m.RecipientMemberIds }).ToListAsync())
            .Where(m => m.RecipientMemberIds.Contains("acme")).Select(m => WebhookDispatcher.MessageIdFor(m.Id)).ToList();

    /// <summary>The process ids of the Hangfire servers that started a job of <paramref name="jobType"/>.</summary>
    private static async Task<HashSet<int>> ProcessesThatRanAsync(TestDatabase database, string jobType)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        // Hangfire's server ids are "<our server name>:<guid>" and our server name is "<machine>:<pid>".
        command.CommandText = "SELECT DISTINCT s.data::json->>'ServerId' FROM hangfire.state s JOIN hangfire.job j ON j.id = s.jobid "
            + "WHERE s.name = 'Processing' AND j.invocationdata::json->>'Type' LIKE @type";
        command.Parameters.AddWithValue("type", $"%{jobType}%");
        var pids = new HashSet<int>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var parts = reader.GetString(0).Split(':');
            if (parts.Length >= 2 && int.TryParse(parts[1], out var pid))
            {
                pids.Add(pid);
            }
        }

        return pids;
    }

    private static async Task<long> ServiceProcessingAsync(TestDatabase database)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM hangfire.job WHERE statename = 'Processing'";
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
