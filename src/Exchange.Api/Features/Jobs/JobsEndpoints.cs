using Exchange.Api.OpenApi;
using Exchange.Api.Auth;
using Exchange.Core.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Api.Features.Jobs;

public sealed record JobRunDto(DateTime StartedAt, DateTime? FinishedAt, double? DurationMs, int ItemsProcessed, bool Failed, string? Error, string Node);

public sealed record JobDto(string Name, double? IntervalSeconds, DateTime? NextRunAt, JobRunDto? LastRun, int RunsLast24Hours, int FailuresLast24Hours);

/// <summary>
/// The operator's view of the background jobs, in place of Hangfire's dashboard: each job's
/// schedule as the scheduler holds it (Quartz's own tables), and its runs from `job_runs`.
/// </summary>
public static class JobsEndpoints
{
    // The names the Jobs service schedules under (Exchange.Jobs: <Job>.JobName).
    public static readonly IReadOnlyList<string> Names = ["Purge", "Webhooks", "PurgeReceipts", "Deadlines", "Housekeeping"];

    public static IEndpointRouteBuilder MapJobsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/jobs", List).WithTags("Jobs").RequireAuthorization(ApiPolicies.Operator)
            .Describe("listJobs", "List background jobs", "Each background job with its last runs (operator staff).");
        return app;
    }

    private sealed class TriggerRow
    {
        public string JobName { get; set; } = "";
        public long? NextFireTime { get; set; }
        public long RepeatInterval { get; set; }
    }

    private static async Task<Ok<List<JobDto>>> List(ExchangeDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var since = clock.GetUtcNow().UtcDateTime.AddHours(-24);
        // Quartz stores fire times as UTC ticks and intervals in milliseconds.
        var triggers = await db.Database.SqlQueryRaw<TriggerRow>(
                "SELECT t.job_name AS \"JobName\", t.next_fire_time AS \"NextFireTime\", s.repeat_interval AS \"RepeatInterval\" " +
                "FROM qrtz_triggers t JOIN qrtz_simple_triggers s ON s.sched_name = t.sched_name AND s.trigger_name = t.trigger_name AND s.trigger_group = t.trigger_group " +
                "WHERE t.job_group = 'exchange'")
            .ToListAsync(cancellationToken);

        var jobs = new List<JobDto>();
        foreach (var name in Names)
        {
            var trigger = triggers.Where(t => t.JobName == name).OrderByDescending(t => t.NextFireTime).FirstOrDefault();
            var last = await db.JobRuns.AsNoTracking().Where(r => r.JobName == name).OrderByDescending(r => r.StartedAt).FirstOrDefaultAsync(cancellationToken);
            var runs = await db.JobRuns.CountAsync(r => r.JobName == name && r.StartedAt >= since, cancellationToken);
            var failures = await db.JobRuns.CountAsync(r => r.JobName == name && r.StartedAt >= since && r.Failed, cancellationToken);
            jobs.Add(new JobDto(
                name,
                trigger is null ? null : trigger.RepeatInterval / 1000.0,
                trigger?.NextFireTime is { } ticks ? new DateTime(ticks, DateTimeKind.Utc) : null,
                last is null ? null : new JobRunDto(last.StartedAt, last.FinishedAt, (last.FinishedAt - last.StartedAt)?.TotalMilliseconds,
                    last.ItemsProcessed, last.Failed, last.Error, last.Node),
                runs,
                failures));
        }

        return TypedResults.Ok(jobs);
    }
}
