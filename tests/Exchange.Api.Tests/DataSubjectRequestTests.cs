using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Exchange.Core.Cases;
using Exchange.Core.Data;
using Exchange.Core.Identity;
using Exchange.Core.Members;
using Exchange.Testing;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Api.Tests;

/// <summary>The API fixture plus a privacy officer client per member and the operator's, and members that accept a contact phone.</summary>
public sealed class PrivacyFixture : ApiFixture
{
    public static readonly TestClient AcmePrivacy = new("acme-privacy-tool", "test-acme-privacy-secret-0123456789", "acme");
    public static readonly TestClient GlobexPrivacy = new("globex-privacy-tool", "test-globex-privacy-secret-0123456789", "globex");
    public static readonly TestClient InitechPrivacy = new("initech-privacy-tool", "test-initech-privacy-secret-0123456789", "initech");
    public static readonly TestClient OperatorPrivacy = new("exchange-privacy-tool", "test-operator-privacy-secret-0123456789", Member.OperatorId);
    /// <summary>An acme system whose credentials a breach assessment looks into.</summary>
    public static readonly TestClient AcmeLeaky = new("acme-leaky-crm", "test-acme-leaky-secret-0123456789", "acme");

    protected override async Task SeedMoreAsync(ExchangeDbContext db)
    {
        foreach (var client in new[] { AcmePrivacy, GlobexPrivacy, InitechPrivacy, OperatorPrivacy })
        {
            AddClient(db, client, [Roles.PrivacyOfficer], [Scopes.Privacy, Scopes.AgreementsRead]);
        }

        AddClient(db, AcmeLeaky, [Roles.Engineer], [Scopes.CasesRead, Scopes.CasesWrite]);

        foreach (var member in await db.Members.Where(m => m.Id == "acme" || m.Id == "globex").ToListAsync())
        {
            member.IntakePolicy = new Exchange.Core.Members.IntakePolicy
            {
                RequiredFields = member.IntakePolicy.RequiredFields,
                AcceptedFields = [.. member.IntakePolicy.AcceptedFields, FieldCatalogue.CustomerContactPhone],
                FreeTextPersonalData = member.IntakePolicy.FreeTextPersonalData,
                ResponseTargets = member.IntakePolicy.ResponseTargets,
            };
        }
    }
}

/// <summary>
/// Data-subject requests (issue 12): a person who appears in cases of acme and globex and in an
/// authorisation of initech's is found, exported, rectified, restricted and erased, each member's
/// privacy officer seeing only its own member's items.
/// </summary>
public sealed class DataSubjectRequestTests(PrivacyFixture hosts) : IClassFixture<PrivacyFixture>
{
    private sealed record Person(string Email, string Phone, string PhoneOtherForm, string Name);

    private sealed record World(Person Person, Guid AcmeAuthorisation, Guid InitechAuthorisation, Guid Case1, Guid Case2, Guid GlobexCase, Guid Unrelated);

    private static Person NewPerson()
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        var digits = Random.Shared.Next(1000, 9999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new Person($"Pat.{tag}@Person.Example", $"+44 20 7946 {digits}", $"0044 (20) 7946-{digits}", "Pat Quist" + tag);
    }

    private static async Task<Guid> AuthoriseAsync(HttpClient client, string receiver, string? email)
    {
        var response = await client.PostAsync("/api/v1/customer-authorisations", new
        {
            customerOrganisation = "Contoso Manufacturing",
            authorisedBy = new { name = "Someone Else", role = "IT manager", email },
            receivingMemberIds = new[] { receiver },
            purpose = "Diagnose the cross-vendor fault",
            captureMethod = "email",
            evidenceReference = "CRM-" + Guid.NewGuid().ToString("N")[..6],
            dataCategories = new[] { "technical", "organisation", "contact" },
            expiresAt = DateTime.UtcNow.AddDays(30),
        });
        return (await response.ExpectAsync(HttpStatusCode.Created))["id"]!.GetValue<Guid>();
    }

    private static Dictionary<string, string> Fields(string summary, string? email = null, string? phone = null, string? name = null)
    {
        var fields = new Dictionary<string, string>
        {
            ["summary"] = summary, ["product"] = "ERP Suite", ["productVersion"] = "12.4", ["customerOrganisation"] = "Contoso Manufacturing",
        };
        if (email is not null) fields["customerContactEmail"] = email;
        if (phone is not null) fields["customerContactPhone"] = phone;
        if (name is not null) fields["customerContactName"] = name;
        return fields;
    }

