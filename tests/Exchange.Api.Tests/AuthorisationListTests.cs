using System.Net;
using System.Text.Json.Nodes;
using Exchange.Core.Authorisations;
using Exchange.Core.Cases;
using Exchange.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Api.Tests;

/// <summary>Members of their own for each listing test, so counts and order depend on nothing else.</summary>
public sealed class AuthorisationListFixture : ApiFixture
{
    public TestClient Owner { get; private set; } = null!;
    public TestClient Recorder { get; private set; } = null!;
    public TestClient Other { get; private set; } = null!;
    public TestClient Filtered { get; private set; } = null!;
    public TestClient Paged { get; private set; } = null!;
    public TestClient Many { get; private set; } = null!;

    protected override Task SeedMoreAsync(ExchangeDbContext db)
    {
        Owner = AddMemberWithClient(db, "al-owner", "EU");
        Recorder = AddMemberWithClient(db, "al-recorder", "EU");
        Other = AddMemberWithClient(db, "al-other", "EU");
        Filtered = AddMemberWithClient(db, "al-filtered", "EU");
        Paged = AddMemberWithClient(db, "al-paged", "EU");
        Many = AddMemberWithClient(db, "al-many", "EU");
        return Task.CompletedTask;
    }
}

/// <summary>GET /customer-authorisations: the caller's own member's authorisations only, filtered and paginated.</summary>
public sealed class AuthorisationListTests(AuthorisationListFixture hosts) : IClassFixture<AuthorisationListFixture>
{
    private const string List = "/api/v1/customer-authorisations";

    private static List<Guid> Ids(JsonNode page) => page["items"]!.AsArray().Select(i => i!["id"]!.GetValue<Guid>()).ToList();

