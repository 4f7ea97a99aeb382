using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Exchange.Portal.Auth;

/// <summary>
/// The identity provider's discovery document and signing keys, fetched on first use and
/// refreshed periodically, so the portal needs only the authority in configuration and follows
/// key rotation on its own.
/// </summary>
public sealed class IdentityProviderMetadata
{
    public const string HttpClientName = "identity";

    private readonly ConfigurationManager<OpenIdConnectConfiguration> _manager;

    public IdentityProviderMetadata(IOptions<PortalAuthOptions> options, IHttpClientFactory httpClients)
    {
        var authority = options.Value.Authority.TrimEnd('/');
        var requireHttps = options.Value.RequireHttpsMetadata && !IsLoopback(authority);
        _manager = new ConfigurationManager<OpenIdConnectConfiguration>(
            authority + "/.well-known/openid-configuration",
            new OpenIdConnectConfigurationRetriever(),
            new HttpDocumentRetriever(httpClients.CreateClient(HttpClientName)) { RequireHttps = requireHttps })
        {
            AutomaticRefreshInterval = TimeSpan.FromHours(1),
            RefreshInterval = TimeSpan.FromSeconds(30),
        };
    }

    public Task<OpenIdConnectConfiguration> GetAsync(CancellationToken cancellationToken = default) =>
        _manager.GetConfigurationAsync(cancellationToken);

    /// <summary>After a signature failure: an unknown key may be a rotation, so look again (rate-limited by RefreshInterval).</summary>
    public void RequestRefresh() => _manager.RequestRefresh();

    private static bool IsLoopback(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.IsLoopback;
}
