using System.Net;
using System.Text.Json.Nodes;
using Exchange.Core.Agreements;
using Exchange.Core.Cases;
using Exchange.Core.Data;
using Exchange.Core.Identity;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Api.Tests;

/// <summary>Members of their own, so every list's order and count depend on nothing else.</summary>
public sealed class CaseTriageFixture : ApiFixture
{
    public TestClient Sender { get; private set; } = null!;
    public TestClient Receiver { get; private set; } = null!;
    public TestClient Searcher { get; private set; } = null!;
    public TestClient Stranger { get; private set; } = null!;
    public TestClient SortFrom { get; private set; } = null!;
    public TestClient SortTo { get; private set; } = null!;
    public static readonly TestClient ReceiverAdmin = new("tr-receiver-admin", "test-tr-receiver-admin-0123456789", "tr-receiver");

    protected override Task SeedMoreAsync(ExchangeDbContext db)
    {
        Sender = AddMemberWithClient(db, "tr-sender", "EU");
        Receiver = AddMemberWithClient(db, "tr-receiver", "EU");
        Searcher = AddMemberWithClient(db, "tr-searcher", "EU");
        Stranger = AddMemberWithClient(db, "tr-stranger", "EU");
        SortFrom = AddMemberWithClient(db, "tr-sort-from", "EU");
        SortTo = AddMemberWithClient(db, "tr-sort-to", "EU");
        // A member admin gets what the Identity gives the role (Scopes.ForRoles): cases and agreements to read, no case writes.
        AddClient(db, ReceiverAdmin, [Roles.MemberAdmin], [.. Scopes.ForRoles([Roles.MemberAdmin])]);
        var categories = new[] { DataCategory.Technical, DataCategory.Organisation, DataCategory.Contact };
        AddAgreement(db, AgreementKind.Bilateral, ["tr-sender", "tr-receiver"], categories, ["EU"]);
        AddAgreement(db, AgreementKind.Bilateral, ["tr-searcher", "tr-receiver"], categories, ["EU"]);
        AddAgreement(db, AgreementKind.Bilateral, ["tr-stranger", "tr-receiver"], categories, ["EU"]);
        AddAgreement(db, AgreementKind.Bilateral, ["tr-sort-from", "tr-sort-to"], categories, ["EU"]);
        return Task.CompletedTask;
    }
}

/// <summary>GET /api/v1/cases for triage: sorts, both-way keyset pages, the whole list's count, "waiting on you" and search.</summary>
public sealed class CaseTriageTests(CaseTriageFixture hosts) : IClassFixture<CaseTriageFixture>
{
    private static List<Guid> Ids(JsonNode page) => page["items"]!.AsArray().Select(i => i!["id"]!.GetValue<Guid>()).ToList();

    private static async Task<Guid> OpenAsync(HttpClient client, string receiver, Guid authorisation, int severity, string reference, string summary)
    {
        var body = Api.CaseBody(receiver, authorisation, new Dictionary<string, string>
        {
            ["summary"] = summary,
            ["product"] = "ERP Suite",
            ["customerOrganisation"] = "Contoso Manufacturing",
        }, severity, reference);
        return (await (await client.PostAsync("/api/v1/cases", body)).ExpectAsync(HttpStatusCode.Created))["id"]!.GetValue<Guid>();
    }

    /// <summary>Every id of a list walked forwards with `after`, then the same walked back with `before` from the last page.</summary>
    private static async Task<(List<Guid> Forwards, List<Guid> Backwards, List<JsonNode> Pages)> WalkAsync(HttpClient client, string query)
    {
        var pages = new List<JsonNode>();
        var forwards = new List<Guid>();
        string? after = null;
        do
        {
            var page = await (await client.GetAsync($"/api/v1/cases?{query}&limit=2" + (after is null ? "" : "&after=" + after))).ExpectAsync(HttpStatusCode.OK);
            pages.Add(page);
            forwards.AddRange(Ids(page));
            after = page["nextCursor"]?.GetValue<string>();
        }
        while (after is not null && pages.Count < 20);

        var backwards = new List<Guid>(Ids(pages[^1]));
        var before = pages[^1]["previousCursor"]?.GetValue<string>();
        var steps = 0;
        while (before is not null && steps++ < 20)
        {
            var page = await (await client.GetAsync($"/api/v1/cases?{query}&limit=2&before=" + before)).ExpectAsync(HttpStatusCode.OK);
            backwards.InsertRange(0, Ids(page));
            before = page["previousCursor"]?.GetValue<string>();
        }

        return (forwards, backwards, pages);
    }

