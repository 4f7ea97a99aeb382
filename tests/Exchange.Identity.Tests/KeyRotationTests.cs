using System.Net;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Exchange.Identity.Tests;

/// <summary>Keys sign for an hour here, the next one announced ten minutes ahead; the test clock moves through a rotation.</summary>
public sealed class KeyRotationTests : IAsyncLifetime
{
    private IdentityServer _server = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await IdentityServer.StartAsync(new()
        {
            ["Exchange:Identity:SigningKeyLifetime"] = "01:00:00",
            ["Exchange:Identity:SigningKeyPrePublish"] = "00:10:00",
        });
        _client = _server.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    private async Task<List<string>> PublishedKidsAsync() =>
        (await DiscoveryTests.JwksAsync(_client)).Keys.Select(k => k.Kid).ToList();

    private async Task<string> TokenAsync() => await _client.ClientCredentialsTokenAsync("acme-crm", "dev-acme-crm-secret");

    [Fact]
    public async Task The_next_key_is_published_before_it_signs_and_the_old_one_stays_until_its_tokens_expire()
    {
        var firstToken = await TokenAsync();
        var firstKid = new JsonWebToken(firstToken).Kid;
        Assert.Equal([firstKid], await PublishedKidsAsync());

        // Inside the pre-publication window: the next key is announced, the current one still signs.
        _server.Clock.Advance(TimeSpan.FromMinutes(55));
        var announcing = await TokenAsync();
        Assert.Equal(firstKid, new JsonWebToken(announcing).Kid);
        var kids = await PublishedKidsAsync();
        Assert.Equal(2, kids.Count);
        var nextKid = kids.Single(k => k != firstKid);

        // After the switch the new key signs, and the old one is still published for its live tokens.
        _server.Clock.Advance(TimeSpan.FromMinutes(6));
        var rotated = await TokenAsync();
        Assert.Equal(nextKid, new JsonWebToken(rotated).Kid);
        Assert.Contains(firstKid, await PublishedKidsAsync());
        Assert.True(await ActiveAsync(announcing));

        // Once every token of the old key has expired, the key leaves the JWKS and its tokens fail.
        _server.Clock.Advance(TimeSpan.FromMinutes(16));
        Assert.DoesNotContain(firstKid, await PublishedKidsAsync());
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(announcing, NoLifetime(await DiscoveryTests.JwksAsync(_client)));
        Assert.False(result.IsValid);
        Assert.True((await new JsonWebTokenHandler().ValidateTokenAsync(await TokenAsync(), NoLifetime(await DiscoveryTests.JwksAsync(_client)))).IsValid);
    }

    [Fact]
    public async Task A_token_signed_with_a_rotated_out_key_is_refused()
    {
        var token = await TokenAsync();
        await using (var db = _server.Database.CreateContext())
        {
            var key = db.SigningKeys.Single(k => k.KeyId == new JsonWebToken(token).Kid);
            db.SigningKeys.Remove(key);
            await db.SaveChangesAsync();
        }

        // Past the cache minute, the node reloads keys and makes a new one; the old token no longer validates.
        _server.Clock.Advance(TimeSpan.FromMinutes(2));

        Assert.False(await ActiveAsync(token, expectValid: false));
        Assert.DoesNotContain(new JsonWebToken(token).Kid, await PublishedKidsAsync());
    }

    [Fact]
    public async Task A_rotation_made_by_one_node_reaches_another_running_node_without_a_restart()
    {
        await using var second = _server.StartSecondNode();
        using var secondClient = second.CreateClient();
        var firstKid = new JsonWebToken(await TokenAsync()).Kid;
        Assert.Equal(firstKid, new JsonWebToken(await secondClient.ClientCredentialsTokenAsync("acme-crm", "dev-acme-crm-secret")).Kid);

        // The first node announces the next key; the second, still running, publishes it too.
        _server.Clock.Advance(TimeSpan.FromMinutes(55));
        second.Clock.Advance(TimeSpan.FromMinutes(55));
        await TokenAsync();
        var nextKid = (await PublishedKidsAsync()).Single(k => k != firstKid);
        Assert.Contains(nextKid, (await DiscoveryTests.JwksAsync(secondClient)).Keys.Select(k => k.Kid));

        // Once it is due, the second node signs with the key the first one made, and each node
        // accepts the other's tokens.
        _server.Clock.Advance(TimeSpan.FromMinutes(6));
        second.Clock.Advance(TimeSpan.FromMinutes(6));
        var fromSecond = await secondClient.ClientCredentialsTokenAsync("acme-crm", "dev-acme-crm-secret");
        Assert.Equal(nextKid, new JsonWebToken(fromSecond).Kid);
        Assert.True(await ActiveAsync(fromSecond));
        using var introspected = await secondClient.IntrospectAsync(await TokenAsync(), "acme-crm", "dev-acme-crm-secret");
        Assert.True((await introspected.JsonAsync()).GetProperty("active").GetBoolean());
    }

    private async Task<bool> ActiveAsync(string token, bool expectValid = true)
    {
        using var response = await _client.IntrospectAsync(token, "acme-crm", "dev-acme-crm-secret");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var active = (await response.JsonAsync()).GetProperty("active").GetBoolean();
        Assert.Equal(expectValid, active);
        return active;
    }

    private static Microsoft.IdentityModel.Tokens.TokenValidationParameters NoLifetime(Microsoft.IdentityModel.Tokens.JsonWebKeySet jwks)
    {
        // The test clock is ahead of the real one; lifetime is checked elsewhere, keys here.
        var parameters = DiscoveryTests.ApiParameters(jwks);
        parameters.ValidateLifetime = false;
        return parameters;
    }
}
