using System.Net;
using Exchange.Api;
using Exchange.Testing;

namespace Exchange.Foundation.Tests;

public sealed class HealthTests
{
    [Fact]
    public async Task A_service_is_live_and_ready_when_its_database_answers()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var factory = new ExchangeAppFactory<ApiHost>(database);
        using var client = factory.CreateClient();

        var live = await client.GetAsync("/health/live");
        var ready = await client.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
        Assert.Equal("nosniff", live.Headers.GetValues("X-Content-Type-Options").Single());
    }
}
