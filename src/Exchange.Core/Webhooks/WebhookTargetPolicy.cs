using System.Net;
using System.Net.Sockets;

namespace Exchange.Core.Webhooks;

/// <summary>
/// Which addresses an outbound webhook may reach. In Production only public unicast addresses:
/// never loopback, private ranges, link-local (the cloud metadata service at 169.254.169.254),
/// carrier-grade NAT, unique-local IPv6 or multicast, so an endpoint cannot be aimed at the
/// exchange's own network. Development and Testing also allow loopback, so a demo receiver on the
/// same machine works. The check runs on the resolved address at connect time as well as on the
/// URL at registration, so DNS cannot be used to slip past it.
/// </summary>
public sealed class WebhookTargetPolicy(bool allowLoopback)
{
    public bool AllowLoopback { get; } = allowLoopback;

    /// <summary>Checks a URL as registered: scheme, and the host when it is a literal address or localhost.</summary>
    public string? RefusalFor(Uri url)
    {
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            return "The URL must be absolute http or https.";
        }

        if (!AllowLoopback && url.Scheme != Uri.UriSchemeHttps)
        {
            return "The URL must use https.";
        }

        if (!string.IsNullOrEmpty(url.UserInfo))
        {
            return "The URL must not carry credentials.";
        }

        if (url.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 && IPAddress.TryParse(url.DnsSafeHost, out var address))
        {
            return IsAllowed(address) ? null : "The URL points at a loopback, private or link-local address.";
        }

        if (url.IsLoopback && !AllowLoopback)
        {
            return "The URL points at a loopback address.";
        }

        return null;
    }

    public bool IsAllowed(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address))
        {
            return AllowLoopback;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] == 0
                || b[0] == 10
                || (b[0] == 100 && b[1] >= 64 && b[1] <= 127)
                || (b[0] == 169 && b[1] == 254)
                || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)
                || (b[0] == 192 && b[1] == 168)
                || (b[0] == 192 && b[1] == 0 && b[2] == 0)
                || (b[0] == 198 && (b[1] == 18 || b[1] == 19))
                || b[0] >= 224);
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var b = address.GetAddressBytes();
            return !(address.Equals(IPAddress.IPv6None)
                || address.IsIPv6LinkLocal
                || address.IsIPv6SiteLocal
                || address.IsIPv6Multicast
                || (b[0] & 0xFE) == 0xFC);
        }

        return false;
    }
}