    [Fact]
    public async Task The_inbox_sorts_by_response_due_and_by_severity_pages_both_ways_and_counts_the_whole_list()
    {
        var sender = await hosts.ClientAsync(hosts.SortFrom);
        var receiver = await hosts.ClientAsync(hosts.SortTo);
        var authorisation = await sender.AuthoriseAsync(["tr-sort-to"]);
        var severities = new[] { 3, 1, 4, 1, 2 };
        var ids = new List<Guid>();
        foreach (var (severity, i) in severities.Select((s, i) => (s, i)))
        {
            ids.Add(await OpenAsync(sender, "tr-sort-to", authorisation, severity, $"TR-SORT-{i}", $"Sorting case {i}"));
        }

        // Deadlines set directly, so the order does not depend on the clock: case 4 is due first, case 2 has none.
        var now = DateTime.UtcNow;
        var dues = new DateTime?[] { now.AddHours(5), now.AddHours(3), null, now.AddHours(3), now.AddHours(1) };
        await using (var db = hosts.Database.CreateContext())
        {
            for (var i = 0; i < ids.Count; i++)
            {
                var id = ids[i];
                var due = dues[i] is { } d ? new DateTime(d.Ticks - d.Ticks % 10, DateTimeKind.Utc) : (DateTime?)null;
                await db.Cases.Where(c => c.Id == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.ResponseDueAt, due));
            }
        }

        var byDue = new[] { ids[4], ids[1], ids[3], ids[0], ids[2] };
        var (forwards, backwards, pages) = await WalkAsync(receiver, "box=inbox&sort=due");
        Assert.Equal(byDue, forwards);
        Assert.Equal(byDue, backwards);
        Assert.Equal(3, pages.Count);
        Assert.All(pages, p => Assert.Equal(5, p["total"]!.GetValue<int>()));
        Assert.All(pages, p => Assert.False(p["totalCapped"]!.GetValue<bool>()));
        Assert.Null(pages[0]["previousCursor"]);

        var bySeverity = new[] { ids[1], ids[3], ids[4], ids[0], ids[2] };
        (forwards, backwards, _) = await WalkAsync(receiver, "box=inbox&sort=severity");
        Assert.Equal(bySeverity, forwards);
        Assert.Equal(bySeverity, backwards);

        var newest = ids.OrderDescending().ToList();
        (forwards, backwards, _) = await WalkAsync(receiver, "box=inbox");
        Assert.Equal(newest, forwards);
        Assert.Equal(newest, backwards);

