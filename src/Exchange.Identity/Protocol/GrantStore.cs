using System.Text.Json;
using Exchange.Core.Data;
using Exchange.Core.Identity;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Identity.Protocol;

/// <summary>What an authorization code or refresh token stands for; stored as JSON in persisted_grants.Data.</summary>
public sealed record GrantData
{
    public List<string> Scopes { get; init; } = [];
    public string? RedirectUri { get; init; }
    public string? CodeChallenge { get; init; }
    public string? Nonce { get; init; }
    public DateTime AuthTime { get; init; }
    public string? SessionId { get; init; }
    /// <summary>The user's security stamp when the grant was made: a password change ends the grant.</summary>
    public string? SecurityStamp { get; init; }
    /// <summary>The jti the code's first redemption uses, so a replay can revoke that access token.</summary>
    public string? AccessTokenJti { get; init; }
    /// <summary>The refresh family's absolute end, which sliding expiry never passes.</summary>
    public DateTime? AbsoluteExpiresAt { get; init; }
}

/// <summary>
/// Authorization codes and refresh tokens in persisted_grants, keyed by the SHA-256 of the handle
/// (the handle itself is never stored). Consuming is one conditional UPDATE, so of any number of
/// concurrent redemptions exactly one wins.
/// </summary>
public sealed class GrantStore(ExchangeDbContext db, TimeProvider clock)
{
    public const string CodeType = "authorization_code";
    public const string RefreshType = "refresh_token";

    public async Task<string> CreateAsync(string type, string clientId, string subjectId, Guid familyId, GrantData data, DateTime expiresAt, CancellationToken cancellationToken)
    {
        var handle = SecretHasher.NewSecret();
        db.PersistedGrants.Add(new PersistedGrant
        {
            KeyHash = SecretHasher.Hash(handle),
            Type = type,
            ClientId = clientId,
            SubjectId = subjectId,
            FamilyId = familyId,
            Data = JsonSerializer.Serialize(data),
            CreatedAt = clock.GetUtcNow().UtcDateTime,
            ExpiresAt = expiresAt,
        });
        await db.SaveChangesAsync(cancellationToken);
        return handle;
    }

    public Task<PersistedGrant?> FindAsync(string type, string handle, CancellationToken cancellationToken)
    {
        var hash = SecretHasher.Hash(handle);
        return db.PersistedGrants.AsNoTracking().SingleOrDefaultAsync(g => g.KeyHash == hash && g.Type == type, cancellationToken);
    }

    /// <summary>Marks a grant used; false when it was already used or revoked (by this or a concurrent request).</summary>
    public async Task<bool> TryConsumeAsync(PersistedGrant grant, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var updated = await db.PersistedGrants
            .Where(g => g.KeyHash == grant.KeyHash && g.ConsumedAt == null && g.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(g => g.ConsumedAt, now), cancellationToken);
        return updated == 1;
    }

    /// <summary>Revokes every code and refresh token of a family, and the access token a code's first use issued.</summary>
    public async Task RevokeFamilyAsync(PersistedGrant grant, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await db.PersistedGrants
            .Where(g => g.FamilyId == grant.FamilyId && g.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(g => g.RevokedAt, now), cancellationToken);
        if (Read(grant).AccessTokenJti is { } jti)
        {
            await RevokeAccessTokenAsync(jti, grant.ClientId, now.AddDays(1), cancellationToken);
        }
    }

    public async Task<bool> IsRevokedAsync(string keyHash, CancellationToken cancellationToken) =>
        await db.PersistedGrants.AnyAsync(g => g.KeyHash == keyHash && g.RevokedAt != null, cancellationToken);

    public async Task RevokeSubjectRefreshTokensAsync(string subjectId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await db.PersistedGrants
            .Where(g => g.SubjectId == subjectId && g.Type == RefreshType && g.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(g => g.RevokedAt, now), cancellationToken);
    }

    public async Task RevokeAccessTokenAsync(string jti, string clientId, DateTime expiresAt, CancellationToken cancellationToken)
    {
        if (await db.RevokedTokens.AnyAsync(t => t.Jti == jti, cancellationToken))
        {
            return;
        }

        db.RevokedTokens.Add(new RevokedToken { Jti = jti, ClientId = clientId, ExpiresAt = expiresAt });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // A concurrent request revoked the same token first: the outcome is the same.
            db.ChangeTracker.Clear();
        }
    }

    public static GrantData Read(PersistedGrant grant) => JsonSerializer.Deserialize<GrantData>(grant.Data) ?? new GrantData();
}
