using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Exchange.Core.Data;
using Exchange.Core.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Core;
using OpenIddict.EntityFrameworkCore.Models;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Exchange.Identity.Server;

/// <summary>
/// OpenIddict's view of our clients. <c>oauth_clients</c> stays the exchange's table of clients
/// (member, roles, first-party, secret hashes with a rotation overlap, active flag): the admin API,
/// the demo seed and the portal registration write there, as before. OpenIddict's application rows
/// are a projection of it, brought up to date whenever OpenIddict looks a client up, so a change
/// (a new client, a rotated secret, a deactivation) is seen at once on every node and existing
/// clients carried over without a data step (decision 0101).
/// <para>
/// Secrets stay as they are stored today: SHA-256 of 256-bit random values, compared in constant
/// time, the previous secret accepted until its overlap ends. A slow password hash buys nothing for
/// secrets nobody chose, and would make every token request cost tens of milliseconds of CPU.
/// </para>
/// </summary>
public sealed class ClientApplications(
    IOpenIddictApplicationCache<OpenIddictEntityFrameworkCoreApplication> cache,
    ILogger<OpenIddictApplicationManager<OpenIddictEntityFrameworkCoreApplication>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictApplicationStore<OpenIddictEntityFrameworkCoreApplication> store,
    ExchangeDbContext db,
    TimeProvider clock)
    : OpenIddictApplicationManager<OpenIddictEntityFrameworkCoreApplication>(cache, logger, options, store)
{
    private const string FingerprintProperty = "exchange_fingerprint";

    public override async ValueTask<OpenIddictEntityFrameworkCoreApplication?> FindByClientIdAsync(string identifier, CancellationToken cancellationToken = default)
    {
        var client = identifier.Length <= 100
            ? await db.OAuthClients.AsNoTracking().SingleOrDefaultAsync(c => c.ClientId == identifier, cancellationToken)
            : null;
        var application = await base.FindByClientIdAsync(identifier, cancellationToken);
        if (client is not { IsActive: true })
        {
            // Unknown or deactivated: OpenIddict sees no such client.
            return null;
        }

        var descriptor = Describe(client);
        if (application == null)
        {
            try
            {
                return await CreateAsync(descriptor, cancellationToken);
            }
            catch (Exception ex) when (ex is DbUpdateException or OpenIddictExceptions.ConcurrencyException)
            {
                // Another request projected the same client first.
                db.ChangeTracker.Clear();
                return await base.FindByClientIdAsync(identifier, cancellationToken);
            }
        }

        var properties = await GetPropertiesAsync(application, cancellationToken);
        if (properties.TryGetValue(FingerprintProperty, out var stored) && stored.ValueKind == JsonValueKind.String
            && stored.GetString() == Fingerprint(client))
        {
            return application;
        }

        try
        {
            await UpdateAsync(application, descriptor, cancellationToken);
        }
        catch (OpenIddictExceptions.ConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return await base.FindByClientIdAsync(identifier, cancellationToken);
        }

        return application;
    }

    /// <summary>The current secret, or the previous one during its overlap.</summary>
    public override async ValueTask<bool> ValidateClientSecretAsync(
        OpenIddictEntityFrameworkCoreApplication application, string secret, CancellationToken cancellationToken = default)
    {
        var clientId = await GetClientIdAsync(application, cancellationToken);
        var client = clientId == null ? null : await db.OAuthClients.AsNoTracking().SingleOrDefaultAsync(c => c.ClientId == clientId, cancellationToken);
        if (client is not { IsActive: true })
        {
            SecretHasher.Verify(secret, SecretHasher.Hash("no client has this secret"));
            return false;
        }

        var current = SecretHasher.Verify(secret, client.SecretHash);
        var previous = client.PreviousSecretHash != null
            && client.PreviousSecretExpiresAt > clock.GetUtcNow().UtcDateTime
            && SecretHasher.Verify(secret, client.PreviousSecretHash);
        return current | previous;
    }

    /// <summary>The descriptor carries our stored hash already: it is kept as it is.</summary>
    protected override ValueTask<string> ObfuscateClientSecretAsync(string secret, CancellationToken cancellationToken = default) => ValueTask.FromResult(secret);

    /// <summary>What OpenIddict must know of a client: type, grants, endpoints, scopes, addresses, PKCE.</summary>
    private static OpenIddictApplicationDescriptor Describe(OAuthClient client)
    {
        var userFlow = client.AllowedGrantTypes.Contains(Exchange.Core.Identity.GrantTypes.AuthorizationCode);
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = client.ClientId,
            DisplayName = client.DisplayName,
            ClientType = client.Type == ClientType.Public ? ClientTypes.Public : ClientTypes.Confidential,
            // A client with keys has no secret at all: a secret sent by it is refused, not compared.
            ClientSecret = client.Type == ClientType.Public || client.JsonWebKeySet != null ? null : client.SecretHash ?? SecretHasher.Hash(SecretHasher.NewSecret()),
            JsonWebKeySet = client.JsonWebKeySet == null ? null : JsonWebKeySet.Create(client.JsonWebKeySet),
            ConsentType = client.FirstParty ? ConsentTypes.Implicit : ConsentTypes.Explicit,
            ApplicationType = userFlow ? ApplicationTypes.Web : null,
        };
        descriptor.Properties[FingerprintProperty] = JsonSerializer.SerializeToElement(Fingerprint(client));

        if (client.Type != ClientType.Public)
        {
            descriptor.Permissions.Add(Permissions.Endpoints.Introspection);
            descriptor.Permissions.Add(Permissions.Endpoints.Revocation);
        }

        descriptor.Permissions.Add(Permissions.Endpoints.Token);
        foreach (var grant in client.AllowedGrantTypes)
        {
            descriptor.Permissions.Add(Permissions.Prefixes.GrantType + grant);
        }

        foreach (var scope in client.AllowedScopes.Where(s => s != ProtocolPaths.OpenId))
        {
            descriptor.Permissions.Add(Permissions.Prefixes.Scope + scope);
        }

        if (userFlow)
        {
            descriptor.Permissions.Add(Permissions.Endpoints.Authorization);
            descriptor.Permissions.Add(Permissions.Endpoints.EndSession);
            descriptor.Permissions.Add(Permissions.ResponseTypes.Code);
            descriptor.Requirements.Add(Requirements.Features.ProofKeyForCodeExchange);
            foreach (var uri in client.RedirectUris)
            {
                descriptor.RedirectUris.Add(new Uri(uri));
            }

            foreach (var uri in client.PostLogoutRedirectUris)
            {
                descriptor.PostLogoutRedirectUris.Add(new Uri(uri));
            }
        }

        return descriptor;
    }

    /// <summary>Changes whenever anything OpenIddict reads of the client changes.</summary>
    private static string Fingerprint(OAuthClient client) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new object?[]
        {
            client.DisplayName, client.Type.ToString(), client.SecretHash, client.JsonWebKeySet, client.FirstParty, client.AllowedGrantTypes,
            client.AllowedScopes, client.RedirectUris, client.PostLogoutRedirectUris,
        }))));
}
