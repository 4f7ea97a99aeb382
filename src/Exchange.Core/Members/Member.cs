namespace Exchange.Core.Members;

/// <summary>A vendor organisation that has joined the exchange.</summary>
public sealed class Member
{
    public const string OperatorId = "operator";

    public required string Id { get; init; }
    public required string LegalName { get; set; }
    /// <summary>Where the member stores and processes case data, e.g. EU, UK, US.</summary>
    public required string Region { get; set; }
    public string? SupportContact { get; set; }
    public string? EscalationContact { get; set; }
    /// <summary>How long concluded case data is kept; null means the exchange default.</summary>
    public TimeSpan? Retention { get; set; }
    public IntakePolicy IntakePolicy { get; set; } = new();
    public DateTime CreatedAt { get; init; }
}

public enum FreeTextPersonalDataPolicy
{
    Redact,
    Refuse,
}

/// <summary>What a receiving member asks for: only what it needs to diagnose.</summary>
public sealed class IntakePolicy
{
    public List<string> RequiredFields { get; set; } = [];
    public List<string> AcceptedFields { get; set; } = [];
    public FreeTextPersonalDataPolicy FreeTextPersonalData { get; set; } = FreeTextPersonalDataPolicy.Redact;
    /// <summary>Response target per severity (1 to 4).</summary>
    public Dictionary<int, TimeSpan> ResponseTargets { get; set; } = new();
}
