using System.Net;
using Exchange.Core.Webhooks;

namespace Exchange.Foundation.Tests;

/// <summary>
/// Webhook targets that translate to private IPv4 or name a host with a trailing dot are refused in
/// Production, both when the URL is registered (RefusalFor) and when the sender connects to the
/// resolved address (IsAllowed, which the sender's connect callback applies to every DNS answer).
/// </summary>
public sealed class WebhookTargetPolicyTests
{
    private static readonly WebhookTargetPolicy Production = new(allowLoopback: false);

    [Theory]
    [InlineData("https://[64:ff9b::a00:1]/hook")]        // NAT64 well-known prefix -> 10.0.0.1
    [InlineData("https://[64:ff9b::7f00:1]/hook")]       // -> 127.0.0.1
    [InlineData("https://[64:ff9b::a9fe:a9fe]/hook")]    // -> 169.254.169.254
    [InlineData("https://[64:ff9b::c0a8:101]/hook")]     // -> 192.168.1.1
    [InlineData("https://[64:ff9b:1::a00:1]/hook")]      // local-use NAT64 prefix (RFC 8215)
    [InlineData("https://[2002:a00:1::1]/hook")]         // 6to4 carrying 10.0.0.1
    [InlineData("https://[::a00:1]/hook")]               // IPv4-compatible 10.0.0.1
    [InlineData("https://localhost./hook")]
    [InlineData("https://hooks.example.com./hook")]
    [InlineData("https://127.0.0.1./hook")]
    public void Translated_private_addresses_and_trailing_dot_names_are_refused_at_registration(string url)
    {
        Assert.NotNull(Production.RefusalFor(new Uri(url)));
    }

    [Theory]
    [InlineData("64:ff9b::a00:1")]
    [InlineData("64:ff9b::7f00:1")]
    [InlineData("64:ff9b::808:808")]
    [InlineData("64:ff9b:1::a00:1")]
    [InlineData("2002:c0a8:101::1")]
    [InlineData("::a00:1")]
    public void Translated_addresses_are_refused_at_connect_time(string address)
    {
        Assert.False(Production.IsAllowed(IPAddress.Parse(address)));
    }

    [Fact]
    public void Public_addresses_stay_allowed_including_6to4_of_a_public_address()
    {
        Assert.True(Production.IsAllowed(IPAddress.Parse("2606:2800:220:1:248:1893:25c8:1946")));
        Assert.True(Production.IsAllowed(IPAddress.Parse("2002:5db8:d822::1")));
        Assert.True(Production.IsAllowed(IPAddress.Parse("93.184.216.34")));
        Assert.Null(Production.RefusalFor(new Uri("https://hooks.example.com/exchange")));
    }
}