        // The outbox is the sender's view of the same cases, counted the same; a state filter narrows the count.
        var outbox = await (await sender.GetAsync("/api/v1/cases?box=outbox&sort=due&limit=2")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(5, outbox["total"]!.GetValue<int>());
        Assert.Equal(byDue.Take(2), Ids(outbox));
        var accepted = await (await receiver.GetAsync("/api/v1/cases?box=inbox&status=accepted")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(0, accepted["total"]!.GetValue<int>());

        // A cursor belongs to its sort; a made-up one, or both directions at once, is refused.
        var dueCursor = pages[0]["nextCursor"]!.GetValue<string>();
        var wrongSort = await (await receiver.GetAsync($"/api/v1/cases?box=inbox&sort=severity&after={dueCursor}")).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.True(wrongSort["errors"]!.AsObject().ContainsKey("after"), wrongSort.ToJsonString());
        var both = await (await receiver.GetAsync($"/api/v1/cases?box=inbox&sort=due&after={dueCursor}&before={dueCursor}")).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.True(both["errors"]!.AsObject().ContainsKey("before"), both.ToJsonString());
        var badSort = await (await receiver.GetAsync("/api/v1/cases?box=inbox&sort=random")).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.True(badSort["errors"]!.AsObject().ContainsKey("sort"), badSort.ToJsonString());
        await (await receiver.GetAsync("/api/v1/cases?box=inbox&sort=due&after=bm90LWEtY3Vyc29y")).ExpectAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_case_waits_on_the_member_whose_move_its_state_expects()
    {
        var sender = await hosts.ClientAsync(hosts.Sender);
        var receiver = await hosts.ClientAsync(hosts.Receiver);
        var authorisation = await sender.AuthoriseAsync(["tr-receiver"]);
        var id = await OpenAsync(sender, "tr-receiver", authorisation, 2, "TR-WAIT-1", "Waiting case");

        async Task<(bool Inbox, bool Outbox)> WaitingAsync()
        {
            var inbox = await (await receiver.GetAsync($"/api/v1/cases?box=inbox&q={id}")).ExpectAsync(HttpStatusCode.OK);
            var outbox = await (await sender.GetAsync($"/api/v1/cases?box=outbox&q={id}")).ExpectAsync(HttpStatusCode.OK);
            return (inbox["items"]![0]!["waitingOnYou"]!.GetValue<bool>(), outbox["items"]![0]!["waitingOnYou"]!.GetValue<bool>());
        }

        Assert.Equal((true, false), await WaitingAsync());

        var read = await receiver.GetAsync($"/api/v1/cases/{id}");
        await read.ExpectAsync(HttpStatusCode.OK);
        await (await receiver.PostAsync($"/api/v1/cases/{id}/information-requests", new { question = "Which driver version?" }, ifMatch: read.ETag())).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal((false, true), await WaitingAsync());

        read = await sender.GetAsync($"/api/v1/cases/{id}");
        await read.ExpectAsync(HttpStatusCode.OK);
        await (await sender.PostAsync($"/api/v1/cases/{id}/provide-information", new { answer = "Version 12.4" }, ifMatch: read.ETag())).ExpectAsync(HttpStatusCode.OK);
        read = await receiver.GetAsync($"/api/v1/cases/{id}");
        await read.ExpectAsync(HttpStatusCode.OK);
        await (await receiver.PostAsync($"/api/v1/cases/{id}/reject", new { reason = "Not our product" }, ifMatch: read.ETag())).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal((false, false), await WaitingAsync());
    }

    [Fact]
    public async Task Search_finds_a_reference_exactly_and_summary_words_of_open_cases_within_the_callers_box_only()
    {
        var searcher = await hosts.ClientAsync(hosts.Searcher);
        var stranger = await hosts.ClientAsync(hosts.Stranger);
        var receiver = await hosts.ClientAsync(hosts.Receiver);
        var authorisation = await searcher.AuthoriseAsync(["tr-receiver"]);
        var strangerAuthorisation = await stranger.AuthoriseAsync(["tr-receiver"]);
        var printer = await OpenAsync(searcher, "tr-receiver", authorisation, 2, "SRCH-4711", "Printer driver crashes the ERP client");
        var licence = await OpenAsync(searcher, "tr-receiver", authorisation, 3, "SRCH-4712", "Licence server refuses the printer pool");
        var closed = await OpenAsync(searcher, "tr-receiver", authorisation, 3, "SRCH-4713", "Printer queue stalls overnight");
        // Another member's case with the same reference and words: never in the searcher's answers.
        var foreign = await OpenAsync(stranger, "tr-receiver", strangerAuthorisation, 2, "SRCH-4711", "Printer driver crashes too");
        var read = await receiver.GetAsync($"/api/v1/cases/{closed}");
        await read.ExpectAsync(HttpStatusCode.OK);
        await (await receiver.PostAsync($"/api/v1/cases/{closed}/reject", new { reason = "Not our product" }, ifMatch: read.ETag())).ExpectAsync(HttpStatusCode.OK);

        async Task<List<Guid>> SearchAsync(HttpClient client, string box, string q)
        {
            var page = await (await client.GetAsync($"/api/v1/cases?box={box}&q={Uri.EscapeDataString(q)}")).ExpectAsync(HttpStatusCode.OK);
            Assert.Equal(page["items"]!.AsArray().Count, page["total"]!.GetValue<int>());
            return Ids(page);
        }

        // A reference: exact, whatever the case and spacing, in any state; the stranger's same reference stays out.
        Assert.Equal([printer], await SearchAsync(searcher, "outbox", "srch-4711"));
        Assert.Equal([printer], await SearchAsync(searcher, "outbox", "  SRCH-4711 "));
        Assert.Equal([closed], await SearchAsync(searcher, "outbox", "SRCH-4713"));
        Assert.Empty(await SearchAsync(searcher, "outbox", "SRCH-47"));
        Assert.Equal([foreign], await SearchAsync(stranger, "outbox", "SRCH-4711"));

        // Summary words: open cases only, newest first; the rejected case is found by its reference, not its words.
        Assert.Equal([licence, printer], await SearchAsync(searcher, "outbox", "PRINTER"));
        Assert.Equal([licence], await SearchAsync(searcher, "outbox", "licence server"));
        Assert.Empty(await SearchAsync(searcher, "outbox", "overnight"));

        // The receiver's inbox holds both members' cases: a search there finds both of the same reference.
        Assert.Equal(new[] { foreign, printer }.Order(), (await SearchAsync(receiver, "inbox", "SRCH-4711")).Order());
        // A search sorts and filters like the list.
        var sorted = await (await searcher.GetAsync("/api/v1/cases?box=outbox&q=printer&sort=severity")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal([printer, licence], Ids(sorted));
        Assert.Equal([closed], await SearchAsync(searcher, "outbox", closed.ToString()));

        // Operator staff see metadata: a reference or summary words are content, so only an id finds a case.
        var operatorClient = await hosts.ClientAsync(ApiFixture.Operator);
        var byReference = await (await operatorClient.GetAsync("/api/v1/cases?q=SRCH-4711")).ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(Ids(byReference));
        var byWords = await (await operatorClient.GetAsync("/api/v1/cases?q=printer")).ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(Ids(byWords));
        var byId = await (await operatorClient.GetAsync($"/api/v1/cases?q={printer}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal([printer], Ids(byId));
        Assert.Null(byId["items"]![0]!["summary"]);

        var tooLong = await (await searcher.GetAsync($"/api/v1/cases?box=outbox&q={new string('x', 201)}")).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.True(tooLong["errors"]!.AsObject().ContainsKey("q"), tooLong.ToJsonString());

        // The term is content: the list's audit entries record that a search was made, never what was searched.
        await using var db = hosts.Database.CreateContext();
        var entries = await db.AuditEntries.AsNoTracking().Where(e => e.Action == "case.listed" && e.ActorMemberId == "tr-searcher").Select(e => e.Details).ToListAsync();
        Assert.NotEmpty(entries);
        Assert.All(entries, d => Assert.DoesNotContain("SRCH", d ?? "", StringComparison.OrdinalIgnoreCase));
        Assert.All(entries, d => Assert.DoesNotContain("printer", d ?? "", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(entries, d => d!.Contains("\"search\":true", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_member_admin_reads_the_members_cases_and_agreements_but_changes_neither()
    {
        var sender = await hosts.ClientAsync(hosts.Sender);
        var authorisation = await sender.AuthoriseAsync(["tr-receiver"]);
        var id = await OpenAsync(sender, "tr-receiver", authorisation, 2, "TR-ADMIN-1", "Admin can see this");
        var admin = await hosts.ClientAsync(CaseTriageFixture.ReceiverAdmin);

        var inbox = await (await admin.GetAsync("/api/v1/cases?box=inbox&limit=100")).ExpectAsync(HttpStatusCode.OK);
        var line = inbox["items"]!.AsArray().Single(i => i!["id"]!.GetValue<Guid>() == id)!;
        Assert.Equal("Admin can see this", line["summary"]!.GetValue<string>());
        Assert.True(line["waitingOnYou"]!.GetValue<bool>());
        var read = await admin.GetAsync($"/api/v1/cases/{id}");
        await read.ExpectAsync(HttpStatusCode.OK);
        await (await admin.PostAsync($"/api/v1/cases/{id}/accept", new { }, ifMatch: read.ETag())).ExpectAsync(HttpStatusCode.Forbidden);
        await (await admin.PostAsync($"/api/v1/cases/{id}/notes", new { body = "From the admin" })).ExpectAsync(HttpStatusCode.Forbidden);

        var agreements = (await (await admin.GetAsync("/api/v1/agreements")).ExpectAsync(HttpStatusCode.OK)).AsArray();
        Assert.NotEmpty(agreements);
        Assert.All(agreements, a => Assert.Contains(a!["parties"]!.AsArray(), p => p!["partyId"]!.GetValue<string>() == "tr-receiver"));
        await (await admin.PostAsync("/api/v1/agreements", new { kind = "bilateral" })).ExpectAsync(HttpStatusCode.Forbidden);

        // Another member's admin sees nothing of it.
        var other = await (await hosts.ClientAsync(ApiFixture.AcmeAdmin)).GetAsync($"/api/v1/cases/{id}");
        await other.ExpectAsync(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        await using var db = hosts.Database.CreateContext();
        Assert.Equal(CaseStatus.Submitted, (await db.Cases.AsNoTracking().SingleAsync(c => c.Id == id)).Status);
    }
}