    /// <summary>acme: two cases to globex holding the person; globex: one case to acme holding the person's phone in another form; initech: an authorisation naming the person.</summary>
    private async Task<World> WorldAsync(bool initechToo = true)
    {
        var person = NewPerson();
        var acme = await hosts.ClientAsync(ApiFixture.Acme);
        var globex = await hosts.ClientAsync(ApiFixture.Globex);
        var initech = await hosts.ClientAsync(ApiFixture.Initech);
        var acmeAuthorisation = await AuthoriseAsync(acme, "globex", person.Email.ToLowerInvariant());
        var initechAuthorisation = await AuthoriseAsync(initech, "acme", initechToo ? person.Email.ToUpperInvariant() : null);
        var (case1, _) = await acme.OpenCaseAsync("globex", acmeAuthorisation, Fields("Printer crash", person.Email.ToUpperInvariant(), person.Phone, person.Name));
        var (case2, _) = await acme.OpenCaseAsync("globex", acmeAuthorisation, Fields("Scanner stops", person.Email));
        var (unrelated, _) = await acme.OpenCaseAsync("globex", acmeAuthorisation, Fields("Unrelated", "someone.else." + Guid.NewGuid().ToString("N")[..6] + "@other.example"));
        var globexAuthorisation = await AuthoriseAsync(globex, "acme", null);
        var (globexCase, _) = await globex.OpenCaseAsync("acme", globexAuthorisation, Fields("Firmware update fails", phone: person.PhoneOtherForm));
        // The name in a note of a case that holds the person: found case-insensitively.
        await (await globex.PostAsync($"/api/v1/cases/{case1}/notes", new { body = "Called " + person.Name.ToUpperInvariant() + " about the driver." })).ExpectAsync(HttpStatusCode.Created);
        return new World(person, acmeAuthorisation, initechAuthorisation, case1, case2, globexCase, unrelated);
    }

    private static object Request(Person person, string type, string? memberId = null, bool phone = true) => new
    {
        memberId,
        email = person.Email,
        phone = phone ? person.Phone : null,
        name = person.Name,
        identityVerification = "Answered from the registered address; ticket 55",
        type,
    };

    private static List<JsonNode> Items(JsonNode body) => body["items"]!.AsArray().Select(i => i!).ToList();

    private static HashSet<Guid> CaseIdsOf(JsonNode body) =>
        Items(body).Where(i => i["caseId"] is not null).Select(i => i["caseId"]!.GetValue<Guid>()).ToHashSet();

