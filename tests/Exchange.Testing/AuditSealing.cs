using Exchange.Core.Audit;
using Microsoft.Extensions.Logging.Abstractions;

namespace Exchange.Testing;

/// <summary>
/// The audit sequencer (decision 0208) for tests whose hosts do not run Jobs: seals what has been
/// appended, as Jobs would, with this database's signing key; and a poll for tests whose Jobs seal.
/// </summary>
public static class AuditSealing
{
    /// <summary>Seals every entry appended so far; waits (polling) while another sequencer holds the lease.</summary>
    public static async Task SealAllAsync(TestDatabase database, TimeSpan? timeout = null)
    {
        using var signer = AuditSigner.Load(database.AuditSigningKeyPath, create: true);
        var holder = $"test-{Guid.NewGuid():N}";
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            await using var db = database.CreateContext();
            var result = await new AuditSequencer(db, signer, TimeProvider.System, NullLogger<AuditSequencer>.Instance)
                .SealBatchAsync(holder, 500, TimeSpan.FromSeconds(2));
            if (result.Unsealed == 0)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{result.Unsealed} audit entries still unsealed.");
            }

            if (!result.Leader)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>Polls verification until nothing awaits sealing (a Jobs host seals), and returns the last result.</summary>
    public static async Task<AuditVerification> WaitUntilSealedAsync(TestDatabase database, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            await using var db = database.CreateContext();
            var verification = await new AuditLog(db, TimeProvider.System).VerifyAsync();
            if (verification.Unsealed == 0 || DateTime.UtcNow > deadline)
            {
                return verification;
            }

            await Task.Delay(100);
        }
    }
}
