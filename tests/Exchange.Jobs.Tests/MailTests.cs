using Exchange.Core.Cases;
using Exchange.Core.Data;
using Exchange.Core.Identity;
using Exchange.Core.Mail;
using Exchange.Core.Webhooks;
using Exchange.Testing;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Jobs.Tests;

/// <summary>Case events mailed to the engineers of the side concerned, through a real SMTP server in the test.</summary>
public sealed class MailTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static Dictionary<string, string?> Settings(int port)
    {
        var settings = SmtpInbox.SettingsFor(port);
        settings["Exchange:Mail:PortalUrl"] = "https://portal.exchange.example/";
        settings["Exchange:Jobs:Mail:Interval"] = "00:00:01";
        settings["Exchange:Jobs:Mail:RetryBaseDelay"] = "00:00:01";
        return settings;
    }

    /// <summary>Members, users with their roles, and one case from acme to globex.</summary>
    private static async Task<CollaborationCase> SeedAsync(ExchangeDbContext db)
    {
        var authorisation = await TestData.MembersAndAuthorisationAsync(db);
        var collaboration = TestData.Case(authorisation, "mail", CaseStatus.Submitted, DateTime.UtcNow, null);
        db.Cases.Add(collaboration);
        var engineer = await RoleAsync(db, Roles.Engineer);
        var admin = await RoleAsync(db, Roles.MemberAdmin);
        User(db, "gina@globex.example", "globex", engineer);
        User(db, "gus@globex.example", "globex", engineer).IsActive = false;
        User(db, "gwen@globex.example", "globex", admin);
        User(db, "alice@acme.example", "acme", engineer);
        User(db, "ivan@initech.example", "initech", engineer);
        await db.SaveChangesAsync();
        return collaboration;
    }

    private static async Task<Guid> RoleAsync(ExchangeDbContext db, string name)
    {
        var role = await db.Roles.FirstOrDefaultAsync(r => r.Name == name);
        if (role is null)
        {
            role = new IdentityRole<Guid> { Id = Guid.NewGuid(), Name = name, NormalizedName = name.ToUpperInvariant() };
            db.Roles.Add(role);
        }

        return role.Id;
    }

    private static ExchangeUser User(ExchangeDbContext db, string email, string memberId, Guid roleId)
    {
        var user = new ExchangeUser
        {
            Id = Guid.NewGuid(),
            UserName = email,
            NormalizedUserName = email.ToUpperInvariant(),
            Email = email,
            NormalizedEmail = email.ToUpperInvariant(),
            MemberId = memberId,
            DisplayName = email.Split('@')[0],
            SecurityStamp = Guid.NewGuid().ToString("N"),
        };
        db.Users.Add(user);
        db.UserRoles.Add(new IdentityUserRole<Guid> { UserId = user.Id, RoleId = roleId });
        return user;
    }

    private static string[] Recipients(SmtpInbox inbox, string subjectStart) =>
        inbox.Messages.Where(m => (m.Subject ?? "").StartsWith(subjectStart, StringComparison.Ordinal))
            .SelectMany(m => m.To.Mailboxes.Select(a => a.Address)).Order().ToArray();

    [Fact]
    public async Task A_new_request_and_a_withdrawal_mail_the_receivers_active_engineers_a_passed_deadline_both_sides_and_a_data_subject_request_the_other_side_with_no_case_data()
    {
        await using var database = await TestDatabase.CreateAsync();
        await database.MigrateAsync();
        await using var inbox = SmtpInbox.Start();
        CollaborationCase collaboration;
        await using (var db = database.CreateContext())
        {
            collaboration = await SeedAsync(db);
            db.OutboxMessages.Add(CaseEvents.ForCase(CaseEvents.Created, collaboration, DateTime.UtcNow));
            db.OutboxMessages.Add(CaseEvents.ForCase(CaseEvents.DeadlinePassed, collaboration, DateTime.UtcNow));
            db.OutboxMessages.Add(CaseEvents.ForCase(CaseEvents.Withdrawn, collaboration, DateTime.UtcNow));
            // globex answered a data-subject request on the case: acme, the other member, is told.
            db.OutboxMessages.Add(CaseEvents.ForDataSubjectRequest(collaboration.Id, "acme", "erasure", DateTime.UtcNow));
            // Not a mailed event, and an event too old to be worth a mail.
            db.OutboxMessages.Add(CaseEvents.ForCase(CaseEvents.NoteAdded, collaboration, DateTime.UtcNow));
            db.OutboxMessages.Add(CaseEvents.ForCase(CaseEvents.Halted, collaboration, DateTime.UtcNow.AddDays(-2)));
            await db.SaveChangesAsync();
        }

        await using var factory = new JobsFactory(database, Settings(inbox.Port));
        _ = factory.Services;
        await using var check = database.CreateContext();
        await TestData.EventuallyAsync(() => check.MailNotifications.CountAsync(n => n.Status == MailStatus.Sent), n => n == 5, Patience, "five mails sent");

        Assert.Equal(["gina@globex.example"], Recipients(inbox, "New collaboration request from"));
        Assert.Equal(["alice@acme.example", "gina@globex.example"], Recipients(inbox, "A collaboration request passed its response deadline"));
        Assert.Equal(["alice@acme.example"], Recipients(inbox, "A data-subject request concerns a shared case"));
        // The submitter withdrew its request: the receiver's engineers are told, the submitter is not.
        Assert.Equal(["gina@globex.example"], inbox.Messages.Where(m => (m.Subject ?? "").EndsWith(" withdrew a collaboration request", StringComparison.Ordinal))
            .SelectMany(m => m.To.Mailboxes.Select(a => a.Address)).ToArray());
        Assert.Equal(5, inbox.Messages.Count);
        var created = inbox.Messages.Single(m => (m.Subject ?? "").StartsWith("New collaboration request", StringComparison.Ordinal));
        var body = created.TextBody;
        Assert.Contains(collaboration.Id.ToString("D"), body, StringComparison.Ordinal);
        Assert.Contains($"https://portal.exchange.example/Cases/{collaboration.Id:D}", body, StringComparison.Ordinal);
        Assert.Equal("auto-generated", created.Headers["Auto-Submitted"]);
        Assert.Equal("exchange@localhost", created.From.Mailboxes.Single().Address);
        foreach (var message in inbox.Messages)
        {
            var text = message.Subject + message.TextBody;
            foreach (var secret in TestData.PurgedStrings("mail").Append("Umbrella").Append("Printer jams").Append("ACME-mail").Append("GLX-mail"))
            {
                Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            }
        }

        // Every mailed event was claimed once; running on sends nothing more.
        Assert.Equal(0, await check.OutboxMessages.CountAsync(m => m.MailedAt == null && m.EventType != CaseEvents.NoteAdded && m.OccurredAt > DateTime.UtcNow.AddDays(-1)));
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(5, inbox.Messages.Count);
        Assert.Equal(5, await check.MailNotifications.CountAsync());
    }

    [Fact]
    public async Task A_refused_address_fails_at_once_without_naming_it_and_a_server_that_was_down_gets_the_mail_on_a_retry()
    {
        await using var database = await TestDatabase.CreateAsync();
        await database.MigrateAsync();
        await using (var db = database.CreateContext())
        {
            var collaboration = await SeedAsync(db);
            User(db, "gone@globex.example", "globex", await RoleAsync(db, Roles.Engineer));
            db.OutboxMessages.Add(CaseEvents.ForCase(CaseEvents.Created, collaboration, DateTime.UtcNow));
            await db.SaveChangesAsync();
        }

        // The server is down when the first attempt is made.
        var port = FreePorts.Next();
        await using var factory = new JobsFactory(database, Settings(port));
        _ = factory.Services;
        await using var check = database.CreateContext();
        var failed = await TestData.EventuallyAsync(() => check.MailNotifications.AsNoTracking().ToListAsync(),
            n => n.Count == 2 && n.All(x => x.Attempts >= 1), Patience, "a first attempt at both mails");
        Assert.All(failed, n => Assert.Equal(MailStatus.Pending, n.Status));

        await using var inbox = SmtpInbox.Start(port);
        inbox.Accepts = address => address != "gone@globex.example";
        var done = await TestData.EventuallyAsync(() => check.MailNotifications.AsNoTracking().ToListAsync(),
            n => n.All(x => x.Status != MailStatus.Pending), Patience, "both mails settled");

        Assert.Equal(["gina@globex.example"], Recipients(inbox, "New collaboration request"));
        var refused = Assert.Single(done, n => n.Status == MailStatus.Failed);
        Assert.StartsWith("smtp 550", refused.LastError, StringComparison.Ordinal);
        Assert.DoesNotContain("@", refused.LastError, StringComparison.Ordinal);
        Assert.Single(done, n => n.Status == MailStatus.Sent);
    }
}
