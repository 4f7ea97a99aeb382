using System.Net;
using Exchange.Api;
using Exchange.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Exchange.Foundation.Tests;

/// <summary>
/// X-Forwarded-For is believed only from the proxies in Exchange:TrustedProxies. The anonymous
/// rate limit is keyed on the client address, so it shows which address the service believed.
/// </summary>
public sealed class ForwardedHeadersTests
{
    // The in-memory test server has no socket; every request arrives from this address, as from one proxy or attacker.
    private static readonly IPAddress Peer = IPAddress.Parse("10.1.2.3");

    [Fact]
    public async Task Without_trusted_proxies_a_new_forwarded_address_per_request_does_not_escape_the_anonymous_limit()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var factory = Api(database, new Dictionary<string, string?>());
        using var client = factory.CreateClient();

        var statuses = await AnonymousCallsAsync(client, i => $"198.51.100.{i}");

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.Equal(Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.None, ForwardedHeadersOptionsFor(factory).ForwardedHeaders);
    }

    [Fact]
    public async Task A_trusted_proxy_network_is_believed_so_each_forwarded_client_has_its_own_limit()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var factory = Api(database, new Dictionary<string, string?> { ["Exchange:TrustedProxies:0"] = "10.1.0.0/16" });
        using var client = factory.CreateClient();

        var distinct = await AnonymousCallsAsync(client, i => $"198.51.100.{i}");
        var same = await AnonymousCallsAsync(client, _ => "203.0.113.7");

        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, distinct);
        Assert.Contains(HttpStatusCode.TooManyRequests, same);
    }

    [Fact]
    public async Task A_proxy_outside_the_trusted_list_is_not_believed()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var factory = Api(database, new Dictionary<string, string?> { ["Exchange:TrustedProxies:0"] = "192.0.2.10" });
        using var client = factory.CreateClient();

        Assert.Contains(HttpStatusCode.TooManyRequests, await AnonymousCallsAsync(client, i => $"198.51.100.{i}"));
    }

    [Theory]
    [InlineData("not-an-address")]
    [InlineData("10.0.0.0/33")]
    [InlineData("10.0.0.1/8")]
    public async Task A_trusted_proxy_that_is_not_an_address_or_network_stops_the_service_from_starting(string entry)
    {
        await using var database = await TestDatabase.CreateAsync();
        var assembly = Repository.HostAssembly("Exchange.Api");
        var (exitCode, output) = await ProcessRunner.RunToExitAsync("dotnet", [assembly], Path.GetDirectoryName(assembly)!, new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Testing",
            ["Urls"] = "http://127.0.0.1:0",
            ["Exchange__Database__Provider"] = database.Provider.ToString(),
            ["Exchange__Database__ConnectionString"] = database.ConnectionString,
            ["Exchange__ContentKeys__Directory"] = database.ContentKeyDirectory,
            ["Exchange__Database__MigrateOnStart"] = "true",
            ["Exchange__TrustedProxies__0"] = "10.0.0.1",
            ["Exchange__TrustedProxies__1"] = entry,
        }, TimeSpan.FromSeconds(90));

        Assert.True(exitCode != 0, output);
        Assert.Contains("Exchange:TrustedProxies:1", output, StringComparison.Ordinal);
        Assert.DoesNotContain("TrustedProxies:0", output, StringComparison.Ordinal);
    }

    private static WebApplicationFactoryWithPeer Api(TestDatabase database, Dictionary<string, string?> settings)
    {
        settings["Exchange:Api:RequestsPerWindow"] = "5";
        settings["Exchange:Api:RateLimitWindow"] = "00:05:00";
        return new WebApplicationFactoryWithPeer(database, settings);
    }

    private static async Task<List<HttpStatusCode>> AnonymousCallsAsync(HttpClient client, Func<int, string> forwardedFor)
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 1; i <= 8; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/field-catalogue");
            request.Headers.Add("X-Forwarded-For", forwardedFor(i));
            using var response = await client.SendAsync(request);
            statuses.Add(response.StatusCode);
        }

        return statuses;
    }

    private static Microsoft.AspNetCore.Builder.ForwardedHeadersOptions ForwardedHeadersOptionsFor(WebApplicationFactoryWithPeer factory) =>
        factory.Services.GetRequiredService<IOptions<Microsoft.AspNetCore.Builder.ForwardedHeadersOptions>>().Value;

    private sealed class WebApplicationFactoryWithPeer(TestDatabase database, IDictionary<string, string?> settings)
        : ExchangeAppFactory<ApiHost>(database, settings)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.AddSingleton<IStartupFilter, PeerAddress>());
        }
    }

    /// <summary>Runs before the service's own pipeline, where a socket would have set the peer address.</summary>
    private sealed class PeerAddress : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = Peer;
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
