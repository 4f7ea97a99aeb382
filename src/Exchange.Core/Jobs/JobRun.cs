namespace Exchange.Core.Jobs;

/// <summary>One run of a background job, for the operator's jobs view.</summary>
public sealed class JobRun
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public required string JobName { get; init; }
    public required string Node { get; init; }
    public DateTime StartedAt { get; init; }
    public DateTime? FinishedAt { get; set; }
    public int ItemsProcessed { get; set; }
    public bool Failed { get; set; }
    public string? Error { get; set; }
}
