using System.Net;
using System.Net.Http.Json;
using Exchange.Core.Data;
using Exchange.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Exchange.Identity.Tests;

/// <summary>
/// Two Identity processes on one database, as two nodes behind a load balancer, with keys that rotate
/// every minute on the real clock: each publishes the key the other made before it signs with it,
/// and each accepts the other's tokens, without a restart.
/// </summary>
public sealed class KeyRotationProcessTests
{
    private const string Issuer = "http://identity.exchange.test";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    private static Dictionary<string, string?> Settings(bool first) => new()
    {
        ["Exchange:Identity:Issuer"] = Issuer,
        ["Exchange:Identity:SigningKeyLifetime"] = "00:01:00",
        ["Exchange:Identity:SigningKeyPrePublish"] = "00:00:30",
        ["Exchange:Identity:SigningKeyRefresh"] = "00:00:01",
        // The first node's migrate step (nothing left to apply) makes the key ring and the demo data.
        ["Exchange:Database:MigrateOnStart"] = first ? "true" : "false",
        ["Exchange:Demo:Seed"] = first ? "true" : "false",
    };

    [Fact]
    public async Task Each_of_two_processes_publishes_the_next_key_before_it_signs_and_accepts_the_others_tokens()
    {
        // Processes and the real clock make this a minute long: once, on the provider nodes share in production.
        if (TestDatabase.CurrentProvider != DatabaseProvider.Postgres)
        {
            return;
        }

        await using var database = await TestDatabase.CreateAsync();
        // Migrated beforehand, as a deployment does, so the nodes' start is only theirs.
        await database.MigrateAsync();
        using var first = ServiceProcess.Start("Exchange.Identity", database, Settings(first: true));
        await EventuallyAsync(first.ReadinessAsync, s => s == 200, "the first node ready", first);
        using var second = ServiceProcess.Start("Exchange.Identity", database, Settings(first: false));
        await EventuallyAsync(second.ReadinessAsync, s => s == 200, "the second node ready", second);
        using var a = new HttpClient { BaseAddress = first.Url };
        using var b = new HttpClient { BaseAddress = second.Url };

        var initial = new JsonWebToken(await a.ClientCredentialsTokenAsync("acme-crm", "dev-acme-crm-secret")).Kid;
        Assert.Equal(initial, new JsonWebToken(await b.ClientCredentialsTokenAsync("acme-crm", "dev-acme-crm-secret")).Kid);

        // Whichever node makes the next key, both publish it while the current one still signs.
        var (kidsA, _) = await EventuallyAsync(async () => (await KidsAsync(a), await SigningKidAsync(a)),
            x => x.Item1.Count == 2 && x.Item2 == initial, "the next key announced by the first node while the current one signs");
        var next = kidsA.Single(k => k != initial);
        var (kidsB, _) = await EventuallyAsync(async () => (await KidsAsync(b), await SigningKidAsync(b)),
            x => x.Item1.Contains(next), "the second node publishing the same next key");
        Assert.Contains(initial, kidsB);

        // After the switch each signs with the new key; a token of one node validates against the
        // other's JWKS and is active at the other's introspection.
        var fromA = await EventuallyAsync(() => a.ClientCredentialsTokenAsync("acme-crm", "dev-acme-crm-secret"), t => new JsonWebToken(t).Kid == next, "the first node signing with the new key");
        var fromB = await EventuallyAsync(() => b.ClientCredentialsTokenAsync("acme-crm", "dev-acme-crm-secret"), t => new JsonWebToken(t).Kid == next, "the second node signing with the new key");
        Assert.True(await ValidAsync(fromA, b));
        Assert.True(await ValidAsync(fromB, a));
        Assert.True(await ActiveAsync(b, fromA));
        Assert.True(await ActiveAsync(a, fromB));
    }

    private static async Task<List<string>> KidsAsync(HttpClient node) =>
        JsonWebKeySet.Create(await node.GetStringAsync("/.well-known/openid-configuration/jwks")).Keys.Select(k => k.Kid).Order(StringComparer.Ordinal).ToList();

    private static async Task<string> SigningKidAsync(HttpClient node) =>
        new JsonWebToken(await node.ClientCredentialsTokenAsync("acme-crm", "dev-acme-crm-secret")).Kid;

    private static async Task<bool> ValidAsync(string token, HttpClient node)
    {
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidAudience = "exchange-api",
            ValidTypes = ["at+jwt"],
            IssuerSigningKeys = JsonWebKeySet.Create(await node.GetStringAsync("/.well-known/openid-configuration/jwks")).GetSigningKeys(),
        });
        return result.IsValid;
    }

    private static async Task<bool> ActiveAsync(HttpClient node, string token)
    {
        using var response = await node.PostFormAsync("/connect/introspect", [("token", token)], Protocol.Basic("acme-crm", "dev-acme-crm-secret"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("active").GetBoolean();
    }

    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, ServiceProcess? process = null)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what}; last value: {value}\n{process?.LastLines}");
            }

            await Task.Delay(250);
        }
    }
}
