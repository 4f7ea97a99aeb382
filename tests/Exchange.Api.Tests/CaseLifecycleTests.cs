using System.Net;
using Exchange.Core.Agreements;
using Exchange.Core.Cases;
using Exchange.Core.Content;
using Exchange.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Api.Tests;

public sealed class LifecycleFixture : ApiFixture
{
    public TestClient Long { get; private set; } = null!;
    public TestClient Short { get; private set; } = null!;

    protected override IDictionary<string, string?> ServiceSettings => new Dictionary<string, string?> { ["Exchange:Retention:Default"] = "10.00:00:00" };

    protected override Task SeedMoreAsync(ExchangeDbContext db)
    {
        Long = AddMemberWithClient(db, "lc-long", "EU", retention: TimeSpan.FromDays(5));
        Short = AddMemberWithClient(db, "lc-short", "EU", retention: TimeSpan.FromDays(1));
        AddAgreement(db, AgreementKind.Bilateral, ["lc-long", "lc-short"], [DataCategory.Technical, DataCategory.Organisation, DataCategory.Contact], ["EU"]);
        return Task.CompletedTask;
    }
}

/// <summary>State changes, ETags, concurrency, retention, withdrawal, idempotency, notes, lists and the audit trail.</summary>
public sealed class CaseLifecycleTests(LifecycleFixture hosts) : IClassFixture<LifecycleFixture>
{
    private async Task<(HttpClient Acme, HttpClient Globex, Guid Id, string ETag, Guid Authorisation)> OpenAsync()
    {
        var acme = await hosts.ClientAsync(ApiFixture.Acme);
        var globex = await hosts.ClientAsync(ApiFixture.Globex);
        var authorisation = await acme.AuthoriseAsync(["globex"]);
        var (id, etag) = await acme.OpenCaseAsync("globex", authorisation);
        return (acme, globex, id, etag, authorisation);
    }

    [Fact]
    public async Task A_state_change_without_If_Match_is_428_and_with_a_stale_or_weak_ETag_is_412()
    {
        var (_, globex, id, etag, _) = await OpenAsync();
        await (await globex.PostAsync($"/api/v1/cases/{id}/accept", new { })).ExpectRefusalAsync(HttpStatusCode.PreconditionRequired, "if_match_required");
        await (await globex.PostAsync($"/api/v1/cases/{id}/accept", new { }, ifMatch: "\"00000000000000000000000000000000\"")).ExpectRefusalAsync(HttpStatusCode.PreconditionFailed, "etag_stale");
        await (await globex.PostAsync($"/api/v1/cases/{id}/accept", new { }, ifMatch: "W/" + etag)).ExpectRefusalAsync(HttpStatusCode.PreconditionFailed, "etag_stale");
        await (await globex.PostAsync($"/api/v1/cases/{id}/accept", new { }, ifMatch: "*")).ExpectRefusalAsync(HttpStatusCode.PreconditionFailed, "etag_stale");

        var read = await globex.GetAsync($"/api/v1/cases/{id}");
        Assert.Equal("submitted", (await read.ExpectAsync(HttpStatusCode.OK))["status"]!.GetValue<string>());
        Assert.Equal(etag, read.ETag());
        Assert.False(read.Headers.ETag!.IsWeak);
    }

