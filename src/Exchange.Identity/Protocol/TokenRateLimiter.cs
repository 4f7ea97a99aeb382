using System.Globalization;
using System.Threading.RateLimiting;
using Exchange.Identity.Configuration;
using Microsoft.Extensions.Options;

namespace Exchange.Identity.Protocol;

/// <summary>
/// Throttles the token, revocation and introspection endpoints per claimed client id, before the
/// secret is checked: a generous budget for all requests (the portal is one client serving every
/// user) and a small one for failed client authentications, so guessing a secret is slow. The
/// partition key is only known once the form is read, which is why this is a limiter the endpoint
/// calls rather than the rate-limiting middleware.
/// </summary>
public sealed class TokenRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _requests;
    private readonly PartitionedRateLimiter<string> _failures;

    public TokenRateLimiter(IOptions<IdentityServerOptions> options)
    {
        var settings = options.Value;
        _requests = Create(settings.TokenRequestsPerClientPerMinute);
        _failures = Create(settings.FailedClientAuthenticationsPerMinute);
    }

    private static PartitionedRateLimiter<string> Create(int permits) =>
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ =>
            new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));

    /// <summary>Null when the request may go on, otherwise the 429 to answer with.</summary>
    public IResult? Check(string partition)
    {
        if (_failures.GetStatistics(partition)?.CurrentAvailablePermits == 0)
        {
            // The failure budget is spent: refused until the window ends, whatever the secret.
            return new TooManyRequests(60);
        }

        using var lease = _requests.AttemptAcquire(partition);
        if (lease.IsAcquired)
        {
            return null;
        }

        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
        return new TooManyRequests(Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)));
    }

    /// <summary>Counts a failed client authentication against the claimed client id.</summary>
    public void RecordFailure(string partition)
    {
        using var _ = _failures.AttemptAcquire(partition);
    }

    public void Dispose()
    {
        _requests.Dispose();
        _failures.Dispose();
    }

    private sealed class TooManyRequests(int retryAfterSeconds) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            return OAuthJsonResult.Error("temporarily_unavailable", "Too many requests.", StatusCodes.Status429TooManyRequests).ExecuteAsync(httpContext);
        }
    }
}
