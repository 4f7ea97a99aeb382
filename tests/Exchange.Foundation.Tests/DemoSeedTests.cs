using Exchange.Core.Agreements;
using Exchange.Core.Data;
using Exchange.Core.Identity;
using Exchange.Testing;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Foundation.Tests;

public sealed class DemoSeedTests
{
    [Fact]
    public async Task Seeding_twice_keeps_the_data_of_the_first_run()
    {
        await using var database = await TestDatabase.CreateAsync();
        await database.MigrateAsync();

        await using (var db = database.CreateContext())
        {
            await DemoSeed.SeedAsync(db, TimeProvider.System);
        }

        string firstAcmeUserId;
        await using (var db = database.CreateContext())
        {
            firstAcmeUserId = (await db.Users.SingleAsync(u => u.NormalizedEmail == "ALICE@ACME.EXAMPLE")).Id.ToString();
            await DemoSeed.SeedAsync(db, TimeProvider.System);
        }

        await using var check = database.CreateContext();
        Assert.Equal(["acme", "globex", "initech"], await check.Members.OrderBy(m => m.Id).Select(m => m.Id).ToListAsync());
        Assert.Equal(DemoSeed.Users.Count, await check.Users.CountAsync());
        // The member systems' clients and the jobs dashboard's, each once.
        Assert.Equal(DemoSeed.Clients.Count + 1, await check.OAuthClients.CountAsync());
        var dashboard = await check.OAuthClients.SingleAsync(c => c.ClientId == JobsDashboardClient.ClientId);
        Assert.True(SecretHasher.Verify(JobsDashboardClient.DevelopmentSecret, dashboard.SecretHash));
        Assert.Equal([JobsDashboardClient.DevelopmentRedirectUri], dashboard.RedirectUris);
        Assert.Equal(firstAcmeUserId, (await check.Users.SingleAsync(u => u.NormalizedEmail == "ALICE@ACME.EXAMPLE")).Id.ToString());
    }

    [Fact]
    public async Task The_demo_has_framework_agreements_in_force_for_acme_and_globex_only()
    {
        await using var database = await TestDatabase.CreateAsync();
        await database.MigrateAsync();
        await using var db = database.CreateContext();
        await DemoSeed.SeedAsync(db, TimeProvider.System);

        var now = DateTime.UtcNow;
        var agreements = await db.Agreements.Include(a => a.Parties).Where(a => a.Kind == AgreementKind.Framework).ToListAsync();
        var covered = agreements.Where(a => a.IsInForceAt(now)).SelectMany(a => a.Parties).Select(p => p.PartyId).Where(p => p != "operator").Order().ToList();

        Assert.Equal(["acme", "globex"], covered);
        Assert.All(agreements, a => Assert.All(a.Parties, p => Assert.NotNull(p.SignedAt)));
        var client = await db.OAuthClients.SingleAsync(c => c.ClientId == "acme-crm");
        Assert.True(SecretHasher.Verify("dev-acme-crm-secret", client.SecretHash));
        Assert.False(SecretHasher.Verify("dev-globex-crm-secret", client.SecretHash));
    }
}