    [Fact]
    public async Task Two_concurrent_changes_from_one_ETag_give_one_success_and_one_412()
    {
        var (_, globex, id, etag, _) = await OpenAsync();
        var globex2 = await hosts.ClientAsync(ApiFixture.Globex);
        var responses = await Task.WhenAll(
            globex.PostAsync($"/api/v1/cases/{id}/accept", new { receiverCaseReference = "A" }, ifMatch: etag),
            globex2.PostAsync($"/api/v1/cases/{id}/reject", new { reason = "Not our product" }, ifMatch: etag));
        var codes = responses.Select(r => r.StatusCode).Order().ToList();
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.PreconditionFailed], codes);

        await using var db = hosts.Database.CreateContext();
        var stored = await db.Cases.SingleAsync(c => c.Id == id);
        Assert.Contains(stored.Status, new[] { CaseStatus.Accepted, CaseStatus.Rejected });
        Assert.Equal(1, await db.OutboxMessages.CountAsync(m => m.CaseId == id && (m.EventType == "case.accepted" || m.EventType == "case.rejected")));
    }

    [Fact]
    public async Task Only_the_receiver_accepts_and_a_submitted_case_cannot_be_resolved()
    {
        var (acme, globex, id, etag, _) = await OpenAsync();
        await (await acme.PostAsync($"/api/v1/cases/{id}/accept", new { }, ifMatch: etag)).ExpectRefusalAsync(HttpStatusCode.Forbidden, "side_not_permitted");
        await (await globex.PostAsync($"/api/v1/cases/{id}/resolve", new { stepsTaken = "x", conclusion = "y" }, ifMatch: etag))
            .ExpectRefusalAsync(HttpStatusCode.Conflict, "invalid_transition");
        await (await acme.PostAsync($"/api/v1/cases/{id}/provide-information", new { answer = "x" }, ifMatch: etag))
            .ExpectRefusalAsync(HttpStatusCode.Conflict, "invalid_transition");
    }

    [Fact]
    public async Task A_case_goes_through_questions_acceptance_notes_and_resolution_with_deadlines_and_purge_time()
    {
        var a = await hosts.ClientAsync(hosts.Long);
        var b = await hosts.ClientAsync(hosts.Short);
        var authorisation = await a.AuthoriseAsync(["lc-short"]);
        var created = await a.PostAsync("/api/v1/cases", Api.CaseBody("lc-short", authorisation, severity: 1));
        var body = await created.ExpectAsync(HttpStatusCode.Created);
        var id = body["id"]!.GetValue<Guid>();
        var createdAt = body["createdAt"]!.GetValue<DateTime>();
        Assert.Equal(createdAt.AddHours(4), body["responseDueAt"]!.GetValue<DateTime>());

        var asked = await b.PostAsync($"/api/v1/cases/{id}/information-requests", new { question = "Which driver version?" }, ifMatch: created.ETag());
        Assert.Equal("information_requested", (await asked.ExpectAsync(HttpStatusCode.OK))["status"]!.GetValue<string>());
        var answered = await a.PostAsync($"/api/v1/cases/{id}/provide-information", new { answer = "4.2.1, mail me at ann@long.example" }, ifMatch: asked.ETag());
        Assert.Equal("submitted", (await answered.ExpectAsync(HttpStatusCode.OK))["status"]!.GetValue<string>());
        var accepted = await b.PostAsync($"/api/v1/cases/{id}/accept", new { receiverCaseReference = "S-1" }, ifMatch: answered.ETag());
        await accepted.ExpectAsync(HttpStatusCode.OK);

        await (await b.PostAsync($"/api/v1/cases/{id}/notes", new { body = "Call +44 20 7946 0958 for access" })).ExpectAsync(HttpStatusCode.Created);
        var notes = (await (await a.GetAsync($"/api/v1/cases/{id}/notes")).ExpectAsync(HttpStatusCode.OK)).AsArray();
        Assert.Equal(["question", "answer", "note"], notes.Select(n => n!["kind"]!.GetValue<string>()));
        Assert.DoesNotContain(notes, n => n!["body"]!.GetValue<string>().Contains("ann@long.example", StringComparison.Ordinal));
        Assert.DoesNotContain(notes, n => n!["body"]!.GetValue<string>().Contains("7946", StringComparison.Ordinal));

        var current = await a.GetAsync($"/api/v1/cases/{id}");
        var resolved = await a.PostAsync($"/api/v1/cases/{id}/resolve", new { stepsTaken = "Rolled back the driver", conclusion = "Driver bug, fixed in 4.2.2" }, ifMatch: current.ETag());
        var final = await resolved.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("resolved", final["status"]!.GetValue<string>());
        var concludedAt = final["concludedAt"]!.GetValue<DateTime>();
        // The shorter of the two members' retentions (1 day and 5 days), not the exchange default (10 days).
        Assert.Equal(concludedAt.AddDays(1), final["purgeDueAt"]!.GetValue<DateTime>());
        Assert.Null(final["responseDueAt"]);

        await (await b.PostAsync($"/api/v1/cases/{id}/notes", new { body = "late" })).ExpectRefusalAsync(HttpStatusCode.Conflict, "invalid_transition");
    }

    [Fact]
    public async Task Withdrawing_an_authorisation_halts_its_open_cases_and_purges_every_case_under_it_at_once()
    {
        var (acme, globex, open, _, authorisation) = await OpenAsync();
        var (rejected, etag) = await acme.OpenCaseAsync("globex", authorisation);
        await (await globex.PostAsync($"/api/v1/cases/{rejected}/reject", new { reason = "Not ours" }, ifMatch: etag)).ExpectAsync(HttpStatusCode.OK);

        await (await acme.PostAsync($"/api/v1/customer-authorisations/{authorisation}/withdraw", new { reason = "Customer withdrew" })).ExpectAsync(HttpStatusCode.OK);
        await (await acme.PostAsync($"/api/v1/customer-authorisations/{authorisation}/withdraw", null)).ExpectRefusalAsync(HttpStatusCode.Conflict, "authorisation_already_withdrawn");

        await using var db = hosts.Database.CreateContext();
        Assert.False(await db.Cases.AnyAsync(c => c.Id == open || c.Id == rejected));
        Assert.False(await db.CaseFields.AnyAsync(f => f.CaseId == open || f.CaseId == rejected));
        var tombstones = await db.Tombstones.Where(t => t.CaseId == open || t.CaseId == rejected).ToDictionaryAsync(t => t.CaseId);
        Assert.Equal(CaseStatus.Halted, tombstones[open].Outcome);
        Assert.Equal(CaseStatus.Rejected, tombstones[rejected].Outcome);
        Assert.True(await db.OutboxMessages.AnyAsync(m => m.CaseId == open && m.EventType == "case.halted"));
        Assert.Equal(2, await db.OutboxMessages.CountAsync(m => (m.CaseId == open || m.CaseId == rejected) && m.EventType == "case.purged"));
        // Both members keep the tombstone at the case's own id; the purge says why.
        var tombstone = await (await globex.GetAsync($"/api/v1/cases/{open}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("purged", tombstone["status"]!.GetValue<string>());
        Assert.Equal("authorisation_withdrawn", tombstone["purge"]!["reason"]!.GetValue<string>());
        Assert.Equal("halted", tombstone["purge"]!["outcome"]!.GetValue<string>());
        var initech = await hosts.ClientAsync(ApiFixture.Initech);
        Assert.Equal(HttpStatusCode.NotFound, (await initech.GetAsync($"/api/v1/cases/{open}")).StatusCode);
    }

    [Fact]
    public async Task Both_members_keep_seeing_a_purged_case_as_its_tombstone_with_when_why_and_receipts_and_a_third_party_gets_404()
    {
        var (acme, globex, id, etag, _) = await OpenAsync();
        var accepted = await globex.PostAsync($"/api/v1/cases/{id}/accept", new { receiverCaseReference = "GX-9" }, ifMatch: etag);
        await accepted.ExpectAsync(HttpStatusCode.OK);
        await (await globex.PostAsync($"/api/v1/cases/{id}/resolve", new { stepsTaken = "Rolled back the driver", conclusion = "Driver bug, fixed in 12.5" },
            ifMatch: accepted.ETag())).ExpectAsync(HttpStatusCode.OK);
        await using (var db = hosts.Database.CreateContext())
        {
            var audit = new Exchange.Core.Audit.AuditLog(db, TimeProvider.System);
            await new CasePurger(db, audit, TimeProvider.System).PurgeNowAsync([id], Exchange.Core.Audit.AuditActor.System, "retention_elapsed");
        }

        await (await acme.PostAsync($"/api/v1/cases/{id}/purge-receipts", null)).ExpectAsync(HttpStatusCode.Created);

        foreach (var member in new[] { acme, globex })
        {
            var tombstone = await (await member.GetAsync($"/api/v1/cases/{id}")).ExpectAsync(HttpStatusCode.OK);
            Assert.Equal(id, tombstone["id"]!.GetValue<Guid>());
            Assert.Equal("purged", tombstone["status"]!.GetValue<string>());
            Assert.Equal("acme", tombstone["submittingMemberId"]!.GetValue<string>());
            Assert.Equal("globex", tombstone["receivingMemberId"]!.GetValue<string>());
            Assert.Equal("Printer driver crashes the ERP client", tombstone["fields"]!["summary"]!.GetValue<string>());
            Assert.Equal("Contoso Manufacturing", tombstone["fields"]!["customerOrganisation"]!.GetValue<string>());
            Assert.Null(tombstone["fields"]!["description"]);
            Assert.Null(tombstone["submitterCaseReference"]);
            Assert.Equal("Rolled back the driver", tombstone["stepsTaken"]!.GetValue<string>());
            Assert.Equal("Driver bug, fixed in 12.5", tombstone["conclusion"]!.GetValue<string>());
            var purge = tombstone["purge"]!;
            Assert.Equal("retention_elapsed", purge["reason"]!.GetValue<string>());
            Assert.Equal("resolved", purge["outcome"]!.GetValue<string>());
            Assert.True(purge["purgedAt"]!.GetValue<DateTime>() > DateTime.UtcNow.AddMinutes(-5));
            Assert.Equal("acme", Assert.Single(purge["receipts"]!.AsArray())!["memberId"]!.GetValue<string>());
        }

        // Lists show it with the filter, not among the cases that still hold data.
        var purgedList = await (await acme.GetAsync("/api/v1/cases?status=purged&limit=100")).ExpectAsync(HttpStatusCode.OK);
        var line = Assert.Single(purgedList["items"]!.AsArray(), i => i!["id"]!.GetValue<Guid>() == id)!;
        Assert.Equal("purged", line["status"]!.GetValue<string>());
        Assert.Equal("Printer driver crashes the ERP client", line["summary"]!.GetValue<string>());
        var inbox = await (await globex.GetAsync("/api/v1/cases?box=inbox&status=purged&limit=100")).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(inbox["items"]!.AsArray(), i => i!["id"]!.GetValue<Guid>() == id);
        var open = await (await acme.GetAsync("/api/v1/cases?limit=100")).ExpectAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(open["items"]!.AsArray(), i => i!["id"]!.GetValue<Guid>() == id);

        // A third party, operator staff included, gets the 404 of an id that never existed, and no line.
        var initech = await hosts.ClientAsync(ApiFixture.Initech);
        await (await initech.GetAsync($"/api/v1/cases/{id}")).ExpectRefusalAsync(HttpStatusCode.NotFound, "not_found");
        var operatorStaff = await hosts.ClientAsync(ApiFixture.Operator);
        await (await operatorStaff.GetAsync($"/api/v1/cases/{id}")).ExpectRefusalAsync(HttpStatusCode.NotFound, "not_found");
        var initechList = await (await initech.GetAsync("/api/v1/cases?status=purged&limit=100")).ExpectAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(initechList["items"]!.AsArray(), i => i!["id"]!.GetValue<Guid>() == id);
    }

    [Fact]
    public async Task A_retry_with_the_same_Idempotency_Key_and_body_returns_the_first_answer_and_creates_one_case()
    {
        var acme = await hosts.ClientAsync(ApiFixture.Acme);
        var authorisation = await acme.AuthoriseAsync(["globex"]);
        var key = Guid.NewGuid().ToString();
        var body = Api.CaseBody("globex", authorisation, reference: "IDEM-1");

        var first = await acme.PostAsync("/api/v1/cases", body, idempotencyKey: key);
        var firstBody = await first.Content.ReadAsStringAsync();
        var second = await acme.PostAsync("/api/v1/cases", body, idempotencyKey: key);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(first.StatusCode, second.StatusCode);
        Assert.Equal(firstBody, await second.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.Location, second.Headers.Location);

        var other = await acme.PostAsync("/api/v1/cases", Api.CaseBody("globex", authorisation, reference: "IDEM-2"), idempotencyKey: key);
        await other.ExpectRefusalAsync(HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");

        // References are case content, ciphertext in the database: counted after decryption.
        await using var db = hosts.Database.CreateContext();
        await db.UnlockAsync(await db.Cases.Select(c => c.Id).ToListAsync());
        var references = await db.Cases.ToListAsync();
        Assert.Equal(1, references.Count(c => c.SubmitterCaseReference == "IDEM-1"));
        Assert.Equal(0, references.Count(c => c.SubmitterCaseReference == "IDEM-2"));
    }

    [Fact]
    public async Task Idempotency_keys_are_scoped_to_the_member_and_client()
    {
        var acme = await hosts.ClientAsync(ApiFixture.Acme);
        var globex = await hosts.ClientAsync(ApiFixture.Globex);
        var key = "shared-key-" + Guid.NewGuid();
        var acmeAuthorisation = await acme.AuthoriseAsync(["globex"]);
        var globexAuthorisation = await globex.AuthoriseAsync(["acme"]);
        var a = await (await acme.PostAsync("/api/v1/cases", Api.CaseBody("globex", acmeAuthorisation), idempotencyKey: key)).ExpectAsync(HttpStatusCode.Created);
        var g = await (await globex.PostAsync("/api/v1/cases", Api.CaseBody("acme", globexAuthorisation), idempotencyKey: key)).ExpectAsync(HttpStatusCode.Created);
        Assert.NotEqual(a["id"]!.GetValue<Guid>(), g["id"]!.GetValue<Guid>());
    }

    [Fact]
    public async Task Lists_page_by_cursor_filter_by_box_and_status_and_cap_the_page_size()
    {
        var a = await hosts.ClientAsync(hosts.Long);
        var b = await hosts.ClientAsync(hosts.Short);
        var authorisation = await a.AuthoriseAsync(["lc-short"]);
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await a.OpenCaseAsync("lc-short", authorisation)).Id);
        }

        var seen = new List<Guid>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await (await b.GetAsync("/api/v1/cases?box=inbox&status=submitted&limit=2" + (cursor is null ? "" : "&cursor=" + cursor))).ExpectAsync(HttpStatusCode.OK);
            seen.AddRange(page["items"]!.AsArray().Select(i => i!["id"]!.GetValue<Guid>()));
            cursor = page["nextCursor"]?.GetValue<string>();
            pages++;
        }
        while (cursor is not null && pages < 10);

        Assert.Equal(seen.Distinct().Count(), seen.Count);
        Assert.Subset(seen.ToHashSet(), ids.ToHashSet());
        Assert.Equal(ids.AsEnumerable().Reverse().ToList(), seen.Where(ids.Contains).ToList());

        var outbox = await (await b.GetAsync("/api/v1/cases?box=outbox")).ExpectAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(outbox["items"]!.AsArray(), i => ids.Contains(i!["id"]!.GetValue<Guid>()));
        var accepted = await (await b.GetAsync("/api/v1/cases?box=inbox&status=accepted")).ExpectAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(accepted["items"]!.AsArray(), i => ids.Contains(i!["id"]!.GetValue<Guid>()));

        await (await b.GetAsync("/api/v1/cases?limit=1000")).ExpectAsync(HttpStatusCode.BadRequest);
        await (await b.GetAsync("/api/v1/cases?cursor=not-a-cursor")).ExpectAsync(HttpStatusCode.BadRequest);
        await (await b.GetAsync("/api/v1/cases?box=everything")).ExpectAsync(HttpStatusCode.BadRequest);
        await (await b.GetAsync("/api/v1/cases?status=open")).ExpectAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task The_case_audit_trail_is_readable_by_both_members_and_records_reads_and_changes_without_field_values()
    {
        var (acme, globex, id, etag, _) = await OpenAsync();
        await (await globex.GetAsync($"/api/v1/cases/{id}")).ExpectAsync(HttpStatusCode.OK);
        await (await globex.PostAsync($"/api/v1/cases/{id}/accept", new { }, ifMatch: etag)).ExpectAsync(HttpStatusCode.OK);

        foreach (var member in new[] { acme, globex })
        {
            var trail = (await (await member.GetAsync($"/api/v1/audit?caseId={id}")).ExpectAsync(HttpStatusCode.OK)).AsArray();
            Assert.Equal(["case.created", "case.read", "case.accepted"], trail.Select(e => e!["action"]!.GetValue<string>()));
            Assert.DoesNotContain("Printer driver", trail.ToJsonString(), StringComparison.Ordinal);
        }

        await (await (await hosts.ClientAsync(ApiFixture.Initech)).GetAsync($"/api/v1/audit?caseId={id}")).ExpectAsync(HttpStatusCode.NotFound);
        await (await (await hosts.ClientAsync(ApiFixture.Operator)).GetAsync($"/api/v1/audit?caseId={id}")).ExpectAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Case_metadata_is_for_operators_and_counts_cases_by_state_and_member_without_any_content()
    {
        var ops = await hosts.ClientAsync(ApiFixture.Operator);
        static int Submitted(System.Text.Json.Nodes.JsonNode body) => body["counts"]!.AsArray()
            .Where(c => c!["submittingMemberId"]!.GetValue<string>() == "acme" && c["receivingMemberId"]!.GetValue<string>() == "globex" && c["status"]!.GetValue<string>() == "submitted")
            .Sum(c => c!["count"]!.GetValue<int>());
        var before = Submitted(await (await ops.GetAsync("/api/v1/case-metadata")).ExpectAsync(HttpStatusCode.OK));

        var (_, _, id, _, _) = await OpenAsync();
        var after = await (await ops.GetAsync("/api/v1/case-metadata")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(before + 1, Submitted(after));
        Assert.True(after["purged"]!.GetValue<int>() >= 0);
        var text = after.ToJsonString();
        Assert.DoesNotContain(id.ToString(), text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("ACME-1", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Printer driver", text, StringComparison.Ordinal);
        await (await (await hosts.ClientAsync(ApiFixture.Acme)).GetAsync("/api/v1/case-metadata")).ExpectAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Audit_verify_is_for_operators_and_reports_a_tampered_row_as_the_first_broken_link()
    {
        await OpenAsync();
        var ops = await hosts.ClientAsync(ApiFixture.Operator);
        var pending = await (await ops.GetAsync("/api/v1/audit/verify")).ExpectAsync(HttpStatusCode.OK);
        Assert.True(pending["intact"]!.GetValue<bool>());
        Assert.True(pending["unsealed"]!.GetValue<long>() > 0, "no Jobs runs here, so what was appended awaits sealing");
        Assert.True(pending["sealingLagSeconds"]!.GetValue<double>() >= 0);
        await (await (await hosts.ClientAsync(ApiFixture.Acme)).GetAsync("/api/v1/audit/verify")).ExpectAsync(HttpStatusCode.Forbidden);
        await (await (await hosts.ClientAsync(ApiFixture.Acme)).GetAsync("/api/v1/audit/checkpoints/latest")).ExpectAsync(HttpStatusCode.Forbidden);

        await Exchange.Testing.AuditSealing.SealAllAsync(hosts.Database);
        var intact = await (await ops.GetAsync("/api/v1/audit/verify")).ExpectAsync(HttpStatusCode.OK);
        Assert.True(intact["intact"]!.GetValue<bool>());
        Assert.True(intact["checkpoint"]!["signatureValid"]!.GetValue<bool>());
        Assert.Equal(intact["entries"]!.GetValue<long>(), intact["checkpoint"]!["sequence"]!.GetValue<long>());

        await using var db = hosts.Database.CreateContext();
        var target = await db.AuditEntries.Where(e => e.Action == "case.created" && e.Sequence != null).OrderBy(e => e.Sequence).FirstAsync();
        await db.AuditEntries.Where(e => e.Id == target.Id).ExecuteUpdateAsync(s => s.SetProperty(e => e.ActorId, "someone-else"));
        try
        {
            var broken = await (await ops.GetAsync("/api/v1/audit/verify")).ExpectAsync(HttpStatusCode.OK);
            Assert.False(broken["intact"]!.GetValue<bool>());
            Assert.Equal(target.Sequence, broken["firstBrokenSequence"]!.GetValue<long>());
        }
        finally
        {
            await db.AuditEntries.Where(e => e.Id == target.Id).ExecuteUpdateAsync(s => s.SetProperty(e => e.ActorId, target.ActorId));
        }
    }

    [Fact]
    public async Task The_latest_checkpoint_is_published_with_what_an_auditor_needs_to_verify_it_offline()
    {
        await OpenAsync();
        await Exchange.Testing.AuditSealing.SealAllAsync(hosts.Database);
        var ops = await hosts.ClientAsync(ApiFixture.Operator);
        var checkpoint = await (await ops.GetAsync("/api/v1/audit/checkpoints/latest")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("ES256", checkpoint["algorithm"]!.GetValue<string>());
        using var key = System.Security.Cryptography.ECDsa.Create();
        key.ImportFromPem(checkpoint["publicKeyPem"]!.GetValue<string>());
        var statement = System.Text.Encoding.UTF8.GetBytes(checkpoint["statement"]!.GetValue<string>());
        var signature = Convert.FromBase64String(checkpoint["signature"]!.GetValue<string>());
        Assert.True(key.VerifyData(statement, signature, System.Security.Cryptography.HashAlgorithmName.SHA256));
        Assert.Contains(checkpoint["headHash"]!.GetValue<string>(), checkpoint["statement"]!.GetValue<string>(), StringComparison.Ordinal);
        statement[^1] ^= 0x01;
        Assert.False(key.VerifyData(statement, signature, System.Security.Cryptography.HashAlgorithmName.SHA256));
    }
}
