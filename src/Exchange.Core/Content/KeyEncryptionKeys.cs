using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Exchange.Core.Content;

/// <summary>
/// The key-encryption keys (KEKs) of case content: 256-bit keys, one file each in a directory
/// outside the database (<see cref="ContentKeyOptions.Directory"/>). A file holds the key itself
/// or, when a certificate is configured (Production's data-protection certificate), the key
/// encrypted to that certificate (RSA-OAEP-SHA256). Ids sort by creation time; the newest key
/// wraps new data keys. Destroying a key overwrites and deletes its file, and drops it from this
/// node's memory; other nodes forget it within <see cref="ContentKeyOptions.CacheFor"/>.
/// </summary>
public sealed class KeyEncryptionKeys : IDisposable
{
    private const string Extension = ".kek";
    private const byte RawFormat = 1;
    private const byte CertificateFormat = 2;
    private static readonly TimeSpan CurrentCacheFor = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, (byte[] Key, DateTime LoadedAt)> _cache = new(StringComparer.Ordinal);
    private readonly X509Certificate2? _certificate;
    private readonly X509Certificate2[] _readers;
    private readonly TimeProvider _clock;
    private readonly TimeSpan _cacheFor;
    private readonly object _createLock = new();
    private readonly ITimer? _sweeper;
    private (string Id, byte[] Key, DateTime LoadedAt)? _current;

    /// <param name="directory">The key directory; null where none is configured (a service that never reads case content), and then every use fails.</param>
    public KeyEncryptionKeys(string? directory, X509Certificate2? certificate, IEnumerable<X509Certificate2> previousCertificates, TimeProvider clock, TimeSpan cacheFor)
    {
        _directory = directory is null ? null : Path.GetFullPath(directory);
        _certificate = certificate;
        _readers = [.. certificate is null ? [] : new[] { certificate }, .. previousCertificates];
        _clock = clock;
        _cacheFor = cacheFor;
        // Keys leave memory on their own, used or not: a key destroyed by another node's rotation
        // is gone from this one within twice the cache time.
        if (cacheFor > TimeSpan.Zero)
        {
            _sweeper = clock.CreateTimer(_ => Sweep(), null, cacheFor, cacheFor);
        }
    }

    public void Dispose() => _sweeper?.Dispose();

    private void Sweep()
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        foreach (var (id, entry) in _cache)
        {
            if (now - entry.LoadedAt >= _cacheFor)
            {
                _cache.TryRemove(id, out _);
            }
        }

        if (_current is { } current && now - current.LoadedAt >= CurrentCacheFor)
        {
            _current = null;
        }
    }

    private readonly string? _directory;

    public string Directory => _directory
        ?? throw new InvalidOperationException($"{ContentKeyOptions.Section}:Directory is not configured, and this service needs the keys that encrypt case content.");

    /// <summary>The ids of the keys in the directory, oldest first.</summary>
    public IReadOnlyList<string> Ids()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }

        return System.IO.Directory.GetFiles(Directory, "*" + Extension)
            .Select(f => Path.GetFileNameWithoutExtension(f)!)
            .Where(IsId)
            .OrderBy(id => id, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The key new data keys are wrapped with: the newest in the directory (made if there is none).</summary>
    public (string Id, byte[] Key) Current()
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        if (_current is { } cached && now - cached.LoadedAt < CurrentCacheFor)
        {
            return (cached.Id, cached.Key);
        }

        var ids = Ids();
        var id = ids.Count > 0 ? ids[^1] : Create();
        var key = Read(id) ?? throw new KeyEncryptionKeyMissingException(id);
        _current = (id, key, now);
        return (id, key);
    }

    /// <summary>The key with this id, or an exception if it has been destroyed.</summary>
    public byte[] Get(string id)
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        if (_cache.TryGetValue(id, out var cached) && now - cached.LoadedAt < _cacheFor)
        {
            return cached.Key;
        }

        var key = Read(id);
        if (key is null)
        {
            _cache.TryRemove(id, out _);
            throw new KeyEncryptionKeyMissingException(id);
        }

        _cache[id] = (key, now);
        return key;
    }

    /// <summary>Makes a new key, which becomes the current one, and returns its id.</summary>
    public string Create()
    {
        lock (_createLock)
        {
            System.IO.Directory.CreateDirectory(Directory);
            var now = _clock.GetUtcNow().UtcDateTime;
            var id = "kek-" + now.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture) + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
            var key = RandomNumberGenerator.GetBytes(32);
            byte[] content;
            if (_certificate is not null)
            {
                using var rsa = _certificate.GetRSAPublicKey() ?? throw new InvalidOperationException("The data-protection certificate has no RSA key to protect content keys with.");
                content = [CertificateFormat, .. _certificate.GetCertHash(HashAlgorithmName.SHA256), .. rsa.Encrypt(key, RSAEncryptionPadding.OaepSHA256)];
            }
            else
            {
                content = [RawFormat, .. key];
            }

            // Written under a temporary name and moved, so no node ever reads half a key.
            var path = PathOf(id);
            var temporary = path + ".tmp-" + Environment.ProcessId;
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                }

                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path);
            _current = (id, key, now);
            return id;
        }
    }

    /// <summary>Overwrites the key's file with zeros, deletes it, and forgets the key on this node.</summary>
    public void Destroy(string id)
    {
        var path = PathOf(id);
        if (File.Exists(path))
        {
            var length = new FileInfo(path).Length;
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.None))
            {
                stream.Write(new byte[length]);
                stream.Flush(flushToDisk: true);
            }

            File.Delete(path);
        }

        _cache.TryRemove(id, out _);
        if (_current is { } current && current.Id == id)
        {
            _current = null;
        }
    }

    public static bool IsId(string id) => id.StartsWith("kek-", StringComparison.Ordinal) && id.Length <= 64
        && id.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    private string PathOf(string id) => IsId(id) ? Path.Combine(Directory, id + Extension) : throw new ArgumentException("Not a key-encryption key id.", nameof(id));

    private byte[]? Read(string id)
    {
        byte[] content;
        try
        {
            content = File.ReadAllBytes(PathOf(id));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        switch (content.Length > 0 ? content[0] : (byte)0)
        {
            case RawFormat when content.Length == 33:
                return content[1..];
            case CertificateFormat when content.Length > 33:
                var thumbprint = content[1..33];
                var reader = _readers.FirstOrDefault(c => c.GetCertHash(HashAlgorithmName.SHA256).AsSpan().SequenceEqual(thumbprint))
                    ?? throw new CryptographicException($"Key-encryption key {id} is protected by a certificate that is not configured.");
                using (var rsa = reader.GetRSAPrivateKey() ?? throw new CryptographicException("The certificate has no RSA private key."))
                {
                    return rsa.Decrypt(content[33..], RSAEncryptionPadding.OaepSHA256);
                }

            default:
                throw new CryptographicException($"Key-encryption key {id} is not in a format this version reads.");
        }
    }
}

/// <summary>A data key is wrapped by a key-encryption key that no longer exists: its content cannot be read.</summary>
public sealed class KeyEncryptionKeyMissingException(string id)
    : Exception($"Key-encryption key {id} does not exist (destroyed by a rotation, or the key directory is not the one the database was written with).")
{
    public string KekId { get; } = id;
}
