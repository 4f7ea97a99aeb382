using System.Net;

namespace Exchange.Identity.Tests;

/// <summary>Sliding refresh lifetime of 12 hours, capped at one day from sign-in.</summary>
public sealed class RefreshLifetimeTests : IAsyncLifetime
{
    private IdentityServer _server = null!;

    public async Task InitializeAsync() => _server = await IdentityServer.StartAsync(new()
    {
        ["Exchange:Identity:RefreshTokenSlidingLifetime"] = "12:00:00",
        ["Exchange:Identity:RefreshTokenAbsoluteLifetime"] = "1.00:00:00",
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Each_rotation_slides_the_expiry_but_never_past_the_absolute_lifetime()
    {
        using var browser = _server.CreateBrowser();
        using var client = _server.CreateClient();
        var verifier = Protocol.NewVerifier();
        var (code, _) = await browser.AuthorizeAsync(verifier);
        using var redeemed = await client.RedeemCodeAsync(code, verifier);
        var refresh = (await redeemed.JsonAsync()).GetProperty("refresh_token").GetString()!;

        var outcomes = new List<HttpStatusCode>();
        foreach (var _ in Enumerable.Range(0, 3))
        {
            // 11 hours after each rotation: inside the sliding window every time; the third is past the day.
            _server.Clock.Advance(TimeSpan.FromHours(11));
            using var response = await client.PostFormAsync("/connect/token", [("grant_type", "refresh_token"), ("refresh_token", refresh)],
                Protocol.Basic(IdentityServer.AppClient, IdentityServer.AppSecret));
            outcomes.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                refresh = (await response.JsonAsync()).GetProperty("refresh_token").GetString()!;
            }
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.BadRequest], outcomes);
    }
}
