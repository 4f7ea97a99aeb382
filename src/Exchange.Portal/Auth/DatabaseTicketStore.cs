using System.Security.Cryptography;
using Exchange.Core.Data;
using Exchange.Core.Portal;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Portal.Auth;

/// <summary>
/// Keeps authentication tickets (the user's claims and tokens) in the exchange database and
/// gives the browser only a random key. Every portal node reads the same sessions; signing
/// out deletes the row, so a copied cookie is worthless afterwards. Tickets are encrypted with
/// data protection, whose keys are shared through the same database.
/// </summary>
public sealed class DatabaseTicketStore(IServiceScopeFactory scopes, IDataProtectionProvider protection, TimeProvider clock) : ITicketStore
{
    private readonly IDataProtector _protector = protection.CreateProtector("Exchange.Portal.Sessions.v1");

    public async Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        var key = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var now = clock.GetUtcNow().UtcDateTime;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ExchangeDbContext>();

        // Dead sessions are swept as new ones begin, so the table never outgrows the live ones.
        await db.Set<PortalSession>().Where(s => s.ExpiresAt < now).ExecuteDeleteAsync();

        db.Set<PortalSession>().Add(new PortalSession
        {
            Key = key,
            ProtectedTicket = Protect(ticket),
            SubjectId = ticket.Principal.FindFirst(PortalClaims.Subject)?.Value,
            CreatedAt = now,
            UpdatedAt = now,
            ExpiresAt = ExpiryOf(ticket, now),
        });
        await db.SaveChangesAsync();
        return key;
    }

    public async Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ExchangeDbContext>();
        var session = await db.Set<PortalSession>().FirstOrDefaultAsync(s => s.Key == key);
        if (session is null)
        {
            // Ended elsewhere (sign-out on another node): renewing must not bring it back.
            return;
        }

        session.ProtectedTicket = Protect(ticket);
        session.UpdatedAt = now;
        session.ExpiresAt = ExpiryOf(ticket, now);
        await db.SaveChangesAsync();
    }

    public async Task<AuthenticationTicket?> RetrieveAsync(string key)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ExchangeDbContext>();
        var session = await db.Set<PortalSession>().AsNoTracking().FirstOrDefaultAsync(s => s.Key == key);
        if (session is null || session.ExpiresAt <= now)
        {
            return null;
        }

        try
        {
            return TicketSerializer.Default.Deserialize(_protector.Unprotect(Convert.FromBase64String(session.ProtectedTicket)));
        }
        catch (CryptographicException)
        {
            // A ticket protected with a key that no longer exists: the session is simply over.
            return null;
        }
    }

    public async Task RemoveAsync(string key)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ExchangeDbContext>();
        await db.Set<PortalSession>().Where(s => s.Key == key).ExecuteDeleteAsync();
    }

    private string Protect(AuthenticationTicket ticket) =>
        Convert.ToBase64String(_protector.Protect(TicketSerializer.Default.Serialize(ticket)));

    private static DateTime ExpiryOf(AuthenticationTicket ticket, DateTime now) =>
        ticket.Properties.ExpiresUtc?.UtcDateTime ?? now.AddHours(8);
}
