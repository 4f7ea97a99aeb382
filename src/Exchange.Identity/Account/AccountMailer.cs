using System.Threading.Channels;
using Exchange.Core.Mail;
using MimeKit;

namespace Exchange.Identity.Account;

/// <summary>
/// Sends Identity's account mails (invitations, password resets) through <see cref="MailSender"/>,
/// off the request: a "forgot password" answer then takes as long whether or not a mail goes out,
/// and a slow SMTP server never holds a page. The queue is in memory: a mail lost to a restart is
/// asked for again (a new invitation or reset), and each mail's link is worthless once a newer one
/// is used.
/// </summary>
public sealed class AccountMailer(MailSender sender, ILogger<AccountMailer> logger) : BackgroundService
{
    private readonly Channel<(MimeMessage Message, Guid UserId, string Kind)> _queue =
        Channel.CreateBounded<(MimeMessage, Guid, string)>(new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropWrite });

    public bool Enabled => sender.Options.Enabled;

    /// <summary>Queues one mail to a user; false if mail is off or the queue is full.</summary>
    public bool Enqueue(Guid userId, string kind, string to, string toName, (string Subject, string Body) mail)
    {
        if (!Enabled)
        {
            logger.LogWarning("No {Kind} mail for user {UserId}: Exchange:Mail:Host is not set", kind, userId);
            return false;
        }

        var message = CaseMail.Message(sender.Options, to, toName, mail.Subject, mail.Body);
        if (_queue.Writer.TryWrite((message, userId, kind)))
        {
            return true;
        }

        logger.LogWarning("No {Kind} mail for user {UserId}: the mail queue is full", kind, userId);
        return false;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var (message, userId, kind) in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            // One short retry: the link in it is short-lived, and the user can ask again.
            for (var attempt = 1; attempt <= 2; attempt++)
            {
                var outcome = (await sender.SendAsync([message], stoppingToken))[0];
                if (outcome.Sent)
                {
                    logger.LogInformation("Sent the {Kind} mail to user {UserId}", kind, userId);
                    break;
                }

                logger.LogWarning("Sending the {Kind} mail to user {UserId} failed ({Error}), attempt {Attempt}", kind, userId, outcome.Error, attempt);
                if (outcome.Permanent)
                {
                    break;
                }

                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
            }
        }
    }
}
