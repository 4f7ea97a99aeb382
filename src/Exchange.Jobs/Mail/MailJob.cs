using Exchange.Core.Mail;
using Exchange.Jobs.Scheduling;
using Microsoft.Extensions.Options;

namespace Exchange.Jobs.Mail;

/// <summary>
/// The recurring mail run: records the notifications new case events call for, then sends what is
/// due, batch after batch. Does nothing while no SMTP server is configured (`Exchange:Mail:Host`).
/// </summary>
public sealed class MailJob(
    MailDispatcher dispatcher,
    IOptions<MailOptions> mail,
    IOptions<MailJobOptions> options,
    IServiceScopeFactory scopes,
    TimeProvider clock,
    ILogger<MailJob> logger) : ExchangeJob(scopes, clock, logger)
{
    public const string JobName = "Mail";

    // Bounds one run, so it ends and reports even while events keep arriving.
    private const int MaxRoundsPerRun = 50;

    public override string Name => JobName;

    protected override async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        if (!mail.Value.Enabled)
        {
            return 0;
        }

        for (var round = 0; round < MaxRoundsPerRun; round++)
        {
            if (await dispatcher.FanOutAsync(cancellationToken) < options.Value.BatchSize)
            {
                break;
            }
        }

        var sent = 0;
        for (var round = 0; round < MaxRoundsPerRun; round++)
        {
            var attempted = await dispatcher.SendDueAsync(cancellationToken);
            sent += attempted;
            if (attempted < options.Value.BatchSize)
            {
                break;
            }
        }

        return sent;
    }
}
