using System.Net;
using System.Text.Json.Nodes;
using Exchange.Core.Data;
using Exchange.Core.Identity;
using Exchange.Core.Members;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Api.Tests;

/// <summary>Records of processing and breach scoping (issue 12), generated from the live data and the audit log.</summary>
public sealed class RecordsAndBreachTests(PrivacyFixture hosts) : IClassFixture<PrivacyFixture>
{
    private static Dictionary<string, string> Fields(string email) => new()
    {
        ["summary"] = "Printer crash", ["product"] = "ERP Suite", ["customerOrganisation"] = "Contoso Manufacturing", ["customerContactEmail"] = email,
    };

    [Fact]
    public async Task Acmes_records_of_processing_name_globex_as_recipient_and_EU_as_the_transfer_region()
    {
        var acme = await hosts.ClientAsync(ApiFixture.Acme);
        var authorisation = await acme.AuthoriseAsync(["globex"]);
        await acme.OpenCaseAsync("globex", authorisation, Fields("rop@contoso.example"));

        var acmePrivacy = await hosts.ClientAsync(PrivacyFixture.AcmePrivacy);
        var body = await (await acmePrivacy.GetAsync("/api/v1/records-of-processing")).ExpectAsync(HttpStatusCode.OK);
        var record = Assert.Single(body["records"]!.AsArray())!;
        Assert.Equal("acme", record["memberId"]!.GetValue<string>());
        var globex = Assert.Single(record["recipients"]!.AsArray(), r => r!["memberId"]!.GetValue<string>() == "globex")!;
        Assert.Equal("EU", globex["region"]!.GetValue<string>());
        Assert.Equal(["EU"], record["transferRegions"]!.AsArray().Select(r => r!.GetValue<string>()).ToArray());
        var shared = record["categoriesShared"]!.AsArray().Select(c => c!.GetValue<string>()).ToList();
        Assert.Contains("technical", shared);
        Assert.Contains("contact", shared);
        Assert.Contains(record["legalBasis"]!.AsArray(), b => b!["kind"]!.GetValue<string>() == "framework" && b["documentReference"]!.GetValue<string>() == "framework/2026/acme.pdf");
        Assert.Equal("P30D", record["retention"]!.GetValue<string>());
        Assert.NotEmpty(record["securityMeasures"]!.AsArray());
        Assert.Contains("Globex Hardware GmbH (EU)", record["notice"]!.GetValue<string>(), StringComparison.Ordinal);
        // Nothing of a case's content is in the records.
        Assert.DoesNotContain("rop@contoso.example", body.ToJsonString(), StringComparison.Ordinal);

        using var csv = await acmePrivacy.GetAsync("/api/v1/records-of-processing?format=csv");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("memberId,section,item,detail", lines[0]);
        Assert.Contains("acme,recipient,globex,Globex Hardware GmbH", lines);
        Assert.Contains("acme,transfer_region,EU,", lines);

        // Another member's records only for the operator's privacy officer; the member comes from the token.
        await (await acmePrivacy.GetAsync("/api/v1/records-of-processing?memberId=globex")).ExpectRefusalAsync(HttpStatusCode.BadRequest, "validation_failed");
        var operatorPrivacy = await hosts.ClientAsync(PrivacyFixture.OperatorPrivacy);
        var all = await (await operatorPrivacy.GetAsync("/api/v1/records-of-processing")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(["acme", "globex", "initech"], all["records"]!.AsArray().Select(r => r!["memberId"]!.GetValue<string>()).ToArray());
        var initech = all["records"]!.AsArray().Single(r => r!["memberId"]!.GetValue<string>() == "initech")!;
        Assert.Empty(initech["legalBasis"]!.AsArray());
        await (await (await hosts.ClientAsync(ApiFixture.AcmeAdmin)).GetAsync("/api/v1/records-of-processing")).ExpectRefusalAsync(HttpStatusCode.Forbidden, "insufficient_scope");
    }

    [Fact]
    public async Task A_breach_assessment_over_a_clients_window_lists_exactly_the_cases_its_audit_entries_name()
    {
        var acme = await hosts.ClientAsync(ApiFixture.Acme);
        var authorisation = await acme.AuthoriseAsync(["globex"]);
        var tag = Guid.NewGuid().ToString("N")[..8];
        var (read, _) = await acme.OpenCaseAsync("globex", authorisation, Fields($"first.{tag}@contoso.example"));
        var (noted, _) = await acme.OpenCaseAsync("globex", authorisation, Fields($"second.{tag}@contoso.example"));
        var (untouched, _) = await acme.OpenCaseAsync("globex", authorisation, Fields($"third.{tag}@contoso.example"));
        var (listed, _) = await acme.OpenCaseAsync("globex", authorisation, Fields($"fourth.{tag}@contoso.example"));

        var from = DateTime.UtcNow.AddSeconds(-1);
        var leaky = await hosts.ClientAsync(PrivacyFixture.AcmeLeaky);
        await (await leaky.GetAsync($"/api/v1/cases/{read}")).ExpectAsync(HttpStatusCode.OK);
        await (await leaky.PostAsync($"/api/v1/cases/{noted}/notes", new { body = "Looked at it." })).ExpectAsync(HttpStatusCode.Created);
        var page = await (await leaky.GetAsync("/api/v1/cases?box=outbox&limit=1")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(listed, page["items"]![0]!["id"]!.GetValue<Guid>());
        var to = DateTime.UtcNow.AddSeconds(1);

        string actorId;
        await using (var db = hosts.Database.CreateContext())
        {
            actorId = await db.AuditEntries.AsNoTracking().Where(e => e.CaseId == noted && e.Action == "case.note_added").Select(e => e.ActorId).SingleAsync();
        }

        var operatorPrivacy = await hosts.ClientAsync(PrivacyFixture.OperatorPrivacy);
        var created = await (await operatorPrivacy.PostAsync("/api/v1/breach-assessments", new { actorId, from, to, description = "Leaked CRM secret" })).ExpectAsync(HttpStatusCode.Created);
        var cases = created["cases"]!.AsArray().ToDictionary(c => c!["caseId"]!.GetValue<Guid>(), c => c!);
        Assert.Equal(new HashSet<Guid> { read, noted, listed }, cases.Keys.ToHashSet());
        Assert.DoesNotContain(untouched, cases.Keys);
        Assert.True(cases[read]["read"]!.GetValue<bool>());
        Assert.False(cases[read]["changed"]!.GetValue<bool>());
        Assert.True(cases[noted]["changed"]!.GetValue<bool>());
        Assert.Equal(["acme", "globex"], created["membersToInform"]!.AsArray().Select(m => m!.GetValue<string>()).ToArray());
        Assert.Equal(3, created["dataSubjects"]!.GetValue<int>());
        Assert.Empty(created["subjects"]!.AsArray());
        Assert.Contains("contact", created["categories"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal(created["openedAt"]!.GetValue<DateTime>().AddHours(72), created["deadlineAt"]!.GetValue<DateTime>());
        Assert.DoesNotContain(tag, created.ToJsonString(), StringComparison.Ordinal);

        var id = created["id"]!.GetValue<Guid>();
        var withSubjects = await (await operatorPrivacy.GetAsync($"/api/v1/breach-assessments/{id}?subjects=true")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(3, withSubjects["subjects"]!.AsArray().Count);
        Assert.Contains($"email:first.{tag}@contoso.example", withSubjects["subjects"]!.AsArray().Select(s => s!.GetValue<string>()));
        var draft = await (await operatorPrivacy.GetAsync($"/api/v1/breach-assessments/{id}/notification")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(3, draft["approximateDataSubjects"]!.GetValue<int>());
        Assert.Contains("acme", draft["membersToInform"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.False(string.IsNullOrWhiteSpace(draft["likelyConsequences"]!.GetValue<string>()));

        // Reading the cases' content within the assessment is audited with its id; members' privacy officers and operator staff may not assess.
        await using (var db = hosts.Database.CreateContext())
        {
            var audited = await db.AuditEntries.AsNoTracking()
                .Where(e => e.Action == "case.read" && e.ActorMemberId == Member.OperatorId && e.Details != null && e.Details.Contains(id.ToString()))
                .Select(e => e.CaseId).Distinct().ToListAsync();
            Assert.Equal(new HashSet<Guid?> { read, noted, listed }, audited.ToHashSet());
        }

        await (await (await hosts.ClientAsync(PrivacyFixture.AcmePrivacy)).PostAsync("/api/v1/breach-assessments", new { actorId, from, to }))
            .ExpectRefusalAsync(HttpStatusCode.Forbidden, "role_required");
        await (await (await hosts.ClientAsync(PrivacyFixture.AcmePrivacy)).GetAsync($"/api/v1/breach-assessments/{id}")).ExpectRefusalAsync(HttpStatusCode.Forbidden, "role_required");
        await (await (await hosts.ClientAsync(ApiFixture.Operator)).PostAsync("/api/v1/breach-assessments", new { actorId, from, to }))
            .ExpectRefusalAsync(HttpStatusCode.Forbidden, "insufficient_scope");
        await (await operatorPrivacy.PostAsync("/api/v1/breach-assessments", new { actorId, from = to, to = from })).ExpectRefusalAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await operatorPrivacy.GetAsync($"/api/v1/breach-assessments/{Guid.NewGuid()}")).ExpectRefusalAsync(HttpStatusCode.NotFound, "not_found");
    }
}
