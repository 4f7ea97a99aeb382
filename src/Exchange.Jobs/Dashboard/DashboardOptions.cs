using System.ComponentModel.DataAnnotations;

namespace Exchange.Jobs.Dashboard;

/// <summary>`Exchange:Jobs:Dashboard`: Hangfire's dashboard at /hangfire and its sign-in through Exchange.Identity.</summary>
public sealed class JobsDashboardOptions
{
    public const string Section = "Exchange:Jobs:Dashboard";
    public const string SecretSetting = Section + ":ClientSecret";

    public bool Enabled { get; set; } = true;

    /// <summary>Where the OpenID Connect handler finds Identity's discovery document; Exchange:Auth:Authority when empty.</summary>
    public string? Authority { get; set; }

    [Required]
    public string ClientId { get; set; } = Exchange.Core.Identity.JobsDashboardClient.ClientId;

    /// <summary>Refused in Production while empty or a `dev-` value.</summary>
    public string? ClientSecret { get; set; }
}
