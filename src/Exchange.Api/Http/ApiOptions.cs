using System.ComponentModel.DataAnnotations;

namespace Exchange.Api.Http;

/// <summary>`Exchange:Api`: the API's abuse limits.</summary>
public sealed class ApiOptions
{
    public const string Section = "Exchange:Api";

    [Range(1024, 16 * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 256 * 1024;

    [Range(1, 500)]
    public int MaxPageSize { get; set; } = 100;

    [Range(1, 500)]
    public int DefaultPageSize { get; set; } = 25;

    /// <summary>Requests per client per window, across the API.</summary>
    [Range(1, 1_000_000)]
    public int RequestsPerWindow { get; set; } = 600;

    /// <summary>Cases one client may open per window.</summary>
    [Range(1, 1_000_000)]
    public int CaseCreationsPerWindow { get; set; } = 120;

    public TimeSpan RateLimitWindow { get; set; } = TimeSpan.FromMinutes(1);
}
