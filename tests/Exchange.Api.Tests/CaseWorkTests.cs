using System.Net;
using System.Text.Json.Nodes;
using Exchange.Core.Cases;
using Exchange.Core.Data;
using Exchange.Core.Mail;
using Exchange.Testing;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Api.Tests;

/// <summary>The demo data plus a first-party sign-in client, so tests can act as the demo's engineers with user tokens.</summary>
public sealed class CaseWorkFixture : ApiFixture
{
    public const string AliceEmail = "alice@acme.example";
    public const string GinaEmail = "gina@globex.example";
    public const string AlicePhone = "+44 20 7946 0001";

    private string _appSecret = "";

    protected override async Task SeedMoreAsync(ExchangeDbContext db)
    {
        _appSecret = await IdentityTokens.AddUserAppClientAsync(db);
        var alice = await db.Users.SingleAsync(u => u.Email == AliceEmail);
        alice.PhoneNumber = AlicePhone;
    }

    /// <summary>A demo user's own API client: a real code-flow sign-in at Identity, the token the portal would hold.</summary>
    public async Task<HttpClient> UserAsync(string email)
    {
        using var browser = Identity.CreateClient(new WebApplicationFactoryClientOptions
        {
            BaseAddress = new Uri(Issuer), AllowAutoRedirect = false, HandleCookies = true,
        });
        var token = await IdentityTokens.UserAsync(browser, email, DemoSeed.UserPassword, "openid profile cases:read cases:write authorisations:write", "test-user-app", _appSecret);
        return ServiceClient(token);
    }
}

/// <summary>
/// Issue 15's case work at the API: withdrawing a request, the allowed actions the lifecycle gives each
/// caller, who wrote a note, and who owns the case on each side.
/// </summary>
public sealed class CaseWorkTests(CaseWorkFixture hosts) : IClassFixture<CaseWorkFixture>
{
    private static List<string> Actions(JsonNode body) => body["allowedActions"]!.AsArray().Select(a => a!.GetValue<string>()).ToList();

    private async Task<(HttpClient Acme, HttpClient Globex, Guid Id, string ETag)> OpenAsync()
    {
        var acme = await hosts.ClientAsync(ApiFixture.Acme);
        var globex = await hosts.ClientAsync(ApiFixture.Globex);
        var authorisation = await acme.AuthoriseAsync(["globex"]);
        var (id, etag) = await acme.OpenCaseAsync("globex", authorisation);
        return (acme, globex, id, etag);
    }

