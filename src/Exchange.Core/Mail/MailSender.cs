using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Exchange.Core.Mail;

/// <summary>What one send came to: sent, or why not (the kind of failure and an SMTP status code, never the server's words).</summary>
public sealed record MailOutcome(bool Sent, string? Error, bool Permanent)
{
    public static readonly MailOutcome Success = new(true, null, false);
}

/// <summary>Sends mail through the configured SMTP server with MailKit, one connection per batch.</summary>
public sealed class MailSender(IOptions<MailOptions> options)
{
    public MailOptions Options => options.Value;

    /// <summary>Sends each message over one connection; a message that fails does not stop the others.</summary>
    public async Task<IReadOnlyList<MailOutcome>> SendAsync(IReadOnlyList<MimeMessage> messages, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var outcomes = new MailOutcome[messages.Count];
        using var client = new SmtpClient { Timeout = (int)settings.Timeout.TotalMilliseconds };
        try
        {
            var host = settings.Host ?? throw new InvalidOperationException($"{MailOptions.Section}:Host is not set: mail is off.");
            await client.ConnectAsync(host, settings.Port, Socket(settings.Security), cancellationToken);
            if (!string.IsNullOrEmpty(settings.UserName))
            {
                await client.AuthenticateAsync(settings.UserName, settings.Password ?? "", cancellationToken);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Array.Fill(outcomes, Failure(ex));
            return outcomes;
        }

        for (var i = 0; i < messages.Count; i++)
        {
            try
            {
                await client.SendAsync(messages[i], cancellationToken);
                outcomes[i] = MailOutcome.Success;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                outcomes[i] = Failure(ex);
                if (!client.IsConnected)
                {
                    // The connection went with the failure: the rest wait for the next attempt.
                    for (var j = i + 1; j < messages.Count; j++)
                    {
                        outcomes[j] = outcomes[i] with { Permanent = false };
                    }

                    break;
                }
            }
        }

        if (client.IsConnected)
        {
            await client.DisconnectAsync(quit: true, CancellationToken.None);
        }

        return outcomes;
    }

    private static SecureSocketOptions Socket(MailSecurity security) => security switch
    {
        MailSecurity.None => SecureSocketOptions.None,
        MailSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.StartTls,
    };

    /// <summary>
    /// A 5xx answer to a recipient is permanent (the address is refused); anything else may pass. The
    /// server's text is left out: it often quotes the address.
    /// </summary>
    private static MailOutcome Failure(Exception ex) => ex switch
    {
        SmtpCommandException command => new MailOutcome(false, $"smtp {(int)command.StatusCode} ({command.ErrorCode})",
            Permanent: (int)command.StatusCode >= 500 && command.ErrorCode == SmtpErrorCode.RecipientNotAccepted),
        SmtpProtocolException => new MailOutcome(false, "smtp protocol error", false),
        AuthenticationException => new MailOutcome(false, "smtp authentication refused", false),
        SslHandshakeException => new MailOutcome(false, "tls handshake failed", false),
        _ => new MailOutcome(false, ex.GetType().Name, false),
    };
}
