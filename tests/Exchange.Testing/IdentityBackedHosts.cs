using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Exchange.Core.Data;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Exchange.Testing;

/// <summary>
/// Exchange.Identity and one token-consuming service (the Api, say) hosted in process on the same
/// test database. The service validates real access tokens through Identity's discovery document,
/// fetched over an in-memory backchannel. <typeparamref name="TIdentity"/> is IdentityHost and
/// <typeparamref name="TService"/> the service's marker. One instance per test class.
/// </summary>
public class IdentityBackedHosts<TIdentity, TService> : IAsyncLifetime
    where TIdentity : class where TService : class
{
    /// <summary>The issuer and authority both hosts agree on: WebApplicationFactory's base address.</summary>
    public const string Issuer = "http://localhost";

    private readonly ConcurrentDictionary<string, string> _tokens = new();

    public TestDatabase Database { get; private set; } = null!;
    public ExchangeAppFactory<TIdentity> Identity { get; private set; } = null!;
    public WebApplicationFactory<TService> Service { get; private set; } = null!;

    /// <summary>Extra settings for the service under test (limits, retention).</summary>
    protected virtual IDictionary<string, string?> ServiceSettings => new Dictionary<string, string?>();

    /// <summary>The database both hosts share: by default a new one on the run's provider.</summary>
    protected virtual Task<TestDatabase> CreateDatabaseAsync() => TestDatabase.CreateAsync();

    /// <summary>Adds what the test class needs (members, agreements, clients) after the demo seed.</summary>
    protected virtual Task SeedAsync(ExchangeDbContext db) => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        Database = await CreateDatabaseAsync();
        Identity = new ExchangeAppFactory<TIdentity>(Database, new Dictionary<string, string?> { ["Exchange:Identity:Issuer"] = Issuer });
        _ = Identity.Server; // starts Identity, which migrates the database
        await using (var db = Database.CreateContext())
        {
            await DemoSeed.SeedAsync(db, TimeProvider.System);
            await SeedAsync(db);
        }

        var settings = new Dictionary<string, string?>(ServiceSettings)
        {
            ["Exchange:Auth:Authority"] = Issuer,
            ["Exchange:Identity:Issuer"] = Issuer,
        };
        var identityHandler = Identity.Server.CreateHandler();
        Service = new ExchangeAppFactory<TService>(Database, settings).WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
            // Configure, not PostConfigure: JwtBearer builds its metadata client from the handler in its own post-configure step.
            services.Configure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, o => o.BackchannelHttpHandler = identityHandler)));
        _ = Service.Server;
    }

    /// <summary>A client-credentials access token from Identity, cached per client and scope for the class.</summary>
    public async Task<string> TokenAsync(string clientId, string secret, string? scope = null)
    {
        if (_tokens.TryGetValue($"{clientId} {scope}", out var cached))
        {
            return cached;
        }

        using var client = Identity.CreateClient();
        var form = new Dictionary<string, string> { ["grant_type"] = "client_credentials" };
        if (scope is not null)
        {
            form["scope"] = scope;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/token") { Content = new FormUrlEncodedContent(form) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(clientId)}:{Uri.EscapeDataString(secret)}")));
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Identity refused a token for {clientId}: {(int)response.StatusCode} {body}");
        }

        var token = JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
        _tokens[$"{clientId} {scope}"] = token;
        return token;
    }

    /// <summary>A client of the service under test, sending <paramref name="token"/> as a bearer token if given.</summary>
    public HttpClient ServiceClient(string? token = null)
    {
        var client = Service.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    public virtual async Task DisposeAsync()
    {
        await Service.DisposeAsync();
        await Identity.DisposeAsync();
        await Database.DisposeAsync();
    }
}
