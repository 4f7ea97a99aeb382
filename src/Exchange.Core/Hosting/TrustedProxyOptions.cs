using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Exchange.Core.Hosting;

/// <summary>
/// `Exchange:TrustedProxies`: the reverse proxies and load balancers whose `X-Forwarded-For` and
/// `X-Forwarded-Proto` are believed, each an address (`10.0.0.5`, `::1`) or a network in CIDR
/// notation (`10.0.0.0/8`). Empty means no proxy is trusted and forwarded headers are ignored, so
/// a caller cannot choose the address that rate limits are keyed on and that logs record.
/// </summary>
public sealed class TrustedProxyOptions
{
    /// <summary>The options bind to `Exchange`, of which they read only `TrustedProxies`.</summary>
    public const string Section = "Exchange";

    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>Parses one entry: a single address is a network of its full length.</summary>
    public static bool TryParse(string? entry, out System.Net.IPNetwork network)
    {
        network = default;
        var text = entry?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        if (text.Contains('/'))
        {
            // "10.0.0.1/8" is a typo for an address or a network; refuse it rather than guess which.
            return System.Net.IPNetwork.TryParse(text, out network)
                && IPAddress.TryParse(text[..text.IndexOf('/')], out var written)
                && written.Equals(network.BaseAddress);
        }

        if (!IPAddress.TryParse(text, out var address))
        {
            return false;
        }

        network = new System.Net.IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        return true;
    }

    /// <summary>Sets the forwarded-headers middleware to believe exactly these proxies, and nothing when there are none.</summary>
    public void ApplyTo(ForwardedHeadersOptions options)
    {
        // The framework's defaults trust loopback; with empty lists it would trust everyone. Start from nothing.
        options.KnownIPNetworks.Clear();
        options.KnownProxies.Clear();
        var networks = TrustedProxies.Select(p => TryParse(p, out var n) ? n : throw new InvalidOperationException("Exchange:TrustedProxies holds an entry that is not an address or a CIDR network.")).ToList();
        if (networks.Count == 0)
        {
            options.ForwardedHeaders = ForwardedHeaders.None;
            return;
        }

        options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        // Walk back through every trusted hop (a load balancer in front of an ingress, say); the
        // first address that is not a trusted proxy is the client.
        options.ForwardLimit = null;
        foreach (var network in networks)
        {
            options.KnownIPNetworks.Add(network);
        }
    }
}

/// <summary>Refuses to start on an entry that is neither an address nor a CIDR network, naming its position, not guessing.</summary>
public sealed class TrustedProxyOptionsValidator : IValidateOptions<TrustedProxyOptions>
{
    public ValidateOptionsResult Validate(string? name, TrustedProxyOptions options)
    {
        var bad = options.TrustedProxies
            .Select((entry, index) => (entry, index))
            .Where(e => !TrustedProxyOptions.TryParse(e.entry, out _))
            .Select(e => $"Exchange:TrustedProxies:{e.index} is not an IP address or a CIDR network such as 10.0.0.0/8.")
            .ToList();
        return bad.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(bad);
    }
}
