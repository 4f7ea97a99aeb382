using System.ComponentModel.DataAnnotations;
using System.Net;

namespace Exchange.Core.Mail;

/// <summary>How the connection to the SMTP server is secured (MailKit's choices, named for settings).</summary>
public enum MailSecurity
{
    /// <summary>No TLS: only to a server on this machine (a development inbox), never across a network.</summary>
    None,
    StartTls,
    SslOnConnect,
}

/// <summary>`Exchange:Mail`: the SMTP server the exchange sends its notifications through. No host, no mail.</summary>
public sealed class MailOptions : IValidatableObject
{
    public const string Section = "Exchange:Mail";

    public string? Host { get; set; }

    [Range(1, 65535)]
    public int Port { get; set; } = 587;

    public MailSecurity Security { get; set; } = MailSecurity.StartTls;

    /// <summary>Set both to authenticate; the password comes from a secret store or the environment, never a committed file.</summary>
    public string? UserName { get; set; }

    public string? Password { get; set; }

    [EmailAddress]
    public string From { get; set; } = "exchange@localhost";

    public string FromName { get; set; } = "Support Collaboration Exchange";

    /// <summary>The portal's public address, for the link in each notification (a case page needs a sign-in).</summary>
    public Uri? PortalUrl { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public bool Enabled => !string.IsNullOrWhiteSpace(Host);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // Mail crosses networks in clear text otherwise, with the password if one is set.
        if (Enabled && Security == MailSecurity.None && !IsLoopback(Host!))
        {
            yield return new ValidationResult($"{Section}:Security None is allowed only for a server on this machine; use StartTls or SslOnConnect.", [nameof(Security)]);
        }

        if (string.IsNullOrEmpty(UserName) != string.IsNullOrEmpty(Password))
        {
            yield return new ValidationResult($"{Section}:UserName and {Section}:Password are set together or not at all.", [nameof(UserName)]);
        }

        if (PortalUrl is { IsAbsoluteUri: false })
        {
            yield return new ValidationResult($"{Section}:PortalUrl must be an absolute address.", [nameof(PortalUrl)]);
        }
    }

    private static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
}
