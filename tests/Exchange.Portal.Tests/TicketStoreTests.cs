using System.Security.Claims;
using Exchange.Core.Data;
using Exchange.Core.Portal;
using Exchange.Portal.Auth;
using Exchange.Testing;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Exchange.Portal.Tests;

/// <summary>Server-side sessions in the exchange database, on this run's provider.</summary>
public sealed class TicketStoreTests : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        await _database.MigrateAsync();
        var services = new ServiceCollection();
        services.AddDbContext<ExchangeDbContext>(o => DatabaseServiceCollectionExtensions.Configure(o, _database.Options));
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<DatabaseTicketStore>();
        _services = services.BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _database.DisposeAsync();
    }

    private static AuthenticationTicket Ticket(string accessToken, DateTimeOffset? expires = null)
    {
        var identity = new ClaimsIdentity([new Claim("sub", "user-1"), new Claim("member_id", "acme")], "test");
        var properties = new AuthenticationProperties { ExpiresUtc = expires ?? DateTimeOffset.UtcNow.AddHours(1) };
        properties.StoreTokens([new AuthenticationToken { Name = "access_token", Value = accessToken }]);
        return new AuthenticationTicket(new ClaimsPrincipal(identity), properties, "portal-cookie");
    }

    [Fact]
    public async Task A_stored_ticket_comes_back_by_its_key_and_its_tokens_are_not_readable_in_the_database()
    {
        var store = _services.GetRequiredService<DatabaseTicketStore>();
        var key = await store.StoreAsync(Ticket("secret-access-token-value"));

        var ticket = await store.RetrieveAsync(key);

        Assert.NotNull(ticket);
        Assert.Equal("user-1", ticket.Principal.FindFirst("sub")!.Value);
        Assert.Equal("secret-access-token-value", ticket.Properties.GetTokenValue("access_token"));
        await using var db = _database.CreateContext();
        var row = await db.Set<PortalSession>().SingleAsync(s => s.Key == key);
        Assert.DoesNotContain("secret-access-token-value", row.ProtectedTicket, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-access-token-value", System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(row.ProtectedTicket)), StringComparison.Ordinal);
        Assert.Equal("user-1", row.SubjectId);
        Assert.True(key.Length >= 40);
    }

    [Fact]
    public async Task Renewing_replaces_the_ticket_and_removing_ends_the_session_for_good()
    {
        var store = _services.GetRequiredService<DatabaseTicketStore>();
        var key = await store.StoreAsync(Ticket("first"));

        await store.RenewAsync(key, Ticket("second"));
        Assert.Equal("second", (await store.RetrieveAsync(key))!.Properties.GetTokenValue("access_token"));

        await store.RemoveAsync(key);
        Assert.Null(await store.RetrieveAsync(key));
        // A renewal racing the sign-out must not bring the session back.
        await store.RenewAsync(key, Ticket("third"));
        Assert.Null(await store.RetrieveAsync(key));
    }

    [Fact]
    public async Task An_expired_session_is_not_returned_and_an_unknown_key_finds_nothing()
    {
        var store = _services.GetRequiredService<DatabaseTicketStore>();
        var key = await store.StoreAsync(Ticket("old", DateTimeOffset.UtcNow.AddMinutes(-1)));

        Assert.Null(await store.RetrieveAsync(key));
        Assert.Null(await store.RetrieveAsync("no-such-key"));
    }
}
