using System.Data.Common;
using System.Diagnostics;
using Exchange.Core.Hosting;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Exchange.Core.Data;

/// <summary>
/// Records each command's duration in <see cref="ExchangeMetrics.DatabaseCommandDuration"/>: the
/// "database time" of the metrics, the same on every provider. EF Core measures the duration already;
/// this only hands it on, tagged by provider and outcome (never by statement or value).
/// </summary>
public sealed class DatabaseTimer : DbCommandInterceptor
{
    public static readonly DatabaseTimer Instance = new();

    private static void Record(CommandEndEventData eventData, string outcome)
    {
        if (ExchangeMetrics.DatabaseCommandDuration.Enabled)
        {
            ExchangeMetrics.DatabaseCommandDuration.Record(eventData.Duration.TotalSeconds,
                new TagList { { "db.system", System(eventData.Context) }, { "outcome", outcome } });
        }
    }

    private static string System(Microsoft.EntityFrameworkCore.DbContext? context) => context?.Database.ProviderName switch
    {
        "Npgsql.EntityFrameworkCore.PostgreSQL" => "postgresql",
        "Microsoft.EntityFrameworkCore.Sqlite" => "sqlite",
        "Microsoft.EntityFrameworkCore.SqlServer" => "mssql",
        _ => "other",
    };

    public override DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
    {
        Record(eventData, "succeeded");
        return result;
    }

    public override ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        Record(eventData, "succeeded");
        return ValueTask.FromResult(result);
    }

    public override int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        Record(eventData, "succeeded");
        return result;
    }

    public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Record(eventData, "succeeded");
        return ValueTask.FromResult(result);
    }

    public override object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result)
    {
        Record(eventData, "succeeded");
        return result;
    }

    public override ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default)
    {
        Record(eventData, "succeeded");
        return ValueTask.FromResult(result);
    }

    public override void CommandFailed(DbCommand command, CommandErrorEventData eventData) => Record(eventData, "failed");

    public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Record(eventData, "failed");
        return Task.CompletedTask;
    }
}
