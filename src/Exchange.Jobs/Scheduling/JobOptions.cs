using System.ComponentModel.DataAnnotations;

namespace Exchange.Jobs.Scheduling;

/// <summary>`Exchange:Jobs:&lt;JobName&gt;`: how often a job runs and how much one batch takes.</summary>
public abstract class JobOptions
{
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    [Range(1, 100_000)]
    public int BatchSize { get; set; } = 100;

    /// <summary>Whether a starting node runs the job once at once, besides its schedule.</summary>
    public bool RunAtStart { get; set; } = true;
}

public sealed class PurgeJobOptions : JobOptions
{
    public PurgeJobOptions()
    {
        Interval = TimeSpan.FromSeconds(30);
    }

    /// <summary>Batches per run at most, so one run ends and reports even with a large backlog.</summary>
    [Range(1, 100_000)]
    public int MaxBatchesPerRun { get; set; } = 1000;

    /// <summary>
    /// How long past its purge time a case may wait for its own scheduled purge job before the sweep
    /// purges it directly (a schedule lost to a crash between claiming and scheduling it).
    /// </summary>
    public TimeSpan SweepAfter { get; set; } = TimeSpan.FromMinutes(5);
}

public sealed class WebhookJobOptions : JobOptions
{
    public WebhookJobOptions()
    {
        Interval = TimeSpan.FromSeconds(10);
    }

    /// <summary>Tries before a delivery is dead-lettered.</summary>
    [Range(1, 50)]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>
    /// Failed attempts in a row, across all of an endpoint's deliveries, after which the endpoint is
    /// disabled (the member admin sees why in the portal and re-enables it there).
    /// </summary>
    [Range(1, 1000)]
    public int DisableAfterFailures { get; set; } = 20;

    /// <summary>The first retry's delay; each further retry doubles it, with up to 25% jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(6);

    /// <summary>Per request; the checklist asks for 15 to 30 seconds.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How long a worker holds a claimed delivery; longer than a send with its timeout.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long past its attempt time a pending delivery may wait for its job before the sweep
    /// enqueues another (a job lost to a crash between recording a retry and scheduling it).
    /// </summary>
    public TimeSpan SweepAfter { get; set; } = TimeSpan.FromMinutes(2);
}

public sealed class PurgeReceiptsJobOptions : JobOptions
{
    public PurgeReceiptsJobOptions()
    {
        Interval = TimeSpan.FromHours(1);
    }

    public TimeSpan RenotifyAfter { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Notifications of one purge in all, the first included.</summary>
    [Range(1, 20)]
    public int MaxNotifications { get; set; } = 4;
}

public sealed class DeadlinesJobOptions : JobOptions
{
    public TimeSpan AgreementExpiryNotice { get; set; } = TimeSpan.FromDays(30);

    public TimeSpan InactivityPeriod { get; set; } = TimeSpan.FromDays(30);
}

public sealed class HousekeepingJobOptions : JobOptions
{
    public HousekeepingJobOptions()
    {
        Interval = TimeSpan.FromHours(1);
        BatchSize = 500;
    }

    /// <summary>Batches per table and run at most, so one run ends and reports even with a large backlog.</summary>
    [Range(1, 100_000)]
    public int MaxBatchesPerRun { get; set; } = 100;

    /// <summary>
    /// How long past their expiry grants, revoked token ids and signing keys are kept. It must
    /// outlast Identity's access-token lifetime (a replayed code revokes the access token its first
    /// use issued) and every relying party's clock skew.
    /// </summary>
    [Range(typeof(TimeSpan), "01:00:00", "365.00:00:00")]
    public TimeSpan GracePeriod { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How long idempotency keys are kept; SECURITY.md asks for at least 24 hours.</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "3650.00:00:00")]
    public TimeSpan IdempotencyRetention { get; set; } = TimeSpan.FromHours(48);

    /// <summary>How long job runs are kept; the jobs view reports the last 24 hours.</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "3650.00:00:00")]
    public TimeSpan JobRunRetention { get; set; } = TimeSpan.FromDays(30);
}

/// <summary>`Exchange:Jobs`: the Hangfire server of this node.</summary>
public sealed class SchedulerOptions
{
    public const string Section = "Exchange:Jobs";

    /// <summary>Set false to host the jobs without running them (e.g. a test that runs one job by hand).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Hangfire workers of this node: jobs it runs at once.</summary>
    [Range(1, 64)]
    public int Workers { get; set; } = 8;

    /// <summary>How often this node moves due scheduled jobs and recurring jobs into the queue.</summary>
    public TimeSpan SchedulePollingInterval { get; set; } = TimeSpan.FromSeconds(1);
}

public sealed class KeyRotationJobOptions : JobOptions
{
    public KeyRotationJobOptions()
    {
        Interval = TimeSpan.FromDays(1);
        BatchSize = 500;
        // On its schedule only: a rotation per node start would make keys for nothing.
        RunAtStart = false;
    }
}

public sealed class MailJobOptions : JobOptions
{
    public MailJobOptions()
    {
        Interval = TimeSpan.FromSeconds(10);
        BatchSize = 50;
    }

    [Range(1, 50)]
    public int MaxAttempts { get; set; } = 6;

    /// <summary>The first retry's delay; each further retry doubles it (1, 2, 4, 8, 16 minutes by default).</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a worker holds the mails it took; longer than a batch's sends with their timeouts.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Events older than this are not mailed: a notice a day late helps nobody, and a database that
    /// had events before mail was configured does not flood its users when it is.
    /// </summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(1);
}
