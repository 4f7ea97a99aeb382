using Exchange.Jobs.Scheduling;
using Microsoft.Extensions.Options;
using Quartz;

namespace Exchange.Jobs.Webhooks;

/// <summary>Fans the outbox out into deliveries, then sends what is due, batch after batch until the run's work is done.</summary>
[DisallowConcurrentExecution]
public sealed class WebhookJob(
    WebhookDispatcher dispatcher,
    IOptions<WebhookJobOptions> options,
    IServiceScopeFactory scopes,
    TimeProvider clock,
    ILogger<WebhookJob> logger) : ExchangeJob(scopes, clock, logger)
{
    public const string JobName = "Webhooks";

    // Bounds one run, so it ends and reports even while events keep arriving.
    private const int MaxRoundsPerRun = 200;

    public override string Name => JobName;

    protected override async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var handled = 0;
        for (var round = 0; round < MaxRoundsPerRun; round++)
        {
            var fannedOut = await dispatcher.FanOutAsync(cancellationToken);
            var sent = await dispatcher.DeliverAsync(cancellationToken);
            handled += sent;
            if (fannedOut < options.Value.BatchSize && sent < options.Value.BatchSize)
            {
                break;
            }
        }

        return handled;
    }
}
