using System.Globalization;
using System.Threading.RateLimiting;
using Exchange.Identity.Configuration;
using Microsoft.Extensions.Options;

namespace Exchange.Identity.RateLimits;

/// <summary>
/// Throttles the token, revocation and introspection endpoints per claimed client id, before the
/// secret is checked: a generous budget for all requests of a client id (the portal is one client
/// serving every user), and a small one for failed client authentications of a client id from one
/// address, so guessing a secret is slow while a guesser elsewhere cannot lock the real client out
/// (keying failures by client id alone would let anyone who knows a client id deny it service).
/// Guessing from many addresses is still bounded: a second, wider failure budget per address
/// stops one address from probing many client ids. The partition key is only known once the form
/// is read, which is why <see cref="ProtocolGuard"/> calls this rather than the rate-limiting middleware.
/// </summary>
public sealed class TokenRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _requests;
    private readonly PartitionedRateLimiter<string> _failures;
    private readonly PartitionedRateLimiter<string> _addressFailures;

    public TokenRateLimiter(IOptions<IdentityServerOptions> options)
    {
        var settings = options.Value;
        _requests = Create(settings.TokenRequestsPerClientPerMinute);
        _failures = Create(settings.FailedClientAuthenticationsPerMinute);
        _addressFailures = Create(settings.FailedClientAuthenticationsPerAddressPerMinute);
    }

    private static PartitionedRateLimiter<string> Create(int permits) =>
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ =>
            new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));

    private static string FailureKey(string clientId, string address) => clientId + "\n" + address;

    /// <summary>Null when the request may go on, otherwise the 429 to answer with.</summary>
    public IResult? Check(string clientId, string address)
    {
        if (_failures.GetStatistics(FailureKey(clientId, address))?.CurrentAvailablePermits == 0
            || _addressFailures.GetStatistics(address)?.CurrentAvailablePermits == 0)
        {
            // The failure budget is spent: refused until the window ends, whatever the secret.
            return new TooManyRequests(60);
        }

        using var lease = _requests.AttemptAcquire(clientId);
        if (lease.IsAcquired)
        {
            return null;
        }

        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
        return new TooManyRequests(Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)));
    }

    /// <summary>Counts a failed client authentication against the claimed client id from this address, and against the address.</summary>
    public void RecordFailure(string clientId, string address)
    {
        using var _ = _failures.AttemptAcquire(FailureKey(clientId, address));
        using var __ = _addressFailures.AttemptAcquire(address);
    }

    public void Dispose()
    {
        _requests.Dispose();
        _failures.Dispose();
        _addressFailures.Dispose();
    }

    private sealed class TooManyRequests(int retryAfterSeconds) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            return ProtocolGuard.ErrorAsync(httpContext, StatusCodes.Status429TooManyRequests, "temporarily_unavailable", "Too many requests.");
        }
    }
}
