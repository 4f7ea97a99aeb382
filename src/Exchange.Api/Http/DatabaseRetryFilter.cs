using Exchange.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Api.Http;

/// <summary>
/// Runs each handler as one retriable unit of the database's execution strategy: when the
/// database blinks mid-request, the handler's reads, its audit transaction and its commit start
/// again from the top on a fresh connection, instead of the request failing. Handlers have no
/// side effects outside the database (webhooks leave through the outbox), and their result is
/// written only after they return, so running one again is safe.
/// </summary>
public static class DatabaseRetryFilter
{
    public static TBuilder WithDatabaseRetry<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var db = context.HttpContext.RequestServices.GetRequiredService<ExchangeDbContext>();
            var attempt = 0;
            return await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
            {
                if (attempt++ > 0)
                {
                    // What the failed attempt loaded or added is not what the next one must save.
                    db.ChangeTracker.Clear();
                }

                try
                {
                    return await next(context);
                }
                catch
                {
                    // A transaction the failed attempt left open would stop the strategy from retrying.
                    if (db.Database.CurrentTransaction is { } open)
                    {
                        await open.DisposeAsync();
                    }

                    throw;
                }
            });
        });
}
