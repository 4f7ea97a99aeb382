using Exchange.Jobs.Scheduling;
using Microsoft.Extensions.Options;

namespace Exchange.Jobs.Webhooks;

/// <summary>
/// The recurring webhook run: fans the outbox out into deliveries, one Hangfire job each, batch after
/// batch until the outbox is empty, then enqueues again the deliveries whose job was lost.
/// </summary>
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
            handled += fannedOut;
            if (fannedOut < options.Value.BatchSize)
            {
                break;
            }
        }

        return handled + await dispatcher.SweepAsync(cancellationToken);
    }
}

/// <summary>One attempt at one delivery; the dispatcher schedules the next attempt itself, so Hangfire does not retry.</summary>
public sealed class WebhookDeliveryJob(WebhookDispatcher dispatcher)
{
    // An exception here is the database failing, not the endpoint: the attempt was not recorded and
    // the lease keeps others off until it lapses, so try again a little later.
    [Hangfire.AutomaticRetry(Attempts = 10, DelaysInSeconds = [5, 10, 20, 30, 60], OnAttemptsExceeded = Hangfire.AttemptsExceededAction.Fail)]
    public Task DeliverAsync(Guid deliveryId, CancellationToken cancellationToken) => dispatcher.DeliverAsync(deliveryId, cancellationToken);
}
