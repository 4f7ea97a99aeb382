using Exchange.Api.OpenApi;
using Exchange.Api.Auth;
using Exchange.Core.Data;
using Exchange.Core.Jobs;
using Hangfire;
using Hangfire.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Exchange.Api.Features.Jobs;

public sealed record JobRunDto(DateTime StartedAt, DateTime? FinishedAt, double? DurationMs, int ItemsProcessed, bool Failed, string? Error, string Node);

/// <summary>A recurring job; `lastRun` is left out, not null, before its first run (decision 0205).</summary>
public sealed record JobDto(
    string Name, double? IntervalSeconds, DateTime? NextRunAt,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] JobRunDto? LastRun,
    int RunsLast24Hours, int FailuresLast24Hours);

/// <summary>The recurring jobs as Hangfire's storage holds them (schedule and next run), opened lazily and read only.</summary>
public sealed class JobSchedules(IOptions<DatabaseOptions> database, IOptions<JobStorageOptions> options)
{
    private readonly Lazy<JobStorage> _storage = new(() => JobStorageFactory.Create(database.Value, options.Value));

    public IReadOnlyDictionary<string, RecurringJobDto> Read(IEnumerable<string> names)
    {
        using var connection = _storage.Value.GetConnection();
        return connection.GetRecurringJobs(names).Where(j => !j.Removed).ToDictionary(j => j.Id);
    }
}

/// <summary>
/// The jobs view for machines (operators' own tools): each recurring job's schedule as Hangfire holds
/// it, and its runs from `job_runs`. People use the Hangfire dashboard on Exchange.Jobs (/hangfire).
/// </summary>
public static class JobsEndpoints
{
    // The recurring jobs the Jobs service registers (Exchange.Jobs: <Job>.JobName).
    public static readonly IReadOnlyList<string> Names = ["Purge", "Webhooks", "PurgeReceipts", "Deadlines", "Housekeeping"];

    public static IEndpointRouteBuilder MapJobsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/jobs", List).WithTags("Jobs").RequireAuthorization(ApiPolicies.Operator)
            .Describe("listJobs", "List background jobs", "Each background job with its last runs (operator staff).");
        return app;
    }

    private static async Task<Ok<List<JobDto>>> List(ExchangeDbContext db, JobSchedules schedules, TimeProvider clock, CancellationToken cancellationToken)
    {
        var since = clock.GetUtcNow().UtcDateTime.AddHours(-24);
        var recurring = schedules.Read(Names);
        var jobs = new List<JobDto>();
        foreach (var name in Names)
        {
            var schedule = recurring.GetValueOrDefault(name);
            var last = await db.JobRuns.AsNoTracking().Where(r => r.JobName == name).OrderByDescending(r => r.StartedAt).FirstOrDefaultAsync(cancellationToken);
            var runs = await db.JobRuns.CountAsync(r => r.JobName == name && r.StartedAt >= since, cancellationToken);
            var failures = await db.JobRuns.CountAsync(r => r.JobName == name && r.StartedAt >= since && r.Failed, cancellationToken);
            jobs.Add(new JobDto(
                name,
                JobSchedule.IntervalOf(schedule?.Cron)?.TotalSeconds,
                schedule?.NextExecution is { } next ? DateTime.SpecifyKind(next, DateTimeKind.Utc) : null,
                last is null ? null : new JobRunDto(last.StartedAt, last.FinishedAt, (last.FinishedAt - last.StartedAt)?.TotalMilliseconds,
                    last.ItemsProcessed, last.Failed, last.Error, last.Node),
                runs,
                failures));
        }

        return TypedResults.Ok(jobs);
    }
}
