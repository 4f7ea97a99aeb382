namespace Exchange.Core.Cases;

/// <summary>The first answer to a request carrying an Idempotency-Key, replayed to retries.</summary>
public sealed class IdempotencyRecord
{
    public required string MemberId { get; init; }
    public required string ClientId { get; init; }
    public required string Key { get; init; }
    public required string RequestHash { get; init; }
    public int? StatusCode { get; set; }
    public string? ResponseBody { get; set; }
    public string? Location { get; set; }
    public DateTime CreatedAt { get; init; }
    public DateTime? CompletedAt { get; set; }
}
