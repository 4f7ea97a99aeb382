using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;

namespace Exchange.Identity.Keys;

/// <summary>
/// Hands our signing keys to OpenIddict through its options, the way OpenIddict expects them to
/// change: <see cref="SigningKeyStore"/> raises a change token when the keys change, the options
/// monitor drops its copy, and the next request builds OpenIddict's options again from here.
/// The active key comes first (OpenIddict signs with the first credentials); the next key and the
/// retired ones follow, so they are published in the JWKS and accepted, but never sign.
/// </summary>
public sealed class SigningCredentialsConfiguration(SigningKeyStore store)
    : IConfigureOptions<OpenIddictServerOptions>, IPostConfigureOptions<OpenIddictServerOptions>, IOptionsChangeTokenSource<OpenIddictServerOptions>
{
    public string Name => Options.DefaultName;

    public IChangeToken GetChangeToken() => store.ChangeToken;

    public void Configure(OpenIddictServerOptions options)
    {
        // The key protocol middleware loads the keys before any request reaches OpenIddict; this
        // load only serves a first options build that comes before it (it fails closed: no key, no options).
        var snapshot = store.Current ?? store.EnsureCurrentAsync().GetAwaiter().GetResult();
        options.SigningCredentials.Add(Credentials(snapshot.Active));
        foreach (var key in snapshot.Published.Where(k => k.Row.KeyId != snapshot.Active.Row.KeyId))
        {
            options.SigningCredentials.Add(Credentials(key));
        }
    }

    /// <summary>OpenIddict sorts credentials by its own preference (all equal for our keys): the active key is put first again.</summary>
    public void PostConfigure(string? name, OpenIddictServerOptions options)
    {
        var active = options.SigningCredentials.FindIndex(c => c.Kid == store.Current?.Active.Row.KeyId);
        if (active > 0)
        {
            var credentials = options.SigningCredentials[active];
            options.SigningCredentials.RemoveAt(active);
            options.SigningCredentials.Insert(0, credentials);
        }
    }

    private static SigningCredentials Credentials(SigningKeyStore.LoadedKey key) => new(key.Key, SigningKeyStore.Algorithm);
}
