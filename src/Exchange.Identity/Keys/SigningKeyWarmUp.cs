namespace Exchange.Identity.Keys;

/// <summary>
/// Loads (or on a new database creates) the signing keys as the service starts, after migrations
/// and before the first request, and builds OpenIddict's options from them, so the first request is not the slow one.
/// A database not yet migrated is not fatal here: the protocol middleware loads the keys later.
/// </summary>
public sealed class SigningKeyWarmUp(
    SigningKeyStore keys, Microsoft.Extensions.Options.IOptionsMonitor<OpenIddict.Server.OpenIddictServerOptions> server, ILogger<SigningKeyWarmUp> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await keys.EnsureCurrentAsync(cancellationToken);
            // Builds OpenIddict's options now rather than on the first request.
            _ = server.CurrentValue;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Signing keys could not be loaded at start; the first protocol request will try again");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