    [Fact]
    public async Task Access_finds_exactly_the_persons_items_of_the_member_and_nothing_of_other_members()
    {
        var world = await WorldAsync();
        var acmePrivacy = await hosts.ClientAsync(PrivacyFixture.AcmePrivacy);
        var created = await (await acmePrivacy.PostAsync("/api/v1/data-subject-requests", Request(world.Person, "access"))).ExpectAsync(HttpStatusCode.Created);
        var request = created["request"]!;
        var id = request["id"]!.GetValue<Guid>();

        Assert.Equal("acme", request["memberId"]!.GetValue<string>());
        Assert.Equal("access", request["type"]!.GetValue<string>());
        var createdAt = request["createdAt"]!.GetValue<DateTime>();
        Assert.Equal(createdAt.AddMonths(1), request["dueAt"]!.GetValue<DateTime>());
        Assert.Equal(new HashSet<Guid> { world.Case1, world.Case2, world.GlobexCase }, CaseIdsOf(created));
        var items = Items(created);
        // Case 1: e-mail (other case), phone, name field and the note with the name; case 2: e-mail; globex's case: the phone in another form.
        Assert.Equal(["customerContactEmail", "customerContactName", "customerContactPhone"],
            items.Where(i => i["caseId"]?.GetValue<Guid>() == world.Case1 && i["kind"]!.GetValue<string>() == "case_field").Select(i => i["part"]!.GetValue<string>()).Order().ToArray());
        Assert.Single(items, i => i["caseId"]?.GetValue<Guid>() == world.Case1 && i["kind"]!.GetValue<string>() == "case_note");
        Assert.Single(items, i => i["caseId"]?.GetValue<Guid>() == world.Case2);
        var globexItem = Assert.Single(items, i => i["caseId"]?.GetValue<Guid>() == world.GlobexCase);
        Assert.Equal("globex", globexItem!["sharedBy"]!.GetValue<string>());
        Assert.Equal("acme", globexItem["sharedWith"]!.GetValue<string>());
        Assert.NotEmpty(globexItem["agreementIds"]!.AsArray());
        var authorisationItems = items.Where(i => i["kind"]!.GetValue<string>() == "customer_authorisation").ToList();
        Assert.All(authorisationItems, i => Assert.Equal(world.AcmeAuthorisation, i["authorisationId"]!.GetValue<Guid>()));
        Assert.Contains(authorisationItems, i => i["part"]!.GetValue<string>() == "authorisedBy.email");
        Assert.DoesNotContain(world.Unrelated, CaseIdsOf(created));
        Assert.DoesNotContain(world.InitechAuthorisation.ToString(), created.ToJsonString(), StringComparison.Ordinal);

        // The export: JSON with the same items; CSV with one row per item.
        var json = await (await acmePrivacy.GetAsync($"/api/v1/data-subject-requests/{id}/export?format=json")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(items.Count, Items(json).Count);
        Assert.Equal("completed", json["request"]!["status"]!.GetValue<string>());
        using var csvResponse = await acmePrivacy.GetAsync($"/api/v1/data-subject-requests/{id}/export?format=csv");
        Assert.Equal(HttpStatusCode.OK, csvResponse.StatusCode);
        Assert.Equal("text/csv", csvResponse.Content.Headers.ContentType!.MediaType);
        var rows = ParseCsv(await csvResponse.Content.ReadAsStringAsync());
        Assert.Equal(["kind", "caseId", "authorisationId", "part", "value", "sharedBy", "sharedWith", "sharedAt", "agreementIds", "purgeDueAt", "status"], rows[0]);
        Assert.Equal(items.Count, rows.Count - 1);
        Assert.All(rows, r => Assert.Equal(11, r.Count));
        Assert.Contains(rows, r => r[3] == "customerContactEmail" && r[4] == world.Person.Email.ToUpperInvariant() && r[1] == world.Case1.ToString());
        Assert.Contains(rows, r => r[0] == "case_note" && r[4].Contains(world.Person.Name.ToUpperInvariant(), StringComparison.Ordinal));
        await (await acmePrivacy.GetAsync($"/api/v1/data-subject-requests/{id}/export?format=xml")).ExpectRefusalAsync(HttpStatusCode.BadRequest, "validation_failed");

        // Globex's privacy officer finds globex's side of the same cases, and never acme's authorisation record.
        var globexPrivacy = await hosts.ClientAsync(PrivacyFixture.GlobexPrivacy);
        var globexFound = await (await globexPrivacy.PostAsync("/api/v1/data-subject-requests", Request(world.Person, "access"))).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(new HashSet<Guid> { world.Case1, world.Case2, world.GlobexCase }, CaseIdsOf(globexFound));
        Assert.DoesNotContain(Items(globexFound), i => i["kind"]!.GetValue<string>() == "customer_authorisation");

        // Initech finds only its own authorisation; acme's and globex's cases stay out of reach.
        var initechPrivacy = await hosts.ClientAsync(PrivacyFixture.InitechPrivacy);
        var initechFound = await (await initechPrivacy.PostAsync("/api/v1/data-subject-requests", Request(world.Person, "access"))).ExpectAsync(HttpStatusCode.Created);
        Assert.Empty(CaseIdsOf(initechFound));
        Assert.All(Items(initechFound), i => Assert.Equal(world.InitechAuthorisation, i["authorisationId"]!.GetValue<Guid>()));
        Assert.NotEmpty(Items(initechFound));

        // Another member's request is 404; a member cannot open one for another member.
        await (await globexPrivacy.GetAsync($"/api/v1/data-subject-requests/{id}")).ExpectRefusalAsync(HttpStatusCode.NotFound, "not_found");
        await (await globexPrivacy.GetAsync($"/api/v1/data-subject-requests/{id}/export?format=csv")).ExpectRefusalAsync(HttpStatusCode.NotFound, "not_found");
        await (await globexPrivacy.PostAsync("/api/v1/data-subject-requests", Request(world.Person, "access", memberId: "acme"))).ExpectRefusalAsync(HttpStatusCode.BadRequest, "validation_failed");
        var globexList = await (await globexPrivacy.GetAsync("/api/v1/data-subject-requests")).ExpectAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(globexList["items"]!.AsArray(), r => r!["id"]!.GetValue<Guid>() == id);

        // Engineers, admins and operator staff without the role are refused; no token is 401.
        await (await (await hosts.ClientAsync(ApiFixture.Acme)).GetAsync("/api/v1/data-subject-requests")).ExpectRefusalAsync(HttpStatusCode.Forbidden, "insufficient_scope");
        await (await (await hosts.ClientAsync(ApiFixture.Operator)).GetAsync($"/api/v1/data-subject-requests/{id}")).ExpectRefusalAsync(HttpStatusCode.Forbidden, "insufficient_scope");
        Assert.Equal(HttpStatusCode.Unauthorized, (await hosts.Anonymous().GetAsync("/api/v1/data-subject-requests")).StatusCode);

        // Every case the request opened is audited with the request's id.
        await using var db = hosts.Database.CreateContext();
        var audited = await db.AuditEntries.AsNoTracking().Where(e => e.Action == "case.read" && e.Details != null && e.Details.Contains(id.ToString())).Select(e => e.CaseId).ToListAsync();
        Assert.Superset(new HashSet<Guid?> { world.Case1, world.Case2, world.GlobexCase }, audited.ToHashSet());
        Assert.DoesNotContain(world.Person.Email.ToLowerInvariant(), string.Join(' ', await db.AuditEntries.AsNoTracking().Select(e => e.Details ?? "").ToListAsync()).ToLowerInvariant(), StringComparison.Ordinal);

        // The other member of each case is told which case and which right, not who.
        var told = await db.OutboxMessages.AsNoTracking().Where(m => m.EventType == "case.data_subject_request").ToListAsync();
        var toGlobex = told.Where(m => m.RecipientMemberIds.SequenceEqual(new[] { "globex" }) && (m.CaseId == world.Case1 || m.CaseId == world.Case2)).ToList();
        Assert.Equal(2, toGlobex.Count);
        Assert.All(told, m => Assert.DoesNotContain("person.example", m.Payload, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task The_operator_privacy_officer_opens_a_request_for_a_named_member_and_the_due_date_extends_once_with_a_reason()
    {
        var world = await WorldAsync();
        var operatorPrivacy = await hosts.ClientAsync(PrivacyFixture.OperatorPrivacy);
        await (await operatorPrivacy.PostAsync("/api/v1/data-subject-requests", Request(world.Person, "access"))).ExpectRefusalAsync(HttpStatusCode.BadRequest, "validation_failed");
        var created = await (await operatorPrivacy.PostAsync("/api/v1/data-subject-requests", Request(world.Person, "access", memberId: "globex"))).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(new HashSet<Guid> { world.Case1, world.Case2, world.GlobexCase }, CaseIdsOf(created));
        var id = created["request"]!["id"]!.GetValue<Guid>();
        var createdAt = created["request"]!["createdAt"]!.GetValue<DateTime>();

        var extended = await (await operatorPrivacy.PostAsync($"/api/v1/data-subject-requests/{id}/extension", new { reason = "Complex: many cases" })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(createdAt.AddMonths(3), extended["dueAt"]!.GetValue<DateTime>());
        Assert.Equal("Complex: many cases", extended["extensionReason"]!.GetValue<string>());
        await (await operatorPrivacy.PostAsync($"/api/v1/data-subject-requests/{id}/extension", new { reason = "again" })).ExpectRefusalAsync(HttpStatusCode.Conflict, "data_subject_request_state");
        await (await operatorPrivacy.PostAsync($"/api/v1/data-subject-requests/{id}/erasure", null)).ExpectRefusalAsync(HttpStatusCode.Conflict, "data_subject_request_right");

        // The operator's reads of case content within the procedure are audited with its id.
        await using var db = hosts.Database.CreateContext();
        Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == "case.read" && e.ActorMemberId == Member.OperatorId && e.CaseId == world.GlobexCase
            && e.Details != null && e.Details.Contains("data_subject_request") && e.Details.Contains(id.ToString())));
        // Outside the procedure operator staff still get 404 for the case itself.
        await (await (await hosts.ClientAsync(ApiFixture.Operator)).GetAsync($"/api/v1/cases/{world.Case1}")).ExpectRefusalAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Rectification_changes_every_occurrence_and_the_old_address_finds_nothing_afterwards()
    {
        var world = await WorldAsync();
        var acmePrivacy = await hosts.ClientAsync(PrivacyFixture.AcmePrivacy);
        var created = await (await acmePrivacy.PostAsync("/api/v1/data-subject-requests", Request(world.Person, "rectification"))).ExpectAsync(HttpStatusCode.Created);
        var id = created["request"]!["id"]!.GetValue<Guid>();
        var newEmail = "pat.new." + Guid.NewGuid().ToString("N")[..8] + "@person.example";
        var newName = "Patricia Quist";
        var rectified = await (await acmePrivacy.PostAsync($"/api/v1/data-subject-requests/{id}/rectification", new { email = newEmail, name = newName })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("completed", rectified["request"]!["status"]!.GetValue<string>());
        await (await acmePrivacy.PostAsync($"/api/v1/data-subject-requests/{id}/rectification", new { email = newEmail })).ExpectRefusalAsync(HttpStatusCode.Conflict, "data_subject_request_state");

        var acme = await hosts.ClientAsync(ApiFixture.Acme);
        var globex = await hosts.ClientAsync(ApiFixture.Globex);
        var case1 = await (await globex.GetAsync($"/api/v1/cases/{world.Case1}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(newEmail, case1["fields"]!["customerContactEmail"]!.GetValue<string>());
        Assert.Equal(newName, case1["fields"]!["customerContactName"]!.GetValue<string>());
        Assert.Equal(world.Person.Phone, case1["fields"]!["customerContactPhone"]!.GetValue<string>());
        var case2 = await (await acme.GetAsync($"/api/v1/cases/{world.Case2}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(newEmail, case2["fields"]!["customerContactEmail"]!.GetValue<string>());
        var notes = await (await acme.GetAsync($"/api/v1/cases/{world.Case1}/notes")).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(notes.AsArray(), n => n!["body"]!.GetValue<string>() == $"Called {newName} about the driver.");
        var authorisation = await (await acme.GetAsync($"/api/v1/customer-authorisations/{world.AcmeAuthorisation}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(newEmail, authorisation["authorisedBy"]!["email"]!.GetValue<string>());

        // The old address no longer finds anything of acme's; the new one finds the cases.
        var old = await (await acmePrivacy.PostAsync("/api/v1/data-subject-requests", Request(world.Person with { Name = "Nobody Known" }, "access", phone: false))).ExpectAsync(HttpStatusCode.Created);
        Assert.Empty(Items(old));
        var renewed = await (await acmePrivacy.PostAsync("/api/v1/data-subject-requests", Request(world.Person with { Email = newEmail.ToUpperInvariant(), Name = "Nobody Known" }, "access", phone: false)))
            .ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(new HashSet<Guid> { world.Case1, world.Case2 }, CaseIdsOf(renewed));
        // The unrelated case was not touched.
        var unrelated = await (await acme.GetAsync($"/api/v1/cases/{world.Unrelated}")).ExpectAsync(HttpStatusCode.OK);
        Assert.DoesNotContain("person.example", unrelated.ToJsonString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_restricted_case_refuses_a_note_and_changes_with_case_restricted_until_lifted()
    {
        var world = await WorldAsync();
        var acmePrivacy = await hosts.ClientAsync(PrivacyFixture.AcmePrivacy);
        var created = await (await acmePrivacy.PostAsync("/api/v1/data-subject-requests", Request(world.Person, "objection"))).ExpectAsync(HttpStatusCode.Created);
        var id = created["request"]!["id"]!.GetValue<Guid>();
        await (await acmePrivacy.PostAsync($"/api/v1/data-subject-requests/{id}/lift", new { reason = "r" })).ExpectRefusalAsync(HttpStatusCode.Conflict, "data_subject_request_state");
        var restricted = await (await acmePrivacy.PostAsync($"/api/v1/data-subject-requests/{id}/restriction", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("restricted", restricted["status"]!.GetValue<string>());

        var acme = await hosts.ClientAsync(ApiFixture.Acme);
        var globex = await hosts.ClientAsync(ApiFixture.Globex);
        await (await acme.PostAsync($"/api/v1/cases/{world.Case1}/notes", new { body = "More logs attached." })).ExpectRefusalAsync(HttpStatusCode.Conflict, "case_restricted");
        await (await globex.PostAsync($"/api/v1/cases/{world.Case2}/notes", new { body = "More logs attached." })).ExpectRefusalAsync(HttpStatusCode.Conflict, "case_restricted");
        var etag = (await globex.GetAsync($"/api/v1/cases/{world.Case1}")).ETag();
        await (await globex.PostAsync($"/api/v1/cases/{world.Case1}/accept", new { receiverCaseReference = "GLX-9" }, ifMatch: etag)).ExpectRefusalAsync(HttpStatusCode.Conflict, "case_restricted");
        // The cases stay stored and readable; the unrelated case is not held.
        await (await acme.GetAsync($"/api/v1/cases/{world.Case1}")).ExpectAsync(HttpStatusCode.OK);
        await (await acme.PostAsync($"/api/v1/cases/{world.Unrelated}/notes", new { body = "Still fine." })).ExpectAsync(HttpStatusCode.Created);
        // The restricted authorisation cannot be cited by a new case.
        var refused = await acme.PostAsync("/api/v1/cases", Api.CaseBody("globex", world.AcmeAuthorisation));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);

        var lifted = await (await acmePrivacy.PostAsync($"/api/v1/data-subject-requests/{id}/lift", new { reason = "The customer withdrew the objection" })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("lifted", lifted["status"]!.GetValue<string>());
        await (await acme.PostAsync($"/api/v1/cases/{world.Case1}/notes", new { body = "More logs attached." })).ExpectAsync(HttpStatusCode.Created);
        await (await acme.PostAsync("/api/v1/cases", Api.CaseBody("globex", world.AcmeAuthorisation))).ExpectAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_restriction_waits_for_a_change_of_one_of_its_cases_under_way_and_the_next_change_is_refused()
    {
        // The per-case lock is a database lock between nodes; SQLite has one writer and needs none.
        if (hosts.Database.Provider != DatabaseProvider.Postgres)
        {
            return;
        }

        var world = await WorldAsync(initechToo: false);
        var acmePrivacy = await hosts.ClientAsync(PrivacyFixture.AcmePrivacy);
        var created = await (await acmePrivacy.PostAsync("/api/v1/data-subject-requests", Request(world.Person, "restriction"))).ExpectAsync(HttpStatusCode.Created);
        var id = created["request"]!["id"]!.GetValue<Guid>();
        // A note under way on another node: it holds the case (as the API's note does) and has not committed yet.
        await using var db = hosts.Database.CreateContext();
        await using (var note = await db.Database.BeginTransactionAsync())
        {
            await CaseLocks.LockCasesAsync(db, [world.Case2], CancellationToken.None);

            var restriction = acmePrivacy.PostAsync($"/api/v1/data-subject-requests/{id}/restriction", null);
            await Task.Delay(TimeSpan.FromSeconds(1));
            Assert.False(restriction.IsCompleted, "the restriction did not wait for the change of its case under way");
            await note.CommitAsync();

            var restricted = await (await restriction).ExpectAsync(HttpStatusCode.OK);
            Assert.Equal("restricted", restricted["status"]!.GetValue<string>());
        }

        var globex = await hosts.ClientAsync(ApiFixture.Globex);
        await (await globex.PostAsync($"/api/v1/cases/{world.Case2}/notes", new { body = "More logs attached." })).ExpectRefusalAsync(HttpStatusCode.Conflict, "case_restricted");
        // A second officer carrying the same request out again is told it has been.
        await (await acmePrivacy.PostAsync($"/api/v1/data-subject-requests/{id}/restriction", null)).ExpectRefusalAsync(HttpStatusCode.Conflict, "data_subject_request_state");
    }

    [Fact]
    public async Task Erasure_purges_through_the_purge_path_and_leaves_no_trace_of_the_address_in_answers_exports_or_the_database_file()
    {
        // Initech's own record of the person is initech's to erase, not acme's: left out here so the file can be checked whole.
        var world = await WorldAsync(initechToo: false);
        var acmePrivacy = await hosts.ClientAsync(PrivacyFixture.AcmePrivacy);
        var created = await (await acmePrivacy.PostAsync("/api/v1/data-subject-requests", Request(world.Person, "erasure"))).ExpectAsync(HttpStatusCode.Created);
        var id = created["request"]!["id"]!.GetValue<Guid>();
        var erased = await (await acmePrivacy.PostAsync($"/api/v1/data-subject-requests/{id}/erasure", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("erased", erased["status"]!.GetValue<string>());

        var email = world.Person.Email.ToLowerInvariant();
        var answers = new StringBuilder(erased.ToJsonString());
        var acme = await hosts.ClientAsync(ApiFixture.Acme);
        var globex = await hosts.ClientAsync(ApiFixture.Globex);
        foreach (var caseId in new[] { world.Case1, world.Case2, world.GlobexCase })
        {
            var tombstone = await (await globex.GetAsync($"/api/v1/cases/{caseId}")).ExpectAsync(HttpStatusCode.OK);
            Assert.Equal("purged", tombstone["status"]!.GetValue<string>());
            answers.Append(tombstone.ToJsonString());
            answers.Append(await (await acme.GetAsync($"/api/v1/audit?caseId={caseId}")).Content.ReadAsStringAsync());
        }

        answers.Append(await (await acme.GetAsync($"/api/v1/customer-authorisations/{world.AcmeAuthorisation}")).Content.ReadAsStringAsync());
        answers.Append(await (await acme.GetAsync("/api/v1/cases?limit=100&status=purged")).Content.ReadAsStringAsync());
        answers.Append(await (await acmePrivacy.GetAsync($"/api/v1/data-subject-requests/{id}")).Content.ReadAsStringAsync());
        answers.Append(await (await acmePrivacy.GetAsync("/api/v1/data-subject-requests")).Content.ReadAsStringAsync());
        answers.Append(await (await acmePrivacy.GetAsync($"/api/v1/data-subject-requests/{id}/export?format=json")).Content.ReadAsStringAsync());
        answers.Append(await (await acmePrivacy.GetAsync($"/api/v1/data-subject-requests/{id}/export?format=csv")).Content.ReadAsStringAsync());
        Assert.DoesNotContain(email, answers.ToString().ToLowerInvariant(), StringComparison.Ordinal);
        Assert.DoesNotContain(world.Person.Name.ToLowerInvariant(), answers.ToString().ToLowerInvariant(), StringComparison.Ordinal);
        // The unrelated case of the same members is untouched; the same address now finds nothing.
        await (await acme.GetAsync($"/api/v1/cases/{world.Unrelated}")).ExpectAsync(HttpStatusCode.OK);
        var again = await (await acmePrivacy.PostAsync("/api/v1/data-subject-requests", Request(world.Person, "access"))).ExpectAsync(HttpStatusCode.Created);
        Assert.Empty(Items(again));

        await using (var db = hosts.Database.CreateContext())
        {
            Assert.False(await db.CaseDataKeys.AnyAsync(k => k.CaseId == world.Case1 || k.CaseId == world.Case2 || k.CaseId == world.GlobexCase));
            Assert.Equal(3, await db.AuditEntries.CountAsync(e => e.Action == CasePurger.AuditAction && e.Details!.Contains("data_subject_erasure")
                && (e.CaseId == world.Case1 || e.CaseId == world.Case2 || e.CaseId == world.GlobexCase)));
            // The access request just opened names the person again; take it away before looking at the file.
            await db.DataSubjectRequests.Where(r => r.Id == again["request"]!["id"]!.GetValue<Guid>())
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.SubjectEmail, (string?)null).SetProperty(r => r.SubjectName, (string?)null).SetProperty(r => r.SubjectPhone, (string?)null));
            await ProviderStatements.ScrubFreedPagesAsync(db, default);
        }

        if (hosts.Database.SqliteFile is { } file)
        {
            var bytes = await File.ReadAllBytesAsync(file);
            var text = Encoding.UTF8.GetString(bytes).ToLowerInvariant();
            Assert.DoesNotContain(email, text, StringComparison.Ordinal);
            // The check can fail: the file does hold what the cases still in it hold.
            Assert.Contains("contoso manufacturing", text, StringComparison.Ordinal);
        }
    }

    /// <summary>RFC 4180 as a spreadsheet reads it: quoted fields may hold commas, quotes and line breaks.</summary>
    private static List<List<string>> ParseCsv(string text)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { row.Add(field.ToString()); field.Clear(); }
            else if (c == '\r') { }
            else if (c == '\n') { row.Add(field.ToString()); field.Clear(); rows.Add(row); row = []; }
            else field.Append(c);
        }

        return rows;
    }
}