    [Fact]
    public async Task The_submitter_withdraws_an_open_request_which_concludes_it_starts_the_retention_clock_and_tells_the_receiver()
    {
        var (acme, globex, id, etag) = await OpenAsync();
        var initech = await hosts.ClientAsync(ApiFixture.Initech);

        // Deny first: another member's case is 404, the receiver may not withdraw, and If-Match is required.
        await (await initech.PostAsync($"/api/v1/cases/{id}/withdraw", null, ifMatch: etag)).ExpectRefusalAsync(HttpStatusCode.NotFound, "not_found");
        await (await globex.PostAsync($"/api/v1/cases/{id}/withdraw", null, ifMatch: etag)).ExpectRefusalAsync(HttpStatusCode.Forbidden, "side_not_permitted");
        await (await acme.PostAsync($"/api/v1/cases/{id}/withdraw", null)).ExpectRefusalAsync(HttpStatusCode.PreconditionRequired, "if_match_required");
        var admin = await hosts.ClientAsync(ApiFixture.AcmeAdmin);
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.PostAsync($"/api/v1/cases/{id}/withdraw", null, ifMatch: etag)).StatusCode);

        var withdrawn = await acme.PostAsync($"/api/v1/cases/{id}/withdraw", null, ifMatch: etag);
        var body = await withdrawn.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("withdrawn", body["status"]!.GetValue<string>());
        Assert.Empty(Actions(body));
        Assert.Null(body["responseDueAt"]);
        var concludedAt = body["concludedAt"]!.GetValue<DateTime>();
        Assert.True(body["purgeDueAt"]!.GetValue<DateTime>() > concludedAt, "the retention clock starts at the withdrawal");

        // A repeat with the ETag it was sent with is stale; with the new one the state refuses it. Nothing changes twice.
        await (await acme.PostAsync($"/api/v1/cases/{id}/withdraw", null, ifMatch: etag)).ExpectRefusalAsync(HttpStatusCode.PreconditionFailed, "etag_stale");
        await (await acme.PostAsync($"/api/v1/cases/{id}/withdraw", null, ifMatch: withdrawn.ETag())).ExpectRefusalAsync(HttpStatusCode.Conflict, "invalid_transition");
        await (await globex.PostAsync($"/api/v1/cases/{id}/notes", new { body = "too late" })).ExpectRefusalAsync(HttpStatusCode.Conflict, "invalid_transition");

        await using var db = hosts.Database.CreateContext();
        var stored = await db.Cases.AsNoTracking().SingleAsync(c => c.Id == id);
        Assert.Equal(CaseStatus.Withdrawn, stored.Status);
        Assert.NotNull(stored.PurgeDueAt);
        var events = await db.OutboxMessages.AsNoTracking().Where(m => m.CaseId == id && m.EventType == "case.withdrawn").ToListAsync();
        var message = Assert.Single(events);
        Assert.Contains("globex", message.RecipientMemberIds);
        Assert.Contains("\"type\":\"case.withdrawn\"", message.Payload, StringComparison.Ordinal);
        Assert.Contains(await db.AuditEntries.AsNoTracking().Where(e => e.CaseId == id).Select(e => e.Action).ToListAsync(), a => a == "case.withdrawn");

        // Mail goes to the receiver's engineers only, and says nothing of the case beyond who withdrew it.
        Assert.Equal(["globex"], CaseMail.RecipientsOf("case.withdrawn", "acme", "globex", message.RecipientMemberIds));
        var (subject, text) = CaseMail.Compose("case.withdrawn", id, "globex", "Acme Software Ltd", "Globex Hardware GmbH", "acme", null);
        Assert.Equal("Acme Software Ltd withdrew a collaboration request", subject);
        Assert.DoesNotContain("Printer", text, StringComparison.Ordinal);

        // A withdrawn case is listed under its state, and the purge leaves a tombstone whose outcome says withdrawn.
        var listed = await (await acme.GetAsync("/api/v1/cases?box=outbox&status=withdrawn&limit=100")).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(listed["items"]!.AsArray(), i => i!["id"]!.GetValue<Guid>() == id);
        var audit = new Exchange.Core.Audit.AuditLog(db, TimeProvider.System);
        await new CasePurger(db, audit, TimeProvider.System).PurgeNowAsync([id], Exchange.Core.Audit.AuditActor.System, "retention_elapsed");
        var tombstone = await (await globex.GetAsync($"/api/v1/cases/{id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("withdrawn", tombstone["purge"]!["outcome"]!.GetValue<string>());
        Assert.Empty(Actions(tombstone));
    }

    [Fact]
    public async Task An_accepted_request_can_still_be_withdrawn_but_a_resolved_one_cannot()
    {
        var (acme, globex, id, etag) = await OpenAsync();
        var accepted = await globex.PostAsync($"/api/v1/cases/{id}/accept", new { }, ifMatch: etag);
        await accepted.ExpectAsync(HttpStatusCode.OK);
        await (await acme.PostAsync($"/api/v1/cases/{id}/withdraw", null, ifMatch: accepted.ETag())).ExpectAsync(HttpStatusCode.OK);

        var (_, _, other, otherEtag) = await OpenAsync();
        var acceptedOther = await globex.PostAsync($"/api/v1/cases/{other}/accept", new { }, ifMatch: otherEtag);
        await acceptedOther.ExpectAsync(HttpStatusCode.OK);
        var resolved = await globex.PostAsync($"/api/v1/cases/{other}/resolve", new { stepsTaken = "x", conclusion = "y" }, ifMatch: acceptedOther.ETag());
        await resolved.ExpectAsync(HttpStatusCode.OK);
        await (await acme.PostAsync($"/api/v1/cases/{other}/withdraw", null, ifMatch: resolved.ETag())).ExpectRefusalAsync(HttpStatusCode.Conflict, "invalid_transition");
    }

    [Fact]
    public async Task Each_caller_is_given_the_actions_the_lifecycle_allows_it_in_each_state()
    {
        var (acme, globex, id, etag) = await OpenAsync();
        var acmeAdmin = await hosts.ClientAsync(ApiFixture.AcmeAdmin);

        async Task<List<string>> ActionsOf(HttpClient client) => Actions(await (await client.GetAsync($"/api/v1/cases/{id}")).ExpectAsync(HttpStatusCode.OK));

        // Submitted.
        Assert.Equal(["add_note", "withdraw"], await ActionsOf(acme));
        Assert.Equal(["accept", "request_information", "reject", "add_note"], await ActionsOf(globex));
        Assert.Empty(await ActionsOf(acmeAdmin));

        // Information requested: the answer is the submitter's to give.
        var asked = await globex.PostAsync($"/api/v1/cases/{id}/information-requests", new { question = "Which version?" }, ifMatch: etag);
        Assert.Equal(["add_note"], Actions(await asked.ExpectAsync(HttpStatusCode.OK)));
        Assert.Equal(["provide_information", "add_note", "withdraw"], await ActionsOf(acme));

        var answered = await acme.PostAsync($"/api/v1/cases/{id}/provide-information", new { answer = "12.4" }, ifMatch: asked.ETag());
        Assert.Equal(["add_note", "withdraw"], Actions(await answered.ExpectAsync(HttpStatusCode.OK)));

        // Accepted: either side resolves; only the submitter withdraws.
        var accepted = await globex.PostAsync($"/api/v1/cases/{id}/accept", new { }, ifMatch: answered.ETag());
        Assert.Equal(["resolve", "add_note"], Actions(await accepted.ExpectAsync(HttpStatusCode.OK)));
        Assert.Equal(["resolve", "add_note", "withdraw"], await ActionsOf(acme));

        // Resolved: nothing left for anyone.
        var resolved = await acme.PostAsync($"/api/v1/cases/{id}/resolve", new { stepsTaken = "x", conclusion = "y" }, ifMatch: accepted.ETag());
        Assert.Empty(Actions(await resolved.ExpectAsync(HttpStatusCode.OK)));
        Assert.Empty(await ActionsOf(globex));
    }

    [Fact]
    public async Task A_note_carries_its_authors_name_and_initials_and_the_owners_show_once_accepted_to_the_two_members_only()
    {
        var alice = await hosts.UserAsync(CaseWorkFixture.AliceEmail);
        var gina = await hosts.UserAsync(CaseWorkFixture.GinaEmail);
        var authorisation = await alice.AuthoriseAsync(["globex"]);
        var (id, etag) = await alice.OpenCaseAsync("globex", authorisation);

        // Before acceptance nobody is named as owner.
        var before = await (await gina.GetAsync($"/api/v1/cases/{id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Null(before["owners"]);

        var accepted = await gina.PostAsync($"/api/v1/cases/{id}/accept", new { receiverCaseReference = "GX-1" }, ifMatch: etag);
        await accepted.ExpectAsync(HttpStatusCode.OK);
        var added = await (await alice.PostAsync($"/api/v1/cases/{id}/notes", new { body = "Logs attached in our ticket." })).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("Alice Archer", added["authorName"]!.GetValue<string>());
        Assert.Equal("AA", added["authorInitials"]!.GetValue<string>());

        var machine = await hosts.ClientAsync(ApiFixture.Globex);
        await (await machine.PostAsync($"/api/v1/cases/{id}/notes", new { body = "Synced from our CRM." })).ExpectAsync(HttpStatusCode.Created);
        var notes = (await (await gina.GetAsync($"/api/v1/cases/{id}/notes")).ExpectAsync(HttpStatusCode.OK)).AsArray();
        Assert.Equal(["Alice Archer", null], notes.Select(n => n!["authorName"]?.GetValue<string>()));
        Assert.Equal(["AA", "GL"], notes.Select(n => n!["authorInitials"]!.GetValue<string>()));

        // The name is case content: ciphertext in the database like the body.
        await using (var db = hosts.Database.CreateContext())
        {
            var stored = await db.Database.SqlQuery<string>($"SELECT \"AuthorName\" AS \"Value\" FROM case_notes WHERE \"CaseId\" = {id} AND \"AuthorName\" IS NOT NULL").ToListAsync();
            Assert.DoesNotContain("Alice", Assert.Single(stored), StringComparison.Ordinal);
        }

        foreach (var member in new[] { alice, gina })
        {
            var owners = (await (await member.GetAsync($"/api/v1/cases/{id}")).ExpectAsync(HttpStatusCode.OK))["owners"]!;
            Assert.Equal("acme", owners["submitter"]!["memberId"]!.GetValue<string>());
            Assert.Equal("Alice Archer", owners["submitter"]!["name"]!.GetValue<string>());
            Assert.Equal(CaseWorkFixture.AliceEmail, owners["submitter"]!["email"]!.GetValue<string>());
            Assert.Equal(CaseWorkFixture.AlicePhone, owners["submitter"]!["phone"]!.GetValue<string>());
            Assert.Equal("globex", owners["receiver"]!["memberId"]!.GetValue<string>());
            Assert.Equal("Gina Gale", owners["receiver"]!["name"]!.GetValue<string>());
            Assert.Equal(CaseWorkFixture.GinaEmail, owners["receiver"]!["email"]!.GetValue<string>());
            Assert.Null(owners["receiver"]!["phone"]);
        }

        // A third member and operator staff get the 404 of an id that never existed: no owners, no names.
        var initech = await hosts.ClientAsync(ApiFixture.Initech);
        await (await initech.GetAsync($"/api/v1/cases/{id}")).ExpectRefusalAsync(HttpStatusCode.NotFound, "not_found");
        await (await initech.GetAsync($"/api/v1/cases/{id}/notes")).ExpectRefusalAsync(HttpStatusCode.NotFound, "not_found");
        var operatorStaff = await hosts.ClientAsync(ApiFixture.Operator);
        await (await operatorStaff.GetAsync($"/api/v1/cases/{id}")).ExpectRefusalAsync(HttpStatusCode.NotFound, "not_found");
    }
}
