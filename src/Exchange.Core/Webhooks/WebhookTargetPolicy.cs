using System.Net;
using System.Net.Sockets;

namespace Exchange.Core.Webhooks;

/// <summary>
/// Which addresses an outbound webhook may reach. In Production only public unicast addresses:
/// never loopback, private ranges, link-local (the cloud metadata service at 169.254.169.254),
/// carrier-grade NAT, unique-local IPv6, multicast, or IPv6 that translates to IPv4 (NAT64
/// `64:ff9b::/96` and `64:ff9b:1::/48`, 6to4 and IPv4-compatible addresses carrying a private
/// IPv4 address), so an endpoint cannot be aimed at the
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

        // "localhost." and "10.0.0.1." name the same hosts as without the dot, but slip past checks
        // that compare names; no public webhook endpoint needs the dot.
        if (url.Host.EndsWith('.'))
        {
            return "The URL's host must not end with a dot.";
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
            // NAT64 (RFC 6052, RFC 8215): the gateway connects to the IPv4 address in the last 32
            // bits, which may be private; a webhook has no need to go through a translator.
            if ((b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0)
                || (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b[4] == 0x00 && b[5] == 0x01))
            {
                return false;
            }

            // 6to4 (2002::/16) and IPv4-compatible (::/96) addresses carry an IPv4 address too.
            if (b[0] == 0x20 && b[1] == 0x02)
            {
                return IsAllowed(new IPAddress(b.AsSpan(2, 4)));
            }

            if (b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0 && !address.Equals(IPAddress.IPv6Any) && !address.Equals(IPAddress.IPv6Loopback))
            {
                return IsAllowed(new IPAddress(b.AsSpan(12, 4)));
            }

            return !(address.Equals(IPAddress.IPv6None)
                || address.IsIPv6LinkLocal
                || address.IsIPv6SiteLocal
                || address.IsIPv6Multicast
                || (b[0] & 0xFE) == 0xFC);
        }

        return false;
    }
}
