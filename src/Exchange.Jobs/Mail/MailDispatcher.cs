using Exchange.Core.Data;
using Exchange.Core.Hosting;
using Exchange.Core.Identity;
using Exchange.Core.Mail;
using Exchange.Jobs.Scheduling;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Exchange.Jobs.Mail;

/// <summary>
/// Turns the outbox's case events into mail to the engineers of the side concerned (<see cref="CaseMail"/>)
/// and sends it. Each event is claimed for mail once, in the transaction that records its notifications,
/// so two nodes never mail one event twice; each notification is then held under a lease while it is
/// sent, and retried with backoff. A node that dies after sending and before recording it sends that
/// mail again when the lease lapses: at least once, like the webhooks.
/// </summary>
public sealed class MailDispatcher(
    ExchangeDbContext db,
    MailSender sender,
    IOptions<MailJobOptions> options,
    TimeProvider clock,
    ILogger<MailDispatcher> logger)
{
    private sealed record Sides(string Submitting, string Receiving);

    private sealed record Engineer(Guid Id, string MemberId, string? Email, string DisplayName);

    /// <summary>Claims up to one batch of mailed events and records one notification per engineer to tell. Returns the events handled.</summary>
    public async Task<int> FanOutAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var oldest = now - options.Value.MaxAge;
        var mailed = CaseMail.Mailed.ToList();
        var messages = await db.OutboxMessages.AsNoTracking()
            .Where(m => m.MailedAt == null && m.OccurredAt >= oldest && m.CaseId != null && mailed.Contains(m.EventType))
            .OrderBy(m => m.Id)
            .Take(options.Value.BatchSize)
            .Select(m => new { m.Id, m.EventType, CaseId = m.CaseId!.Value, m.RecipientMemberIds })
            .ToListAsync(cancellationToken);
        if (messages.Count == 0)
        {
            return 0;
        }

        var sides = await SidesAsync(messages.Select(m => m.CaseId), cancellationToken);
        var members = sides.Values.SelectMany(s => new[] { s.Submitting, s.Receiving }).Distinct().ToList();
        var engineers = (await EngineersAsync(db.Users.Where(u => members.Contains(u.MemberId)), cancellationToken))
            .ToLookup(u => u.MemberId, u => u.Id);

        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            foreach (var message in messages)
            {
                var claimed = await db.OutboxMessages
                    .Where(m => m.Id == message.Id && m.MailedAt == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(m => m.MailedAt, now), cancellationToken);
                if (claimed == 0 || !sides.TryGetValue(message.CaseId, out var side))
                {
                    continue;
                }

                foreach (var member in CaseMail.RecipientsOf(message.EventType, side.Submitting, side.Receiving, message.RecipientMemberIds))
                {
                    db.MailNotifications.AddRange(engineers[member].Select(userId => new MailNotification
                    {
                        OutboxMessageId = message.Id,
                        EventType = message.EventType,
                        CaseId = message.CaseId,
                        MemberId = member,
                        UserId = userId,
                        NextAttemptAt = now,
                        CreatedAt = now,
                    }));
                }
            }

            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        db.ChangeTracker.Clear();
        return messages.Count;
    }

    /// <summary>Sends up to one batch of due notifications over one SMTP connection. Returns how many were attempted.</summary>
    public async Task<int> SendDueAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow().UtcDateTime;
        var due = await db.MailNotifications.AsNoTracking()
            .Where(n => n.Status == MailStatus.Pending && n.NextAttemptAt <= now && (n.LockedUntil == null || n.LockedUntil < now))
            .OrderBy(n => n.NextAttemptAt)
            .Take(settings.BatchSize)
            .ToListAsync(cancellationToken);
        var held = new List<MailNotification>();
        foreach (var notification in due)
        {
            // The claim: only the worker whose update finds it free sends it.
            var claimed = await db.MailNotifications
                .Where(n => n.Id == notification.Id && n.Status == MailStatus.Pending && (n.LockedUntil == null || n.LockedUntil < now))
                .ExecuteUpdateAsync(s => s.SetProperty(n => n.LockedUntil, now + settings.Lease), cancellationToken);
            if (claimed == 1)
            {
                held.Add(notification);
            }
        }

        if (held.Count == 0)
        {
            return 0;
        }

        // The recipients as they are now: someone deactivated or no longer an engineer gets nothing.
        var userIds = held.Select(n => n.UserId).Distinct().ToList();
        var users = (await EngineersAsync(db.Users.Where(u => userIds.Contains(u.Id)), cancellationToken)).ToDictionary(u => u.Id);
        var sides = await SidesAsync(held.Where(n => n.CaseId != null).Select(n => n.CaseId!.Value), cancellationToken);
        var memberIds = sides.Values.SelectMany(s => new[] { s.Submitting, s.Receiving }).Distinct().ToList();
        var names = await db.Members.AsNoTracking().Where(m => memberIds.Contains(m.Id)).ToDictionaryAsync(m => m.Id, m => m.LegalName, cancellationToken);

        var sendable = new List<(MailNotification Notification, MimeMessage Message)>();
        foreach (var notification in held)
        {
            if (!users.TryGetValue(notification.UserId, out var user) || user.MemberId != notification.MemberId || string.IsNullOrEmpty(user.Email)
                || notification.CaseId is not { } caseId || !sides.TryGetValue(caseId, out var side))
            {
                await RecordAsync(notification, MailStatus.Skipped, null, cancellationToken);
                ExchangeMetrics.MailAttempts.Add(1, new KeyValuePair<string, object?>("outcome", "skipped"));
                continue;
            }

            var (subject, body) = CaseMail.Compose(notification.EventType, caseId, notification.MemberId,
                names.GetValueOrDefault(side.Submitting, side.Submitting), names.GetValueOrDefault(side.Receiving, side.Receiving),
                side.Submitting, sender.Options.PortalUrl);
            sendable.Add((notification, CaseMail.Message(sender.Options, user.Email, user.DisplayName, subject, body)));
        }

        var outcomes = sendable.Count == 0 ? [] : await sender.SendAsync(sendable.Select(s => s.Message).ToList(), cancellationToken);
        for (var i = 0; i < sendable.Count; i++)
        {
            var (notification, _) = sendable[i];
            var outcome = outcomes[i];
            var attempts = notification.Attempts + 1;
            var status = outcome.Sent ? MailStatus.Sent
                : outcome.Permanent || attempts >= settings.MaxAttempts ? MailStatus.Failed
                : MailStatus.Pending;
            await RecordAsync(notification, status, outcome.Error, cancellationToken, attempts, now + RetryDelay(attempts));
            ExchangeMetrics.MailAttempts.Add(1, new KeyValuePair<string, object?>("outcome", status switch
            {
                MailStatus.Sent => "sent",
                MailStatus.Failed => "failed",
                _ => "retrying",
            }));
            if (status == MailStatus.Failed)
            {
                // Ids only: the address stays out of the log.
                logger.LogWarning("Gave up mailing notification {Notification} to user {User} of {Member}: {Error}",
                    notification.Id, notification.UserId, notification.MemberId, outcome.Error);
            }
        }

        return held.Count;
    }

    private async Task RecordAsync(MailNotification notification, MailStatus status, string? error, CancellationToken cancellationToken, int? attempts = null, DateTime? retryAt = null)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await db.MailNotifications.Where(n => n.Id == notification.Id).ExecuteUpdateAsync(s => s
            .SetProperty(n => n.Status, status)
            .SetProperty(n => n.Attempts, attempts ?? notification.Attempts)
            .SetProperty(n => n.LastError, error)
            .SetProperty(n => n.SentAt, status == MailStatus.Sent ? now : null)
            .SetProperty(n => n.NextAttemptAt, status == MailStatus.Pending && retryAt is { } at ? at : notification.NextAttemptAt)
            .SetProperty(n => n.LockedUntil, (DateTime?)null), cancellationToken);
    }

    /// <summary>Doubling from the base delay: 1, 2, 4, 8, 16 minutes with the defaults.</summary>
    internal TimeSpan RetryDelay(int attempts) =>
        options.Value.RetryBaseDelay * Math.Pow(2, Math.Clamp(attempts - 1, 0, 16));

    /// <summary>Active users with the engineer role among <paramref name="users"/>.</summary>
    private Task<List<Engineer>> EngineersAsync(IQueryable<ExchangeUser> users, CancellationToken cancellationToken) =>
        (
            from user in users
            join userRole in db.UserRoles on user.Id equals userRole.UserId
            join role in db.Roles on userRole.RoleId equals role.Id
            where role.Name == Roles.Engineer && user.IsActive
            select new Engineer(user.Id, user.MemberId, user.Email, user.DisplayName)).ToListAsync(cancellationToken);

    /// <summary>The two members of each case, from the case or, once it is purged, from its tombstone.</summary>
    private async Task<Dictionary<Guid, Sides>> SidesAsync(IEnumerable<Guid> caseIds, CancellationToken cancellationToken)
    {
        var ids = caseIds.Distinct().ToList();
        var sides = await db.Cases.AsNoTracking().Where(c => ids.Contains(c.Id))
            .ToDictionaryAsync(c => c.Id, c => new Sides(c.SubmittingMemberId, c.ReceivingMemberId), cancellationToken);
        var purged = ids.Where(id => !sides.ContainsKey(id)).ToList();
        if (purged.Count > 0)
        {
            foreach (var tombstone in await db.Tombstones.AsNoTracking().Where(t => purged.Contains(t.CaseId))
                .Select(t => new { t.CaseId, t.SubmittingMemberId, t.ReceivingMemberId }).ToListAsync(cancellationToken))
            {
                sides[tombstone.CaseId] = new Sides(tombstone.SubmittingMemberId, tombstone.ReceivingMemberId);
            }
        }

        return sides;
    }
}
