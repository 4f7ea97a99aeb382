using Exchange.Core.Content;
using Exchange.Jobs.Scheduling;
using Microsoft.Extensions.Options;

namespace Exchange.Jobs.KeyRotation;

/// <summary>
/// Rotates the key-encryption key of case content (decision 0006), by default daily: the bound
/// after which a purged case's content is unreadable from any copy that lingers outside the live
/// database is the interval plus one run. The work is <see cref="ContentKeyRotation"/>.
/// </summary>
public sealed class KeyRotationJob(
    ContentKeyRotation rotation,
    IOptions<KeyRotationJobOptions> options,
    IServiceScopeFactory scopes,
    TimeProvider clock,
    ILogger<KeyRotationJob> logger) : ExchangeJob(scopes, clock, logger)
{
    public const string JobName = "KeyRotation";

    public override string Name => JobName;

    protected override async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var result = await rotation.RotateAsync(options.Value.BatchSize, cancellationToken);
        return result.Rewrapped;
    }
}
