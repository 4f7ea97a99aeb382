using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Exchange.Testing;

/// <summary>
/// A self-signed certificate made for this test run, written as a PKCS#12 file, for the settings
/// that Production requires a certificate for (the data-protection key ring's encryption).
/// </summary>
public static class TestCertificates
{
    private static readonly Lazy<(string Path, string Password)> KeyRing = new(() => Create("exchange-key-ring"));

    public static string KeyRingPath => KeyRing.Value.Path;
    public static string KeyRingPassword => KeyRing.Value.Password;

    /// <summary>The environment a service needs in Production to encrypt its key ring with the test certificate.</summary>
    public static Dictionary<string, string> KeyRingEnvironment => new()
    {
        ["Exchange__DataProtection__CertificatePath"] = KeyRingPath,
        ["Exchange__DataProtection__CertificatePassword"] = KeyRingPassword,
    };

    public static (string Path, string Password) Create(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "exchange-tests");
        Directory.CreateDirectory(folder);
        var path = System.IO.Path.Combine(folder, $"{name}-{Guid.NewGuid():N}.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, password));
        return (path, password);
    }
}
