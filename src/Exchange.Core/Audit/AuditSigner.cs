using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Exchange.Core.Audit;

/// <summary>Where the audit sequencer's signing key lives and how the sequencer paces itself (decision 0208).</summary>
public sealed class AuditOptions
{
    public const string Section = "Exchange:Audit";
    public const string DevelopmentSigningKeyPath = "data/audit-signing-key.pem";

    /// <summary>
    /// A PEM file with the ECDSA P-256 private key (PKCS#8) that signs checkpoints; required in
    /// Production for Jobs, made on first use elsewhere. Only Jobs reads it: the public key is published
    /// in the database and by <c>GET /api/v1/audit/checkpoints/latest</c>.
    /// </summary>
    public string? SigningKeyPath { get; set; }

    /// <summary>How often an idle sequencer looks for new entries.</summary>
    public TimeSpan SealInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How many entries one sealed batch (and one checkpoint) takes at most.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>How long the leader's lease lasts without renewal; another node takes over after it.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// Signs and verifies checkpoints with an ECDSA P-256 key. The key id is the first 32 hex digits of the
/// SHA-256 of the public key's SubjectPublicKeyInfo, so an auditor can tell which key signed.
/// </summary>
public sealed class AuditSigner : IDisposable
{
    private readonly ECDsa _key;

    private AuditSigner(ECDsa key)
    {
        _key = key;
        var spki = key.ExportSubjectPublicKeyInfo();
        KeyId = Convert.ToHexStringLower(SHA256.HashData(spki))[..32];
        PublicKeyPem = key.ExportSubjectPublicKeyInfoPem();
    }

    public string KeyId { get; }
    public string PublicKeyPem { get; }

    /// <summary>
    /// Reads the key at <paramref name="path"/>; when it does not exist and <paramref name="create"/>
    /// (not Production), makes one, readable by its owner only. Two processes starting together make
    /// one key: the file is created exclusively and the loser reads the winner's.
    /// </summary>
    public static AuditSigner Load(string path, bool create)
    {
        if (!File.Exists(path) && create)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            using var fresh = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var pem = fresh.ExportPkcs8PrivateKeyPem();
            try
            {
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }

                using var stream = new FileStream(path, options);
                stream.Write(Encoding.ASCII.GetBytes(pem));
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process made it first: use theirs.
            }
        }

        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(path));
            if (key.KeySize != 256)
            {
                throw new CryptographicException("The audit signing key must be an ECDSA P-256 key.");
            }
        }
        catch
        {
            key.Dispose();
            throw;
        }

        return new AuditSigner(key);
    }

    /// <summary>What a checkpoint's signature covers: a fixed label, the sequence, the head hash and the time.</summary>
    public static string Statement(long sequence, string headHash, DateTime signedAt) =>
        string.Create(CultureInfo.InvariantCulture,
            $"exchange-audit-checkpoint/v1\n{sequence}\n{headHash}\n{signedAt.ToUniversalTime():yyyy-MM-ddTHH:mm:ss.ffffffZ}");

    public AuditCheckpoint Sign(long sequence, string headHash, DateTime signedAt) => new()
    {
        Sequence = sequence,
        HeadHash = headHash,
        SignedAt = signedAt,
        KeyId = KeyId,
        Signature = Convert.ToBase64String(_key.SignData(Encoding.UTF8.GetBytes(Statement(sequence, headHash, signedAt)), HashAlgorithmName.SHA256)),
    };

    /// <summary>True when the checkpoint was signed by the key whose public half is <paramref name="publicKeyPem"/>.</summary>
    public static bool Verify(string publicKeyPem, AuditCheckpoint checkpoint)
    {
        try
        {
            using var key = ECDsa.Create();
            key.ImportFromPem(publicKeyPem);
            return key.VerifyData(Encoding.UTF8.GetBytes(Statement(checkpoint.Sequence, checkpoint.HeadHash, checkpoint.SignedAt)),
                Convert.FromBase64String(checkpoint.Signature), HashAlgorithmName.SHA256);
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or ArgumentException)
        {
            return false;
        }
    }

    public void Dispose() => _key.Dispose();
}
