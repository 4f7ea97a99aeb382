using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Exchange.Core.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Exchange.Core.Hosting;

/// <summary>
/// The data-protection key ring: one ring in the exchange database for every node of every
/// service (cookies, signing keys and webhook secrets are protected with it), its keys encrypted
/// at rest by a certificate in Production.
/// </summary>
public sealed class KeyRingOptions
{
    public const string Section = "Exchange:DataProtection";

    /// <summary>A PKCS#12 file whose certificate encrypts each key's XML before it is stored. Required in Production.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PKCS#12 file's password; a secret, from the environment.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>Certificates that encrypted earlier keys (each opened with <see cref="CertificatePassword"/>), kept so those keys stay readable after the certificate is replaced.</summary>
    public List<string> PreviousCertificatePaths { get; set; } = [];
}

public static class KeyRing
{
    public static void AddExchangeKeyRing(this IServiceCollection services, KeyRingCertificate certificate)
    {
        var dataProtection = services.AddDataProtection()
            .SetApplicationName("exchange")
            .PersistKeysToDbContext<ExchangeDbContext>();
        if (certificate.Current is { } current)
        {
            dataProtection.ProtectKeysWithCertificate(current);
            dataProtection.UnprotectKeysWithAnyCertificate([current, .. certificate.Previous]);
        }

        services.AddSingleton(certificate);
    }

    /// <summary>
    /// Makes sure the ring has a key that is usable now, before any service starts. Called by the
    /// migration step: services that start together on an empty database would otherwise each
    /// create a key of their own within milliseconds and protect with keys the others had not yet read.
    /// </summary>
    public static void EnsureCurrentKey(IServiceProvider services, TimeProvider clock)
    {
        var keys = services.GetRequiredService<IKeyManager>();
        var now = clock.GetUtcNow();
        var lifetime = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<KeyManagementOptions>>().Value.NewKeyLifetime;
        // A key made ahead of time covers the start of the next period too, as the ring's own policy does.
        var usable = keys.GetAllKeys().Any(k => !k.IsRevoked && k.ActivationDate <= now && k.ExpirationDate > now + TimeSpan.FromDays(2));
        if (!usable)
        {
            keys.CreateNewKey(now, now + lifetime);
        }
    }
}

/// <summary>The certificates read from <see cref="KeyRingOptions"/>, or why they could not be read.</summary>
public sealed class KeyRingCertificate
{
    public X509Certificate2? Current { get; private init; }
    public X509Certificate2[] Previous { get; private init; } = [];
    public string? Problem { get; private init; }

    public static KeyRingCertificate Load(IConfiguration configuration)
    {
        var options = configuration.GetSection(KeyRingOptions.Section).Get<KeyRingOptions>() ?? new KeyRingOptions();
        if (string.IsNullOrWhiteSpace(options.CertificatePath))
        {
            return new KeyRingCertificate();
        }

        try
        {
            return new KeyRingCertificate
            {
                Current = LoadOne(options.CertificatePath, options.CertificatePassword, requirePrivateKey: true),
                Previous = options.PreviousCertificatePaths.Select(p => LoadOne(p, options.CertificatePassword, requirePrivateKey: true)).ToArray(),
            };
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            // The exception names the file's problem, never the password.
            return new KeyRingCertificate { Problem = $"{KeyRingOptions.Section}:CertificatePath cannot be used ({ex.Message})" };
        }
    }

    private static X509Certificate2 LoadOne(string path, string? password, bool requirePrivateKey)
    {
        var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.EphemeralKeySet);
        if (requirePrivateKey && !certificate.HasPrivateKey)
        {
            throw new InvalidOperationException("the file holds no private key, so the keys it encrypts could not be read back");
        }

        return certificate;
    }
}
