namespace Exchange.Core.Cases;

/// <summary>`Exchange:Retention`: how long concluded case data is kept for members that set no retention (zero allowed).</summary>
public sealed class RetentionOptions
{
    public const string Section = "Exchange:Retention";

    public TimeSpan Default { get; set; } = TimeSpan.FromDays(30);
}
