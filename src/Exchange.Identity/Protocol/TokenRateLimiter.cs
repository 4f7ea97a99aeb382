using System.Globalization;
using System.Threading.RateLimiting;
using Exchange.Identity.Configuration;
using Microsoft.Extensions.Options;

namespace Exchange.Identity.Protocol;

/// <summary>
/// Throttles the token endpoint per claimed client id, before the secret is checked, so guessing a
/// client's secret is slow. The partition key is only known after the form is read, which is why
/// this is a limiter the endpoint calls rather than the rate-limiting middleware.
/// </summary>
public sealed class TokenRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public TokenRateLimiter(IOptions<IdentityServerOptions> options)
    {
        var permits = options.Value.TokenRequestsPerClientPerMinute;
        _limiter = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ =>
            new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
    }

    /// <summary>Null when the request may go on, otherwise the 429 to answer with.</summary>
    public IResult? Check(string partition)
    {
        using var lease = _limiter.AttemptAcquire(partition);
        if (lease.IsAcquired)
        {
            return null;
        }

        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
        return new TooManyRequests(Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)));
    }

    public void Dispose() => _limiter.Dispose();

    private sealed class TooManyRequests(int retryAfterSeconds) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            return OAuthJsonResult.Error("temporarily_unavailable", "Too many requests.", StatusCodes.Status429TooManyRequests).ExecuteAsync(httpContext);
        }
    }
}
