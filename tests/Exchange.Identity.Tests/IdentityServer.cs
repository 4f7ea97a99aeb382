using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Exchange.Core.Data;
using Exchange.Core.Identity;
using Exchange.Identity;
using Exchange.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace Exchange.Identity.Tests;

/// <summary>Real time plus however far a test has moved it: key rotation, code and token expiry without waiting.</summary>
public sealed class TestClock : TimeProvider
{
    private TimeSpan _offset;

    public override DateTimeOffset GetUtcNow() => DateTimeOffset.UtcNow + _offset;

    public void Advance(TimeSpan by) => _offset += by;
}

/// <summary>Identity in process on its own database, with the demo data and test clients, over HTTPS on TestServer.</summary>
public sealed class IdentityServer : IAsyncDisposable
{
    public const string Issuer = "https://localhost";
    public const string AppClient = "test-app";
    public const string OtherAppClient = "other-app";
    public const string AppSecret = "test-app-secret-0123456789";
    public const string AppRedirect = "https://app.example/callback";
    public const string AppPostLogout = "https://app.example/signed-out";

    private readonly Factory _factory;
    private readonly Dictionary<string, string?> _settings;
    private bool _sharesDatabase;

    private IdentityServer(TestDatabase database, Factory factory, TestClock clock, Dictionary<string, string?> settings)
    {
        Database = database;
        _factory = factory;
        Clock = clock;
        _settings = settings;
    }

    public TestDatabase Database { get; }
    public TestClock Clock { get; }
    public IServiceProvider Services => _factory.Services;

    public static async Task<IdentityServer> StartAsync(Dictionary<string, string?>? settings = null)
    {
        var database = await TestDatabase.CreateAsync();
        var all = new Dictionary<string, string?>
        {
            ["Exchange:Identity:Issuer"] = Issuer,
            ["Exchange:Identity:PortalClientSecret"] = "test-portal-secret",
            ["Exchange:Identity:PortalRedirectUri"] = "https://portal.example/signin-oidc",
            ["Exchange:Identity:PortalPostLogoutRedirectUri"] = "https://portal.example/",
            ["Exchange:Identity:LoginAttemptsPerIpPerMinute"] = "1000",
            ["Exchange:Identity:TokenRequestsPerClientPerMinute"] = "1000",
            ["Exchange:Identity:FailedClientAuthenticationsPerMinute"] = "1000",
            ["Exchange:Identity:FailedClientAuthenticationsPerAddressPerMinute"] = "1000",
        };
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }

        var clock = new TestClock();
        var factory = new Factory(database, all, clock);
        var server = new IdentityServer(database, factory, clock, all);
        factory.CreateClient().Dispose();
        await using var db = database.CreateContext();
        await DemoSeed.SeedAsync(db, TimeProvider.System);
        await IdentityTokens.AddUserAppClientAsync(db, AppClient, AppSecret, AppRedirect, AppPostLogout);
        await IdentityTokens.AddUserAppClientAsync(db, OtherAppClient, AppSecret, AppRedirect, AppPostLogout);
        return server;
    }

    /// <summary>
    /// A second Identity node on this one's database, with its own clock, caches and OpenIddict
    /// options, as another process would have: what they share is only the database.
    /// </summary>
    public IdentityServer StartSecondNode()
    {
        var clock = new TestClock();
        var factory = new Factory(Database, _settings, clock);
        factory.CreateClient().Dispose();
        return new IdentityServer(Database, factory, clock, _settings) { _sharesDatabase = true };
    }

    /// <summary>A client that keeps cookies like a browser and does not follow redirects, so each hop can be checked.</summary>
    public HttpClient CreateBrowser() =>
        _factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri(Issuer), AllowAutoRedirect = false, HandleCookies = true });

    public HttpClient CreateClient() =>
        _factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri(Issuer), AllowAutoRedirect = false, HandleCookies = false });

    /// <summary>
    /// Posts a form as if from <paramref name="address"/>: TestServer has no sockets, so the
    /// request is built on the server's own HttpContext, which carries the remote address.
    /// </summary>
    public async Task<(int Status, IHeaderDictionary Headers)> PostFormFromAsync(
        System.Net.IPAddress address, string path, IEnumerable<(string, string)> fields, AuthenticationHeaderValue? auth = null)
    {
        var body = await new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Item1, f.Item2))).ReadAsByteArrayAsync();
        var context = await _factory.Server.SendAsync(c =>
        {
            c.Connection.RemoteIpAddress = address;
            c.Request.Method = HttpMethods.Post;
            c.Request.Scheme = "https";
            c.Request.Host = new HostString("localhost");
            c.Request.Path = path;
            c.Request.ContentType = "application/x-www-form-urlencoded";
            c.Request.ContentLength = body.Length;
            c.Request.Body = new MemoryStream(body);
            if (auth != null)
            {
                c.Request.Headers.Authorization = auth.ToString();
            }
        });
        return (context.Response.StatusCode, context.Response.Headers);
    }

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        if (!_sharesDatabase)
        {
            await Database.DisposeAsync();
        }
    }

    private sealed class Factory(TestDatabase database, IDictionary<string, string?> settings, TestClock clock)
        : ExchangeAppFactory<IdentityHost>(database, settings)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(clock));
        }
    }
}

