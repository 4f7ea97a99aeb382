using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Exchange.Identity.Server;

/// <summary>
/// A <c>private_key_jwt</c> assertion is good once (RFC 7523 section 3 allows a server to keep the
/// used <c>jti</c>s; we do, so an assertion copied from a log or a proxy cannot be replayed while it
/// lives). OpenIddict checks the signature, issuer, audience, type and lifetime but not reuse. Each
/// used assertion becomes an entry in OpenIddict's token table keyed by a hash of client and
/// <c>jti</c>: the table's unique reference id makes the first use win on every node at once, and
/// OpenIddict's own pruning removes the entry once the assertion has expired. A lifetime cap keeps
/// that window, and the table, short.
/// </summary>
public sealed class SingleUseClientAssertions(IOpenIddictTokenManager tokens, Exchange.Core.Data.ExchangeDbContext db, TimeProvider clock, ILogger<SingleUseClientAssertions> logger)
    : IOpenIddictServerHandler<ProcessAuthenticationContext>
{
    public const string EntryType = "exchange_client_assertion";

    /// <summary>The longest an assertion may be valid from now; client libraries use one to five minutes.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromMinutes(10);

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessAuthenticationContext>()
            .UseScopedHandler<SingleUseClientAssertions>()
            .SetOrder(OpenIddictServerHandlers.ValidateClientId.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ProcessAuthenticationContext context)
    {
        if (context.ClientAssertionPrincipal is not { } assertion)
        {
            return;
        }

        var clientId = assertion.GetClaim(Claims.Issuer);
        var jti = assertion.GetClaim(Claims.JwtId);
        var expires = assertion.GetExpirationDate();
        var now = clock.GetUtcNow();
        if (string.IsNullOrEmpty(clientId) || string.IsNullOrEmpty(jti) || expires is null || expires > now + MaxLifetime)
        {
            // Without a jti there is nothing to hold it to one use; a far expiry would be a long replay window.
            context.Reject(Errors.InvalidClient, "The client assertion needs a jti and an expiry within ten minutes.");
            return;
        }

        var descriptor = new OpenIddictTokenDescriptor
        {
            ReferenceId = Base64UrlEncoder(SHA256.HashData(Encoding.UTF8.GetBytes(clientId + "\n" + jti))),
            Type = EntryType,
            Status = Statuses.Redeemed,
            CreationDate = now,
            ExpirationDate = expires,
        };
        try
        {
            await tokens.CreateAsync(descriptor, context.CancellationToken);
        }
        // OpenIddict looks the reference id up first (ValidationException); two nodes racing meet the unique index.
        catch (Exception ex) when (ex is OpenIddictExceptions.ValidationException or DbUpdateException or OpenIddictExceptions.ConcurrencyException)
        {
            // The failed insert stays tracked; nothing else of this request may save it again.
            db.ChangeTracker.Clear();
            logger.LogWarning("A client assertion of client {ClientId} was presented again", clientId);
            context.Reject(Errors.InvalidClient, "The client assertion was already used.");
        }
    }

    private static string Base64UrlEncoder(byte[] bytes) => Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(bytes);
}