    [Fact]
    public async Task A_member_lists_its_own_authorisations_newest_first_in_the_shape_of_a_single_read_and_the_listing_is_audited()
    {
        var owner = await hosts.ClientAsync(hosts.Owner);
        var first = await owner.AuthoriseAsync(["globex"]);
        var second = await owner.AuthoriseAsync(["initech"], organisation: "Initrode Logistics");
        var third = await owner.AuthoriseAsync(["globex", "initech"]);

        using var response = await owner.GetAsync(List);
        var page = await response.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal([third, second, first], Ids(page));
        Assert.Null(page["nextCursor"]);

        var single = await (await owner.GetAsync($"{List}/{second}")).ExpectAsync(HttpStatusCode.OK);
        Assert.True(JsonNode.DeepEquals(single, page["items"]![1]), page["items"]![1]!.ToJsonString());
        Assert.Equal("carla@contoso.example", page["items"]![0]!["authorisedBy"]!["email"]!.GetValue<string>());

        await using var db = hosts.Database.CreateContext();
        var entry = await db.AuditEntries.Where(e => e.Action == "authorisation.listed" && e.ActorMemberId == "al-owner").SingleAsync();
        Assert.Equal("customer_authorisation", entry.ObjectType);
        Assert.Null(entry.CaseId);
        Assert.Contains(first.ToString(), entry.Details, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Carla", entry.Details, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("contoso", entry.Details, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Another_member_and_operator_staff_see_none_of_a_members_authorisations()
    {
        var recorder = await hosts.ClientAsync(hosts.Recorder);
        var id = await recorder.AuthoriseAsync(["globex"], organisation: "Owner Only Customer Ltd");
        Assert.Equal([id], Ids(await (await recorder.GetAsync(List)).ExpectAsync(HttpStatusCode.OK)));

        var other = await (await (await hosts.ClientAsync(hosts.Other)).GetAsync(List)).ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(other["items"]!.AsArray());

        // The receiver it names does not see it either: an authorisation belongs to the member that recorded it.
        var globex = await (await (await hosts.ClientAsync(ApiFixture.Globex)).GetAsync($"{List}?receivingMemberId=globex&limit=100")).ExpectAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(id, Ids(globex));
        Assert.All(globex["items"]!.AsArray(), i => Assert.Equal("globex", i!["submittingMemberId"]!.GetValue<string>()));
        Assert.DoesNotContain("Owner Only Customer", globex.ToJsonString(), StringComparison.Ordinal);

        using var operatorResponse = await (await hosts.ClientAsync(ApiFixture.Operator)).GetAsync(List);
        Assert.Equal(HttpStatusCode.Forbidden, operatorResponse.StatusCode);
        Assert.DoesNotContain("Owner Only Customer", await operatorResponse.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // A filter naming the owner gives another member nothing of the owner's.
        var smuggled = await (await (await hosts.ClientAsync(hosts.Other)).GetAsync($"{List}?receivingMemberId=al-recorder&submittingMemberId=al-recorder")).ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(smuggled["items"]!.AsArray());
    }

    [Fact]
    public async Task The_receiving_member_and_active_filters_narrow_the_list()
    {
        var client = await hosts.ClientAsync(hosts.Filtered);
        var toGlobex = await client.AuthoriseAsync(["globex"]);
        var toInitech = await client.AuthoriseAsync(["initech"]);
        var toBoth = await client.AuthoriseAsync(["initech", "globex"]);
        var withdrawn = await client.AuthoriseAsync(["globex"]);
        await (await client.PostAsync($"{List}/{withdrawn}/withdraw", null)).ExpectAsync(HttpStatusCode.OK);
        // The API refuses a past expiry, so an authorisation that has since expired is written directly.
        var expired = await client.AuthoriseAsync(["globex"]);
        await using (var db = hosts.Database.CreateContext())
        {
            await db.CustomerAuthorisations.Where(a => a.Id == expired).ExecuteUpdateAsync(s => s.SetProperty(a => a.ExpiresAt, DateTime.UtcNow.AddDays(-1)));
        }

        async Task<List<Guid>> ListAsync(string query) => Ids(await (await client.GetAsync($"{List}?{query}")).ExpectAsync(HttpStatusCode.OK));

        Assert.Equal([expired, withdrawn, toBoth, toGlobex], await ListAsync("receivingMemberId=globex"));
        Assert.Equal([toBoth, toInitech], await ListAsync("receivingMemberId=initech"));
        Assert.Equal([toBoth, toInitech, toGlobex], await ListAsync("active=true"));
        Assert.Equal([expired, withdrawn], await ListAsync("active=false"));
        Assert.Equal([toBoth, toGlobex], await ListAsync("receivingMemberId=globex&active=true"));
        Assert.Empty(await ListAsync("receivingMemberId=nobody"));

        var badActive = await (await client.GetAsync($"{List}?active=yes")).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.True(badActive["errors"]!.AsObject().ContainsKey("active"), badActive.ToJsonString());
        var badMember = await (await client.GetAsync($"{List}?receivingMemberId=Not%20A%20Member")).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.True(badMember["errors"]!.AsObject().ContainsKey("receivingMemberId"), badMember.ToJsonString());
    }

    [Fact]
    public async Task Pages_follow_the_cursor_to_the_end_and_the_page_size_is_capped()
    {
        var client = await hosts.ClientAsync(hosts.Paged);
        var created = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            created.Add(await client.AuthoriseAsync(["globex"]));
        }

        created.Reverse();
        var seen = new List<Guid>();
        var sizes = new List<int>();
        string? cursor = null;
        do
        {
            var page = await (await client.GetAsync($"{List}?limit=2" + (cursor is null ? "" : "&cursor=" + cursor))).ExpectAsync(HttpStatusCode.OK);
            var ids = Ids(page);
            sizes.Add(ids.Count);
            seen.AddRange(ids);
            cursor = page["nextCursor"]?.GetValue<string>();
        }
        while (cursor is not null && sizes.Count < 10);

        Assert.Equal([2, 2, 1], sizes);
        Assert.Equal(created, seen);

        await (await client.GetAsync($"{List}?limit=0")).ExpectRefusalAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await client.GetAsync($"{List}?limit=101")).ExpectRefusalAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await client.GetAsync($"{List}?cursor=not-a-cursor")).ExpectRefusalAsync(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task A_filtered_list_pages_correctly_when_matches_are_sparse_among_many_rows()
    {
        // 130 rows with one in ten naming globex: the filter has to read past whole batches of non-matches.
        var start = DateTimeOffset.UtcNow.AddMinutes(-10);
        var globexIds = new List<Guid>();
        await using (var db = hosts.Database.CreateContext())
        {
            for (var i = 0; i < 130; i++)
            {
                var id = Guid.CreateVersion7(start.AddMilliseconds(i * 10));
                var receiver = i % 10 == 0 ? "globex" : "initech";
                if (receiver == "globex")
                {
                    globexIds.Add(id);
                }

                db.CustomerAuthorisations.Add(new CustomerAuthorisation
                {
                    Id = id,
                    SubmittingMemberId = "al-many",
                    CustomerOrganisation = "Bulk Customer " + i,
                    AuthorisedByName = "Bulk Person",
                    ReceivingMemberIds = [receiver],
                    Purpose = "Bulk",
                    CaptureMethod = CaptureMethod.Ticket,
                    EvidenceReference = "BULK-" + i,
                    DataCategories = [DataCategory.Technical],
                    CreatedAt = start.UtcDateTime,
                    ExpiresAt = DateTime.UtcNow.AddDays(30),
                });
            }

            await db.SaveChangesAsync();
        }

        globexIds.Reverse();
        var client = await hosts.ClientAsync(hosts.Many);
        var seen = new List<Guid>();
        var sizes = new List<int>();
        string? cursor = null;
        do
        {
            var page = await (await client.GetAsync($"{List}?receivingMemberId=globex&active=true&limit=5" + (cursor is null ? "" : "&cursor=" + cursor))).ExpectAsync(HttpStatusCode.OK);
            var ids = Ids(page);
            sizes.Add(ids.Count);
            seen.AddRange(ids);
            cursor = page["nextCursor"]?.GetValue<string>();
        }
        while (cursor is not null && sizes.Count < 10);

        Assert.Equal([5, 5, 3], sizes);
        Assert.Equal(globexIds, seen);
    }

    [Fact]
    public async Task Listing_without_a_token_is_401_and_without_the_authorisations_scope_or_engineer_role_is_403()
    {
        using var anonymous = await hosts.Anonymous().GetAsync(List);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Bearer", anonymous.Headers.WwwAuthenticate.Single().Scheme);

        using var wrongScope = await (await hosts.ClientAsync(ApiFixture.AcmeNoCases)).GetAsync(List);
        await wrongScope.ExpectRefusalAsync(HttpStatusCode.Forbidden, "insufficient_scope");
        Assert.Contains("insufficient_scope", wrongScope.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);

        using var admin = await (await hosts.ClientAsync(ApiFixture.AcmeAdmin)).GetAsync(List);
        Assert.Equal(HttpStatusCode.Forbidden, admin.StatusCode);
    }
}
