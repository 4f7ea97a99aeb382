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

    /// <summary>
    /// Polls verification until nothing awaits sealing (a Jobs host seals), and returns the last result.
    /// Verification counts sealed entries up to the checkpoint it read first and unsealed ones after, so
    /// a batch sealed in between shows as neither: done means two reads in a row agree with nothing unsealed.
    /// </summary>
    public static async Task<AuditVerification> WaitUntilSealedAsync(TestDatabase database, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        AuditVerification? last = null;
        while (true)
        {
            await using var db = database.CreateContext();
            var verification = await new AuditLog(db, TimeProvider.System).VerifyAsync();
            if ((verification.Unsealed == 0 && last is { Unsealed: 0 } && last.Entries == verification.Entries) || DateTime.UtcNow > deadline)
            {
                return verification;
            }

            last = verification;
            await Task.Delay(100);
        }
    }
}
