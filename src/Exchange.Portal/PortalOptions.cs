using System.ComponentModel.DataAnnotations;

namespace Exchange.Portal;

/// <summary>The portal's own settings (section Exchange:Portal).</summary>
public sealed class PortalOptions
{
    public const string Section = "Exchange:Portal";

    /// <summary>Where Exchange.Api listens, e.g. http://127.0.0.1:5002.</summary>
    [Required]
    public string ApiBaseUrl { get; set; } = "";

    [Required]
    public string ClientId { get; set; } = "exchange-portal";

    [Required]
    public string ClientSecret { get; set; } = "";

    /// <summary>Hangfire's dashboard on Exchange.Jobs, linked from the operator's home page.</summary>
    public string JobsDashboardUrl { get; set; } = "http://127.0.0.1:5004/hangfire";

    /// <summary>How long a session lives without use; every request slides it.</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Lines per page of the case lists and the webhook deliveries.</summary>
    [Range(1, 100)]
    public int ListPageSize { get; set; } = 25;
}

/// <summary>Where the portal finds its identity provider (section Exchange:Auth).</summary>
public sealed class PortalAuthOptions
{
    public const string Section = "Exchange:Auth";

    /// <summary>The issuer whose discovery document names every endpoint the portal uses.</summary>
    [Required]
    public string Authority { get; set; } = "";

    /// <summary>HTTP discovery is for loopback development and tests only.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;
}