/// <summary>Protocol helpers: what a relying party sends.</summary>
public static partial class Protocol
{
    public static AuthenticationHeaderValue Basic(string clientId, string secret) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(clientId)}:{Uri.EscapeDataString(secret)}")));

    public static async Task<HttpResponseMessage> PostFormAsync(this HttpClient client, string path, IEnumerable<(string, string)> fields, AuthenticationHeaderValue? auth = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Item1, f.Item2))),
        };
        request.Headers.Authorization = auth;
        return await client.SendAsync(request);
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    public static async Task<string> ClientCredentialsTokenAsync(this HttpClient client, string clientId, string secret, string? scope = null)
    {
        var fields = new List<(string, string)> { ("grant_type", "client_credentials") };
        if (scope != null)
        {
            fields.Add(("scope", scope));
        }

        using var response = await client.PostFormAsync("/connect/token", fields, Basic(clientId, secret));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("access_token").GetString()!;
    }

    public static string NewVerifier() => Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));

    public static string Challenge(string verifier) => Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    public static string AuthorizeUrl(string verifier, string scope = "openid profile offline_access cases:read", string state = "st-123", string nonce = "n-456",
        string clientId = IdentityServer.AppClient, string redirectUri = IdentityServer.AppRedirect)
    {
        return "/connect/authorize?" + string.Join('&', new[]
        {
            ("client_id", clientId), ("redirect_uri", redirectUri), ("response_type", "code"), ("scope", scope),
            ("state", state), ("nonce", nonce), ("code_challenge", Challenge(verifier)), ("code_challenge_method", "S256"),
        }.Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2)}"));
    }

    /// <summary>Signs in on the login page; the browser then holds Identity's session cookie.</summary>
    public static async Task<HttpResponseMessage> SubmitLoginAsync(this HttpClient browser, string returnUrl, string email, string password = DemoSeed.UserPassword)
    {
        var page = await browser.GetStringAsync("/account/login?returnUrl=" + Uri.EscapeDataString(returnUrl));
        var csrf = CsrfField().Match(page).Groups[1].Value;
        return await browser.PostFormAsync("/account/login", [("__csrf", csrf), ("returnUrl", returnUrl), ("email", email), ("password", password)]);
    }

    /// <summary>The whole front channel: authorize, sign in if needed, and read the code from the redirect.</summary>
    public static async Task<(string Code, Dictionary<string, string> Response)> AuthorizeAsync(
        this HttpClient browser, string verifier, string email = "alice@acme.example", string scope = "openid profile offline_access cases:read",
        string clientId = IdentityServer.AppClient)
    {
        var url = AuthorizeUrl(verifier, scope, clientId: clientId);
        using var first = await browser.GetAsync(url);
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        var location = first.Headers.Location!.OriginalString;
        if (location.StartsWith("/account/login", StringComparison.Ordinal))
        {
            var returnUrl = Uri.UnescapeDataString(location[(location.IndexOf("returnUrl=", StringComparison.Ordinal) + 10)..]);
            using var login = await browser.SubmitLoginAsync(returnUrl, email);
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
            using var second = await browser.GetAsync(login.Headers.Location!.OriginalString);
            Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
            location = second.Headers.Location!.OriginalString;
        }

        Assert.StartsWith(IdentityServer.AppRedirect + "?", location, StringComparison.Ordinal);
        var query = Query(new Uri(location));
        return (query["code"], query);
    }

    public static Dictionary<string, string> Query(Uri uri) =>
        uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => Uri.UnescapeDataString(p.Length > 1 ? p[1] : ""));

    public static Task<HttpResponseMessage> RedeemCodeAsync(this HttpClient client, string code, string verifier,
        string clientId = IdentityServer.AppClient, string redirectUri = IdentityServer.AppRedirect) =>
        client.PostFormAsync("/connect/token",
            [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectUri), ("code_verifier", verifier)],
            Basic(clientId, IdentityServer.AppSecret));

    public static Task<HttpResponseMessage> IntrospectAsync(this HttpClient client, string token, string clientId = IdentityServer.AppClient, string secret = IdentityServer.AppSecret) =>
        client.PostFormAsync("/connect/introspect", [("token", token)], Basic(clientId, secret));

    /// <summary>The form's antiforgery field, as the page rendered it.</summary>
    public static string Csrf(string page) => CsrfField().Match(page).Groups[1].Value;

    /// <summary>Opens a set-password link (invitation or reset) and submits the form on it with a new password.</summary>
    public static async Task<HttpResponseMessage> SetPasswordAsync(this HttpClient browser, string link, string password, string? confirm = null)
    {
        var uri = new Uri(link);
        var page = await browser.GetStringAsync(uri.PathAndQuery);
        var query = Query(uri);
        return await browser.PostFormAsync(uri.AbsolutePath,
            [("__csrf", Csrf(page)), ("user", query["user"]), ("kind", query["kind"]), ("token", query["token"]), ("password", password), ("confirm", confirm ?? password)]);
    }

    [GeneratedRegex("name=\"__csrf\" value=\"([^\"]+)\"")]
    private static partial Regex CsrfField();
}

/// <summary>One Identity per test class; tests in a class use their own clients or users where they change state.</summary>
public sealed class IdentityServerFixture : IAsyncLifetime
{
    public IdentityServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await IdentityServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
