using System.Security.Cryptography;
using Exchange.Core.Data;
using Exchange.Core.Identity;
using Exchange.Identity.Configuration;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.IdentityModel.Tokens;

namespace Exchange.Identity.Keys;

/// <summary>
/// The ES256 signing keys, ours because OpenIddict has no key store. They live in <c>signing_keys</c>
/// with the private key encrypted by data protection (whose key ring is itself in the database), so
/// every Identity node signs and validates with the same keys. The first key is made when none
/// signs; the next one <see cref="IdentityServerOptions.SigningKeyPrePublish"/> before the current
/// one retires, so relying parties see it in the JWKS before any token uses it; a retired key stays
/// published until every token it signed has expired.
/// <para>
/// OpenIddict reads its signing credentials from its options, which are built once. This store is
/// the source of those credentials (<see cref="SigningCredentialsConfiguration"/>) and raises a
/// change token whenever the set of keys changes, so <c>IOptionsMonitor</c> rebuilds OpenIddict's
/// options: every node follows a rotation, its own or another node's, without a restart.
/// </para>
/// </summary>
public sealed class SigningKeyStore(
    IServiceScopeFactory scopes,
    IDataProtectionProvider dataProtection,
    TimeProvider clock,
    IOptions<IdentityServerOptions> options,
    ILogger<SigningKeyStore> logger)
{
    public const string Algorithm = SecurityAlgorithms.EcdsaSha256;

    private readonly IDataProtector _protector = dataProtection.CreateProtector("Exchange.Identity.SigningKeys.v1");
    private readonly SemaphoreSlim _lock = new(1, 1);
    private Snapshot? _snapshot;
    private CancellationTokenSource _changed = new();

    public sealed record LoadedKey(SigningKey Row, ECDsaSecurityKey Key);

    /// <summary>The keys as last loaded: the one that signs now, and every key a relying party may meet.</summary>
    public sealed record Snapshot(DateTime LoadedAt, LoadedKey Active, IReadOnlyList<LoadedKey> Published)
    {
        public string Fingerprint { get; } = Active.Row.KeyId + "|" + string.Join(',', Published.Select(k => k.Row.KeyId));
    }

    /// <summary>The keys as last loaded, or null before the first load.</summary>
    public Snapshot? Current => _snapshot;

    /// <summary>Fires when the keys change; OpenIddict's options are rebuilt from <see cref="Current"/>.</summary>
    public IChangeToken ChangeToken => new CancellationChangeToken(_changed.Token);

    /// <summary>
    /// Loads the keys if the copy is older than a minute or a rotation is due, creating the first or
    /// the next key when needed. Called on the way into every protocol request (cheap when current).
    /// </summary>
    public async Task<Snapshot> EnsureCurrentAsync(CancellationToken cancellationToken = default)
    {
        var snapshot = _snapshot;
        if (IsCurrent(snapshot, clock.GetUtcNow().UtcDateTime))
        {
            return snapshot!;
        }

        CancellationTokenSource? changed = null;
        Snapshot loaded;
        await _lock.WaitAsync(cancellationToken);
        try
        {
            var now = clock.GetUtcNow().UtcDateTime;
            if (IsCurrent(_snapshot, now))
            {
                return _snapshot!;
            }

            var previous = _snapshot;
            loaded = await LoadAndRotateAsync(now, cancellationToken);
            _snapshot = loaded;
            if (previous?.Fingerprint != loaded.Fingerprint)
            {
                changed = _changed;
                _changed = new CancellationTokenSource();
            }
        }
        finally
        {
            _lock.Release();
        }

        // Outside the lock: listeners rebuild OpenIddict's options, which read Current.
        if (changed != null)
        {
            changed.Cancel();
            changed.Dispose();
        }

        return loaded;
    }

    private static LoadedKey? ActiveKey(IEnumerable<LoadedKey> keys, DateTime now) =>
        keys.Where(k => k.Row.ActivatesAt <= now && k.Row.RetiresAt > now)
            .OrderByDescending(k => k.Row.ActivatesAt)
            .ThenBy(k => k.Row.KeyId, StringComparer.Ordinal)
            .FirstOrDefault();

    private bool IsCurrent(Snapshot? snapshot, DateTime now)
    {
        if (snapshot == null || now - snapshot.LoadedAt >= options.Value.SigningKeyRefresh || now < snapshot.LoadedAt)
        {
            return false;
        }

        var active = ActiveKey(snapshot.Published, now);
        return active != null && active.Row.KeyId == snapshot.Active.Row.KeyId && !NeedsSuccessor(snapshot.Published, active, now)
            && snapshot.Published.All(k => k.Row.ExpiresAt > now);
    }

    private bool NeedsSuccessor(IReadOnlyList<LoadedKey> keys, LoadedKey active, DateTime now) =>
        active.Row.RetiresAt - options.Value.SigningKeyPrePublish <= now
        && !keys.Any(k => k.Row.ActivatesAt > active.Row.ActivatesAt);

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
            active = await CreateAsync(db, now, now, cancellationToken);
            keys.Add(active);
        }
        else if (NeedsSuccessor(keys, active, now))
        {
            keys.Add(await CreateAsync(db, now, active.Row.RetiresAt, cancellationToken));
        }

        return new Snapshot(now, active, keys.OrderBy(k => k.Row.ActivatesAt).ThenBy(k => k.Row.KeyId, StringComparer.Ordinal).ToList());
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
}
