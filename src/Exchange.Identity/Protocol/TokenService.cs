using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Exchange.Core.Data;
using Exchange.Identity.Configuration;
using Exchange.Identity.Keys;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Exchange.Identity.Protocol;

/// <summary>Who a token is for: a client acting for itself or for a signed-in user.</summary>
public sealed record TokenSubject(
    string Subject,
    string ClientId,
    string MemberId,
    IReadOnlyList<string> Roles,
    IReadOnlyList<string> Scopes);

public sealed record IssuedToken(string Token, string Jti, DateTime ExpiresAt, int ExpiresIn);

/// <summary>Creates access tokens (RFC 9068) and ID tokens (OIDC Core), and validates the access tokens it made.</summary>
public sealed class TokenService(SigningKeyService keys, IOptions<IdentityServerOptions> options, TimeProvider clock, IServiceScopeFactory scopes)
{
    public const string AccessTokenType = "at+jwt";

    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false, MapInboundClaims = false };

    public async Task<IssuedToken> CreateAccessTokenAsync(TokenSubject subject, string? jti = null, CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow().UtcDateTime;
        var expires = now + settings.AccessTokenLifetime;
        jti ??= NewJti();
        var claims = new Dictionary<string, object>
        {
            ["sub"] = subject.Subject,
            ["client_id"] = subject.ClientId,
            ["member_id"] = subject.MemberId,
            ["scope"] = string.Join(' ', subject.Scopes),
            ["jti"] = jti,
        };
        if (subject.Roles.Count > 0)
        {
            claims["role"] = subject.Roles.ToArray();
        }

        var token = Handler.CreateToken(new SecurityTokenDescriptor
        {
            TokenType = AccessTokenType,
            Issuer = settings.IssuerUri,
            Audience = settings.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = expires,
            Claims = claims,
            SigningCredentials = await keys.GetSigningCredentialsAsync(cancellationToken),
        });
        return new IssuedToken(token, jti, expires, (int)settings.AccessTokenLifetime.TotalSeconds);
    }

    public async Task<string> CreateIdTokenAsync(
        string subject, string clientId, DateTime authTime, string? nonce, string? sessionId, string? accessToken,
        IDictionary<string, object> profileClaims, CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow().UtcDateTime;
        var claims = new Dictionary<string, object>(profileClaims)
        {
            ["sub"] = subject,
            ["auth_time"] = EpochTime.GetIntDate(authTime),
        };
        if (nonce != null)
        {
            claims["nonce"] = nonce;
        }

        if (sessionId != null)
        {
            claims["sid"] = sessionId;
        }

        if (accessToken != null)
        {
            // at_hash: the left half of the SHA-256 of the access token (ES256 uses SHA-256).
            var hash = SHA256.HashData(Encoding.ASCII.GetBytes(accessToken));
            claims["at_hash"] = Base64UrlEncoder.Encode(hash, 0, hash.Length / 2);
        }

        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            TokenType = "JWT",
            Issuer = settings.IssuerUri,
            Audience = clientId,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + settings.IdTokenLifetime,
            Claims = claims,
            SigningCredentials = await keys.GetSigningCredentialsAsync(cancellationToken),
        });
    }

    /// <summary>
    /// Validates an access token this server issued: signature by a published ES256 key (never
    /// <c>none</c> or a symmetric algorithm), type at+jwt, issuer, audience, lifetime, and not revoked.
    /// </summary>
    public async Task<ClaimsIdentity?> ValidateAccessTokenAsync(string token, CancellationToken cancellationToken = default)
    {
        var published = await keys.GetPublishedKeysAsync(cancellationToken);
        var settings = options.Value;
        var result = await Handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = settings.IssuerUri,
            ValidAudience = settings.Audience,
            ValidTypes = [AccessTokenType],
            ValidAlgorithms = [SigningKeyService.Algorithm],
            IssuerSigningKeys = published.Select(k => (SecurityKey)k.Key).ToList(),
            TryAllIssuerSigningKeys = false,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ClockSkew = TimeSpan.FromSeconds(30),
            // The lifetime check reads the injected clock, so tests can move time.
            LifetimeValidator = (notBefore, expires, _, parameters) =>
            {
                var now = clock.GetUtcNow().UtcDateTime;
                return expires != null && expires.Value.ToUniversalTime() + parameters.ClockSkew > now
                    && (notBefore == null || notBefore.Value.ToUniversalTime() - parameters.ClockSkew <= now);
            },
            NameClaimType = "sub",
            RoleClaimType = "role",
        });
        if (!result.IsValid)
        {
            return null;
        }

        var jti = result.ClaimsIdentity.FindFirst("jti")?.Value;
        if (jti == null)
        {
            return null;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ExchangeDbContext>();
        return await db.RevokedTokens.AnyAsync(t => t.Jti == jti, cancellationToken) ? null : result.ClaimsIdentity;
    }

    public static string NewJti() => Guid.NewGuid().ToString("N");
}
