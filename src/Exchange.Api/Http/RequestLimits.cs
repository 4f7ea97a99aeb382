using System.Globalization;
using System.Threading.RateLimiting;
using Exchange.Api.Auth;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Exchange.Api.Http;

/// <summary>Abuse limits: request rate per client (429 + Retry-After) and request body size (413).</summary>
public static class RequestLimits
{
    public const string CaseCreationPolicy = "case-creation";

    public static IServiceCollection AddRequestLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<ApiOptions>>((options, api) =>
        {
            var limits = api.Value;
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                RateLimitPartition.GetFixedWindowLimiter(PartitionKey(context), _ => Window(limits.RequestsPerWindow, limits.RateLimitWindow)));
            options.AddPolicy(CaseCreationPolicy, context =>
                RateLimitPartition.GetFixedWindowLimiter(PartitionKey(context), _ => Window(limits.CaseCreationsPerWindow, limits.RateLimitWindow)));
            options.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : limits.RateLimitWindow;
                context.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await Problems.WriteAsync(context.HttpContext, StatusCodes.Status429TooManyRequests, "Too Many Requests",
                    "This client has sent too many requests; retry after the time in Retry-After.", "rate_limited");
            };
        });
        services.AddRateLimiter(_ => { });
        return services;
    }

    /// <summary>
    /// Rejects bodies over the limit before they are read: by Content-Length at once, and while
    /// reading for chunked bodies (the server's own limit where it has one, a counting stream otherwise).
    /// </summary>
    public static IApplicationBuilder UseRequestBodyLimit(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var limit = context.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value.MaxRequestBodyBytes;
        if (context.Request.ContentLength > limit)
        {
            await Problems.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "Payload Too Large",
                "The request body is larger than this API accepts.", "body_too_large");
            return;
        }

        var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false })
        {
            feature.MaxRequestBodySize = limit;
        }
        else if (context.Request.ContentLength is null)
        {
            context.Request.Body = new LimitedReadStream(context.Request.Body, limit);
        }

        await next(context);
    });

    /// <summary>Authenticated answers carry data for one caller: no shared or browser cache may keep them.</summary>
    public static IApplicationBuilder UseNoStore(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            context.Response.Headers.CacheControl = "no-store";
            context.Response.Headers.Pragma = "no-cache";
            return Task.CompletedTask;
        });
        return next(context);
    });

    // Per client: the client id for machine clients and the subject for users; the remote address
    // (never X-Forwarded-For unless the proxy is trusted) for anonymous callers.
    private static string PartitionKey(HttpContext context)
    {
        var caller = Caller.From(context.User);
        return caller is not null
            ? $"{caller.ClientId ?? "-"}|{caller.ActorId}"
            : "anonymous|" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
    }

    private static FixedWindowRateLimiterOptions Window(int permits, TimeSpan window) => new()
    {
        PermitLimit = permits,
        Window = window,
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    private sealed class LimitedReadStream(Stream inner, long limit) : Stream
    {
        private long _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Count(int read)
        {
            _read += read;
            return _read > limit
                ? throw new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge)
                : read;
        }
    }
}
