using Exchange.Core.Audit;
using Exchange.Core.Hosting;
using Microsoft.Extensions.Options;

namespace Exchange.Jobs.Audit;

/// <summary>
/// Runs the audit sequencer (decision 0208) on every Jobs node; the database lease lets one of them
/// seal at a time, and another takes over within the lease's duration when it stops. A tight loop
/// rather than a Hangfire job: sealing lag is meant to stay well under a second, below what a
/// recurring job's schedule can do.
/// </summary>
public sealed class AuditSealingService(IServiceScopeFactory scopes, IOptions<AuditOptions> options, TimeProvider clock, ILogger<AuditSealingService> logger)
    : BackgroundService
{
    /// <summary>This node's name in the lease: unique per process and per host, so two hosts in one process are two holders.</summary>
    public string Holder { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        while (!stoppingToken.IsCancellationRequested)
        {
            var full = false;
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var sequencer = scope.ServiceProvider.GetRequiredService<AuditSequencer>();
                var result = await sequencer.SealBatchAsync(Holder, settings.BatchSize, settings.LeaseDuration, stoppingToken);
                var lag = result.OldestUnsealed is { } oldest ? Math.Max(0, (clock.GetUtcNow().UtcDateTime - oldest).TotalSeconds) : 0;
                ExchangeMetrics.ReportAuditBacklog(result.Unsealed, lag);
                full = result.Leader && result.Sealed == settings.BatchSize;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // A database blink, or a lease race lost on insert: the next pass tries again.
                logger.LogWarning("Audit sealing pass failed: {Error}", ex.GetType().Name);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (!full)
            {
                try
                {
                    await Task.Delay(settings.SealInterval, clock, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
