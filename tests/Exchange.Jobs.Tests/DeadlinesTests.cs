using Exchange.Core.Agreements;
using Exchange.Core.Cases;
using Exchange.Core.Members;
using Exchange.Core.Webhooks;
using Exchange.Jobs.Deadlines;
using Exchange.Testing;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Jobs.Tests;

public sealed class DeadlinesTests
{
    private static Agreement Bilateral(DateTime now, DateTime expiresAt) => new()
    {
        Kind = AgreementKind.Bilateral,
        DocumentReference = "bilateral.pdf",
        DocumentSha256 = new string('a', 64),
        Version = "1",
        EffectiveFrom = now.AddDays(-100),
        ExpiresAt = expiresAt,
        Status = AgreementStatus.InForce,
        PermittedCategories = [DataCategory.Technical],
        PermittedRegions = ["EU"],
        CreatedAt = now.AddDays(-100),
    };

    [Fact]
    public async Task Deadlines_expiries_and_inactivity_are_flagged_notified_and_applied_once()
    {
        await using var database = await TestDatabase.CreateAsync();
        await database.MigrateAsync();
        var now = DateTime.UtcNow;
        CollaborationCase overdue, covered, inactive;
        Agreement expired, expiring;
        await using (var db = database.CreateContext())
        {
            var authorisation = await TestData.MembersAndAuthorisationAsync(db);
            overdue = TestData.Case(authorisation, "overdue", CaseStatus.Submitted, now, null, "globex", "initech");
            overdue.ResponseDueAt = now.AddMinutes(-5);
            covered = TestData.Case(authorisation, "covered", CaseStatus.Accepted, now, null);
            inactive = TestData.Case(authorisation, "inactive", CaseStatus.Accepted, now, null, "initech", "globex");
            inactive.UpdatedAt = now.AddDays(-40);
            expired = Bilateral(now, now.AddMinutes(-1));
            expired.Parties = [new AgreementParty { AgreementId = expired.Id, PartyId = "acme" }, new AgreementParty { AgreementId = expired.Id, PartyId = "globex" }];
            expiring = Bilateral(now, now.AddDays(10));
            expiring.Parties = [new AgreementParty { AgreementId = expiring.Id, PartyId = "globex" }, new AgreementParty { AgreementId = expiring.Id, PartyId = "initech" }, new AgreementParty { AgreementId = expiring.Id, PartyId = Member.OperatorId }];
            db.AddRange(overdue, covered, inactive, expired, expiring);
            await db.SaveChangesAsync();
        }

        await using var factory = new JobsFactory(database, new Dictionary<string, string?> { ["Exchange:Retention:Default"] = "1.00:00:00" });
        _ = factory.Services;
        await using var check = database.CreateContext();
        await TestData.EventuallyAsync(() => check.Cases.AsNoTracking().SingleAsync(c => c.Id == inactive.Id), c => c.Status == CaseStatus.Resolved, TimeSpan.FromSeconds(60), "the inactive case closed");
        await TestData.EventuallyAsync(() => check.Agreements.AsNoTracking().SingleAsync(a => a.Id == expired.Id), a => a.Status == AgreementStatus.Expired, TimeSpan.FromSeconds(60), "the agreement expired");
        await Task.Delay(1500); // further runs must change nothing

        var flagged = await check.Cases.AsNoTracking().SingleAsync(c => c.Id == overdue.Id);
        Assert.NotNull(flagged.DeadlineNotifiedAt);
        Assert.Equal(CaseStatus.Submitted, flagged.Status);
        var deadlineEvent = await check.OutboxMessages.AsNoTracking().SingleAsync(m => m.EventType == CaseEvents.DeadlinePassed);
        Assert.Equal(overdue.Id, deadlineEvent.CaseId);
        Assert.Equal(["globex", "initech"], deadlineEvent.RecipientMemberIds);

        var halted = await check.Cases.AsNoTracking().SingleAsync(c => c.Id == covered.Id);
        Assert.Equal(CaseStatus.Halted, halted.Status);
        Assert.Equal(DeadlinesJob.AgreementExpiredReason, halted.HaltReason);
        Assert.NotNull(halted.PurgeDueAt);
        Assert.Single(await check.OutboxMessages.AsNoTracking().Where(m => m.EventType == CaseEvents.Halted && m.CaseId == covered.Id).ToListAsync());

        var closed = await check.Cases.AsNoTracking().SingleAsync(c => c.Id == inactive.Id);
        Assert.NotNull(closed.ConcludedAt);
        Assert.Single(await check.OutboxMessages.AsNoTracking().Where(m => m.EventType == CaseEvents.Resolved && m.CaseId == inactive.Id).ToListAsync());

        Assert.NotNull((await check.Agreements.AsNoTracking().SingleAsync(a => a.Id == expiring.Id)).ExpiryNotifiedAt);
        var expiringEvent = await check.OutboxMessages.AsNoTracking().SingleAsync(m => m.EventType == CaseEvents.AgreementExpiring);
        Assert.Equal(["globex", "initech"], expiringEvent.RecipientMemberIds);
    }

    [Fact]
    public async Task An_unconfirmed_purge_is_notified_again_to_the_members_that_have_not_confirmed_a_bounded_number_of_times()
    {
        await using var database = await TestDatabase.CreateAsync();
        await database.MigrateAsync();
        var caseId = Guid.CreateVersion7();
        await using (var db = database.CreateContext())
        {
            await TestData.MembersAndAuthorisationAsync(db);
            var tombstone = new Tombstone
            {
                CaseId = caseId, SubmittingMemberId = "acme", ReceivingMemberId = "globex", SubmitterInitials = "AA",
                Outcome = CaseStatus.Resolved, OpenedAt = DateTime.UtcNow.AddDays(-3), PurgedAt = DateTime.UtcNow.AddDays(-2),
                NotificationsSent = 1, LastNotifiedAt = DateTime.UtcNow.AddDays(-2),
            };
            tombstone.Receipts.Add(new PurgeReceipt { CaseId = caseId, MemberId = "acme", ConfirmedAt = DateTime.UtcNow.AddDays(-1) });
            db.Tombstones.Add(tombstone);
            await db.SaveChangesAsync();
        }

        await using var factory = new JobsFactory(database, new Dictionary<string, string?>
        {
            ["Exchange:Jobs:PurgeReceipts:RenotifyAfter"] = "00:00:00.200",
            ["Exchange:Jobs:PurgeReceipts:MaxNotifications"] = "3",
        });
        _ = factory.Services;
        await using var check = database.CreateContext();
        await TestData.EventuallyAsync(() => check.Tombstones.AsNoTracking().SingleAsync(), t => t.NotificationsSent == 3, TimeSpan.FromSeconds(60), "two re-notifications");
        await Task.Delay(1500);

        Assert.Equal(3, (await check.Tombstones.AsNoTracking().SingleAsync()).NotificationsSent);
        var again = await check.OutboxMessages.AsNoTracking().Where(m => m.EventType == CaseEvents.Purged).ToListAsync();
        Assert.Equal(2, again.Count);
        Assert.All(again, m => Assert.Equal(["globex"], m.RecipientMemberIds));
    }
}
