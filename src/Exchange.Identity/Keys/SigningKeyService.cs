using System.Security.Cryptography;
using Exchange.Core.Data;
using Exchange.Core.Identity;
using Exchange.Identity.Configuration;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Exchange.Identity.Keys;

/// <summary>
/// The ES256 signing keys. They live in <c>signing_keys</c> with the private key encrypted by data
/// protection, so every Identity node signs with the same keys. Keys are created on demand: the
/// first when none signs, the next one <see cref="IdentityServerOptions.SigningKeyPrePublish"/>
/// before the current one retires, so relying parties see it in the JWKS before any token uses it.
/// </summary>
public sealed class SigningKeyService(
    IServiceScopeFactory scopes,
    IDataProtectionProvider dataProtection,
    TimeProvider clock,
    IOptions<IdentityServerOptions> options,
    ILogger<SigningKeyService> logger)
{
    public const string Algorithm = SecurityAlgorithms.EcdsaSha256;

    /// <summary>How long a node trusts its cached copy of the table before it looks for keys other nodes made.</summary>
    private static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(1);

    private readonly IDataProtector _protector = dataProtection.CreateProtector("Exchange.Identity.SigningKeys.v1");
    private readonly SemaphoreSlim _lock = new(1, 1);
    private Snapshot? _snapshot;

    public sealed record LoadedKey(SigningKey Row, ECDsaSecurityKey Key);

    private sealed record Snapshot(DateTime LoadedAt, IReadOnlyList<LoadedKey> Keys);

    /// <summary>The key to sign with now.</summary>
    public async Task<SigningCredentials> GetSigningCredentialsAsync(CancellationToken cancellationToken = default)
    {
        var snapshot = await CurrentAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var active = ActiveKey(snapshot.Keys, now) ?? throw new InvalidOperationException("No signing key is active.");
        return new SigningCredentials(active.Key, Algorithm);
    }

    /// <summary>Every key a relying party may meet: the active one, the announced next one, and retired ones whose tokens may live.</summary>
    public async Task<IReadOnlyList<LoadedKey>> GetPublishedKeysAsync(CancellationToken cancellationToken = default)
    {
        var snapshot = await CurrentAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        return snapshot.Keys.Where(k => k.Row.ExpiresAt > now).OrderBy(k => k.Row.ActivatesAt).ToList();
    }

    private static LoadedKey? ActiveKey(IEnumerable<LoadedKey> keys, DateTime now) =>
        keys.Where(k => k.Row.ActivatesAt <= now && k.Row.RetiresAt > now)
            .OrderByDescending(k => k.Row.ActivatesAt)
            .ThenBy(k => k.Row.KeyId, StringComparer.Ordinal)
            .FirstOrDefault();

    private bool IsCurrent(Snapshot? snapshot, DateTime now)
    {
        if (snapshot == null || now - snapshot.LoadedAt >= CacheFor || now < snapshot.LoadedAt)
        {
            return false;
        }

        var active = ActiveKey(snapshot.Keys, now);
        return active != null && !NeedsSuccessor(snapshot.Keys, active, now);
    }

    private bool NeedsSuccessor(IReadOnlyList<LoadedKey> keys, LoadedKey active, DateTime now) =>
        active.Row.RetiresAt - options.Value.SigningKeyPrePublish <= now
        && !keys.Any(k => k.Row.ActivatesAt > active.Row.ActivatesAt);

    private async Task<Snapshot> CurrentAsync(CancellationToken cancellationToken)
    {
        var snapshot = _snapshot;
        if (IsCurrent(snapshot, clock.GetUtcNow().UtcDateTime))
        {
            return snapshot!;
        }

        await _lock.WaitAsync(cancellationToken);
        try
        {
            var now = clock.GetUtcNow().UtcDateTime;
            if (IsCurrent(_snapshot, now))
            {
                return _snapshot!;
            }

            _snapshot = await LoadAndRotateAsync(now, cancellationToken);
            return _snapshot;
        }
        finally
        {
            _lock.Release();
        }
    }

    private async Task<Snapshot> LoadAndRotateAsync(DateTime now, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ExchangeDbContext>();
        var rows = await db.SigningKeys.AsNoTracking().Where(k => k.ExpiresAt > now).ToListAsync(cancellationToken);
        var keys = rows.Select(Load).OfType<LoadedKey>().ToList();

        var active = ActiveKey(keys, now);
        if (active == null)
        {
            // Nothing signs (first start, or the service was down past a whole key lifetime):
            // a key that signs at once is the only way to keep answering.
            keys.Add(await CreateAsync(db, now, now, cancellationToken));
        }
        else if (NeedsSuccessor(keys, active, now))
        {
            keys.Add(await CreateAsync(db, now, active.Row.RetiresAt, cancellationToken));
        }

        return new Snapshot(now, keys);
    }

    private async Task<LoadedKey> CreateAsync(ExchangeDbContext db, DateTime now, DateTime activatesAt, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var row = new SigningKey
        {
            KeyId = SecretHasher.NewSecret()[..22],
            Algorithm = Algorithm,
            ProtectedPrivateKey = _protector.Protect(Convert.ToBase64String(ecdsa.ExportPkcs8PrivateKey())),
            CreatedAt = now,
            ActivatesAt = activatesAt,
            RetiresAt = activatesAt + settings.SigningKeyLifetime,
            ExpiresAt = activatesAt + settings.SigningKeyLifetime + settings.SigningKeyRetention,
        };
        db.SigningKeys.Add(row);
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Created signing key {KeyId}, signing from {ActivatesAt:o} to {RetiresAt:o}", row.KeyId, row.ActivatesAt, row.RetiresAt);
        return Load(row) ?? throw new InvalidOperationException("A key just created cannot be read back.");
    }

    private LoadedKey? Load(SigningKey row)
    {
        if (row.Algorithm != Algorithm)
        {
            return null;
        }

        try
        {
            var ecdsa = ECDsa.Create();
            ecdsa.ImportPkcs8PrivateKey(Convert.FromBase64String(_protector.Unprotect(row.ProtectedPrivateKey)), out _);
            return new LoadedKey(row, new ECDsaSecurityKey(ecdsa) { KeyId = row.KeyId });
        }
        catch (CryptographicException ex)
        {
            // A key protected under a data-protection key ring this node cannot read is skipped,
            // not fatal: the other keys still sign and validate.
            logger.LogError(ex, "Signing key {KeyId} cannot be decrypted and is skipped", row.KeyId);
            return null;
        }
    }

    /// <summary>The public JWK of a key: public parameters only, with kid, alg and use.</summary>
    public static Dictionary<string, string> PublicJwk(LoadedKey key)
    {
        var parameters = key.Key.ECDsa.ExportParameters(includePrivateParameters: false);
        return new Dictionary<string, string>
        {
            ["kty"] = "EC",
            ["use"] = "sig",
            ["kid"] = key.Row.KeyId,
            ["alg"] = Algorithm,
            ["crv"] = "P-256",
            ["x"] = Base64UrlEncoder.Encode(parameters.Q.X),
            ["y"] = Base64UrlEncoder.Encode(parameters.Q.Y),
        };
    }
}
