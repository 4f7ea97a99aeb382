using Exchange.Core.Audit;
using Exchange.Testing;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Foundation.Tests;

public sealed class AuditLogTests
{
    [Fact]
    public async Task Concurrent_appends_form_one_intact_chain()
    {
        await using var database = await TestDatabase.CreateAsync();
        await database.MigrateAsync();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(async writer =>
        {
            for (var i = 0; i < 5; i++)
            {
                await AppendAsync(database, $"writer-{writer}", "case.read");
            }
        }));

        await using var db = database.CreateContext();
        var result = await new AuditLog(db, TimeProvider.System).VerifyAsync();
        Assert.Equal(new AuditVerification(true, 40, null), result);
        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), await db.AuditEntries.OrderBy(e => e.Sequence).Select(e => e.Sequence).ToListAsync());
    }

    [Fact]
    public async Task A_tampered_row_is_reported_as_the_first_broken_link()
    {
        await using var database = await TestDatabase.CreateAsync();
        await database.MigrateAsync();
        for (var i = 0; i < 5; i++)
        {
            await AppendAsync(database, "client-1", "case.read");
        }

        await using var db = database.CreateContext();
        await db.Database.ExecuteSqlRawAsync("UPDATE audit_entries SET \"Action\" = 'case.deleted' WHERE \"Sequence\" = 3");

        var result = await new AuditLog(db, TimeProvider.System).VerifyAsync();
        Assert.False(result.Intact);
        Assert.Equal(3, result.FirstBrokenSequence);
        Assert.Equal(2, result.Entries);
    }

    [Fact]
    public async Task A_deleted_row_breaks_the_chain_where_it_was()
    {
        await using var database = await TestDatabase.CreateAsync();
        await database.MigrateAsync();
        for (var i = 0; i < 4; i++)
        {
            await AppendAsync(database, "client-1", "case.read");
        }

        await using var db = database.CreateContext();
        await db.Database.ExecuteSqlRawAsync("DELETE FROM audit_entries WHERE \"Sequence\" = 2");

        var result = await new AuditLog(db, TimeProvider.System).VerifyAsync();
        Assert.Equal(new AuditVerification(false, 1, 2), result);
    }

    private static async Task AppendAsync(TestDatabase database, string actor, string action)
    {
        await using var db = database.CreateContext();
        var log = new AuditLog(db, TimeProvider.System);
        await using var transaction = await log.BeginAsync();
        await log.AppendAsync(new AuditActor("acme", actor), action, "case", Guid.NewGuid().ToString(), details: new { fields = 3 });
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
    }
}
