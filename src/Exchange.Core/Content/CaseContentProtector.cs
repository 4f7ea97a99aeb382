using System.Security.Cryptography;
using System.Text;

namespace Exchange.Core.Content;

/// <summary>
/// The one place case content is encrypted and decrypted (decision 0006). Each case has a random
/// 256-bit data key; each stored value is AES-GCM ciphertext under it, bound (associated data) to
/// the case id and the column (and the field name or note id), so a ciphertext moved to another
/// case, column, field or note fails to decrypt. Data keys are stored wrapped by a key-encryption
/// key from <see cref="KeyEncryptionKeys"/>, bound to the case id and that key's id.
/// Stored form of a value: base64 of [format 1][nonce 12][tag 16][ciphertext].
/// </summary>
public sealed class CaseContentProtector(KeyEncryptionKeys keks)
{
    private const byte Format = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public KeyEncryptionKeys Keks { get; } = keks;

    public static byte[] NewDataKey() => RandomNumberGenerator.GetBytes(32);

    /// <summary>Wraps a data key with the current key-encryption key.</summary>
    public (string KekId, byte[] Wrapped) Wrap(Guid caseId, byte[] dataKey)
    {
        var (kekId, kek) = Keks.Current();
        return (kekId, Wrap(caseId, dataKey, kekId, kek));
    }

    public static byte[] Wrap(Guid caseId, byte[] dataKey, string kekId, byte[] kek)
    {
        var nonce = RandomNumberGenerator.GetBytes(NonceSize);
        var tag = new byte[TagSize];
        var cipher = new byte[dataKey.Length];
        using var aes = new AesGcm(kek, TagSize);
        aes.Encrypt(nonce, dataKey, cipher, tag, WrapContext(caseId, kekId));
        return [.. nonce, .. tag, .. cipher];
    }

    /// <summary>The data key, or an exception when its key-encryption key is gone or the wrapped key was altered.</summary>
    public byte[] Unwrap(Guid caseId, string kekId, byte[] wrapped)
    {
        var kek = Keks.Get(kekId);
        return Unwrap(caseId, wrapped, kekId, kek);
    }

    public static byte[] Unwrap(Guid caseId, byte[] wrapped, string kekId, byte[] kek)
    {
        if (wrapped.Length != NonceSize + TagSize + 32)
        {
            throw new CaseContentIntegrityException(caseId, "data key");
        }

        var key = new byte[32];
        try
        {
            using var aes = new AesGcm(kek, TagSize);
            aes.Decrypt(wrapped.AsSpan(0, NonceSize), wrapped.AsSpan(NonceSize + TagSize), wrapped.AsSpan(NonceSize, TagSize), key, WrapContext(caseId, kekId));
        }
        catch (CryptographicException)
        {
            throw new CaseContentIntegrityException(caseId, "data key");
        }

        return key;
    }

    public static string Seal(byte[] dataKey, Guid caseId, string purpose, string plaintext)
    {
        var plain = Encoding.UTF8.GetBytes(plaintext);
        var output = new byte[1 + NonceSize + TagSize + plain.Length];
        output[0] = Format;
        var nonce = output.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(dataKey, TagSize);
        aes.Encrypt(nonce, plain, output.AsSpan(1 + NonceSize + TagSize), output.AsSpan(1 + NonceSize, TagSize), ValueContext(caseId, purpose));
        CryptographicOperations.ZeroMemory(plain);
        return Convert.ToBase64String(output);
    }

    /// <summary>The plaintext, or <see cref="CaseContentIntegrityException"/> when the value was altered or belongs elsewhere.</summary>
    public static string Open(byte[] dataKey, Guid caseId, string purpose, string stored)
    {
        try
        {
            var input = Convert.FromBase64String(stored);
            if (input.Length < 1 + NonceSize + TagSize || input[0] != Format)
            {
                throw new CaseContentIntegrityException(caseId, purpose);
            }

            var plain = new byte[input.Length - 1 - NonceSize - TagSize];
            using var aes = new AesGcm(dataKey, TagSize);
            aes.Decrypt(input.AsSpan(1, NonceSize), input.AsSpan(1 + NonceSize + TagSize), input.AsSpan(1 + NonceSize, TagSize), plain, ValueContext(caseId, purpose));
            return Encoding.UTF8.GetString(plain);
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException)
        {
            throw new CaseContentIntegrityException(caseId, purpose);
        }
    }

    private static byte[] WrapContext(Guid caseId, string kekId) => Encoding.UTF8.GetBytes($"exchange/case-data-key/{caseId:N}/{kekId}");

    private static byte[] ValueContext(Guid caseId, string purpose) => Encoding.UTF8.GetBytes($"exchange/case-content/{caseId:N}/{purpose}");
}

/// <summary>A stored ciphertext did not authenticate: altered, or moved from another case, column, field or note. Names ids only.</summary>
public sealed class CaseContentIntegrityException(Guid caseId, string purpose)
    : Exception($"Stored content of case {caseId} ({purpose}) failed authentication; it was altered or belongs elsewhere.")
{
    public Guid CaseId { get; } = caseId;
}
