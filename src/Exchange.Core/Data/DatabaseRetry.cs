using System.Data.Common;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Exchange.Core.Data;

/// <summary>
/// How the exchange rides out a database that blinks (a restart, a fail-over, a dropped
/// connection): each query and SaveChanges outside an explicit transaction is retried on a
/// transient failure, and a unit of work that opens its own transaction is retried as a whole when
/// it runs inside <c>Database.CreateExecutionStrategy().ExecuteAsync(...)</c> (the API runs every
/// handler so). When the database stays away longer than the retries last, callers see
/// <see cref="IsUnavailable"/> and answer 503 with Retry-After.
/// </summary>
public static class DatabaseRetry
{
    /// <summary>About seven seconds of retrying in all (0, 1, 2, 2, 2 s): a restart fits, a long outage soon answers 503.</summary>
    public const int MaxRetryCount = 5;

    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(2);

    /// <summary>What a client is told to wait before trying again when the database cannot be reached.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>True when the failure means the database cannot be reached now, rather than a fault in the request.</summary>
    public static bool IsUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case RetryLimitExceededException:
                case DbException { IsTransient: true }:
                case SocketException:
                case TimeoutException when exception is DbException or InvalidOperationException:
                    return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A transaction opened outside the strategy (code not yet written as one retriable unit) runs
    /// as before, once and without retries, instead of being refused: retrying one statement in
    /// the middle of someone else's transaction could apply half a unit of work twice.
    /// </summary>
    internal static bool InUnwrappedTransaction(ExecutionStrategyDependencies dependencies) =>
        dependencies.CurrentContext.Context.Database.CurrentTransaction is not null;
}

/// <summary>Npgsql's retrying strategy with the exchange's limits and its tolerance of unwrapped transactions.</summary>
public sealed class ExchangeNpgsqlRetryingStrategy(ExecutionStrategyDependencies dependencies)
    : Npgsql.EntityFrameworkCore.PostgreSQL.NpgsqlRetryingExecutionStrategy(dependencies, DatabaseRetry.MaxRetryCount, DatabaseRetry.MaxRetryDelay, null)
{
    protected override void OnFirstExecution()
    {
        if (DatabaseRetry.InUnwrappedTransaction(Dependencies))
        {
            ExceptionsEncountered.Clear();
            return;
        }

        base.OnFirstExecution();
    }

    protected override bool ShouldRetryOn(Exception? exception) =>
        !DatabaseRetry.InUnwrappedTransaction(Dependencies) && base.ShouldRetryOn(exception);
}

/// <summary>SQL Server's retrying strategy with the same limits and the same tolerance of unwrapped transactions.</summary>
public sealed class ExchangeSqlServerRetryingStrategy(ExecutionStrategyDependencies dependencies)
    : Microsoft.EntityFrameworkCore.SqlServerRetryingExecutionStrategy(dependencies, DatabaseRetry.MaxRetryCount, DatabaseRetry.MaxRetryDelay, null)
{
    protected override void OnFirstExecution()
    {
        if (DatabaseRetry.InUnwrappedTransaction(Dependencies))
        {
            ExceptionsEncountered.Clear();
            return;
        }

        base.OnFirstExecution();
    }

    protected override bool ShouldRetryOn(Exception exception) =>
        !DatabaseRetry.InUnwrappedTransaction(Dependencies) && base.ShouldRetryOn(exception);
}
