using System.Net;
using Exchange.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Api.Tests;

/// <summary>Members directory, intake policies, agreements, customer authorisations and the field catalogue.</summary>
public sealed class DirectoryAndAgreementTests(ApiFixture hosts) : IClassFixture<ApiFixture>
{
    private static object Policy(string freeText = "refuse") => new
    {
        requiredFields = new[] { "summary" },
        acceptedFields = new[] { "summary", "product", "description" },
        freeTextPersonalData = freeText,
        retention = "2.00:00:00",
        responseTargets = new Dictionary<string, string> { ["1"] = "02:00:00", ["4"] = "7.00:00:00" },
    };

    [Fact]
    public async Task Every_member_reads_the_directory_with_intake_policies_and_response_targets()
    {
        var initech = await hosts.ClientAsync(ApiFixture.Initech);
        var members = (await (await initech.GetAsync("/api/v1/members")).ExpectAsync(HttpStatusCode.OK)).AsArray();
        Assert.Contains(members, m => m!["id"]!.GetValue<string>() == "globex");
        var globex = await (await initech.GetAsync("/api/v1/members/globex")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("EU", globex["region"]!.GetValue<string>());
        Assert.Equal("P1D", globex["intakePolicy"]!["responseTargets"]!["2"]!.GetValue<string>());
        Assert.Equal("redact", globex["intakePolicy"]!["freeTextPersonalData"]!.GetValue<string>());
        await (await initech.GetAsync("/api/v1/members/nobody")).ExpectAsync(HttpStatusCode.NotFound);
        await (await hosts.Anonymous().GetAsync("/api/v1/members")).ExpectAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_member_admin_sets_its_own_intake_policy_and_no_one_else_can()
    {
        var admin = await hosts.ClientAsync(ApiFixture.GlobexAdmin);
        var updated = await (await admin.PutAsync("/api/v1/members/globex/intake-policy", Policy())).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("refuse", updated["intakePolicy"]!["freeTextPersonalData"]!.GetValue<string>());
        // Durations are ISO 8601 (decision 0205); Policy() sends the older .NET form, still read.
        Assert.Equal("P2D", updated["retention"]!.GetValue<string>());
        Assert.Equal("PT2H", updated["intakePolicy"]!["responseTargets"]!["1"]!.GetValue<string>());

        await (await admin.PutAsync("/api/v1/members/acme/intake-policy", Policy())).ExpectAsync(HttpStatusCode.Forbidden);
        var engineer = await hosts.ClientAsync(ApiFixture.Globex);
        await (await engineer.PutAsync("/api/v1/members/globex/intake-policy", Policy())).ExpectAsync(HttpStatusCode.Forbidden);

        // Put the demo policy's essentials back for the other tests of this class.
        await (await admin.PutAsync("/api/v1/members/globex/intake-policy", new
        {
            requiredFields = new[] { "summary", "product" },
            acceptedFields = new[] { "summary", "description", "product", "productVersion", "errorCode", "logExcerpt", "customerOrganisation", "customerContactName", "customerContactEmail" },
            freeTextPersonalData = "redact",
            responseTargets = new Dictionary<string, string> { ["1"] = "PT4H", ["2"] = "P1D", ["3"] = "P3D", ["4"] = "P5D" },
        })).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_intake_policy_with_unknown_or_special_fields_or_required_not_accepted_is_a_400()
    {
        var admin = await hosts.ClientAsync(ApiFixture.AcmeAdmin);
        var body = await (await admin.PutAsync("/api/v1/members/acme/intake-policy", new
        {
            requiredFields = new[] { "errorCode" },
            acceptedFields = new[] { "summary", "healthImpact", "shoeSize" },
            freeTextPersonalData = "redact",
            responseTargets = new Dictionary<string, string> { ["7"] = "01:00:00" },
        })).ExpectAsync(HttpStatusCode.BadRequest);
        var errors = body["errors"]!.AsObject();
        Assert.True(errors.Count >= 3, body.ToJsonString());
    }

    [Fact]
    public async Task A_null_inside_an_intake_policy_field_list_is_a_400_naming_the_position()
    {
        var admin = await hosts.ClientAsync(ApiFixture.AcmeAdmin);
        foreach (var body in new[]
        {
            """{"requiredFields":[null],"acceptedFields":["summary"],"freeTextPersonalData":"redact","responseTargets":{"1":"01:00:00"}}""",
            """{"requiredFields":["summary"],"acceptedFields":["summary",null],"freeTextPersonalData":"redact","responseTargets":{"1":"01:00:00"}}""",
        })
        {
            using var response = await admin.PutAsync("/api/v1/members/acme/intake-policy", body);
            var problem = await response.ExpectAsync(HttpStatusCode.BadRequest);
            Assert.Equal("validation_failed", problem["code"]?.GetValue<string>());
            Assert.True(problem["errors"]!.AsObject().Any(e => e.Key.EndsWith("Fields[0]", StringComparison.Ordinal) || e.Key.EndsWith("Fields[1]", StringComparison.Ordinal)),
                problem.ToJsonString());
        }
    }

    [Fact]
    public async Task Another_members_admin_is_refused_before_its_body_is_judged()
    {
        var admin = await hosts.ClientAsync(ApiFixture.GlobexAdmin);
        foreach (var body in new[] { """{"requiredFields":[null]}""", """{}""" })
        {
            using var response = await admin.PutAsync("/api/v1/members/acme/intake-policy", body);
            await response.ExpectRefusalAsync(HttpStatusCode.Forbidden, "role_required");
        }
    }

    [Fact]
    public async Task A_legal_admin_creates_signs_and_terminates_a_bilateral_agreement_that_its_parties_can_read()
    {
        var legal = await hosts.ClientAsync(ApiFixture.Legal);
        var created = await (await legal.PostAsync("/api/v1/agreements", new
        {
            kind = "bilateral",
            documentReference = "contracts/acme-globex-2026.pdf",
            documentSha256 = new string('b', 64),
            version = "2026.2",
            effectiveFrom = DateTime.UtcNow.AddMinutes(-1),
            expiresAt = DateTime.UtcNow.AddYears(1),
            permittedCategories = new[] { "technical" },
            permittedRegions = new[] { "EU" },
            memberIds = new[] { "acme", "globex" },
        })).ExpectAsync(HttpStatusCode.Created);
        var id = created["id"]!.GetValue<Guid>();
        Assert.Equal("awaiting_signatures", created["status"]!.GetValue<string>());

        await (await legal.PostAsync($"/api/v1/agreements/{id}/signatures", new { partyId = "acme", signerName = "Ann Acme", signerRole = "CEO" })).ExpectAsync(HttpStatusCode.OK);
        await (await legal.PostAsync($"/api/v1/agreements/{id}/signatures", new { partyId = "acme", signerName = "Ann Acme", signerRole = "CEO" })).ExpectRefusalAsync(HttpStatusCode.Conflict, "party_already_signed");
        await (await legal.PostAsync($"/api/v1/agreements/{id}/signatures", new { partyId = "initech", signerName = "X", signerRole = "Y" })).ExpectAsync(HttpStatusCode.BadRequest);
        var signed = await (await legal.PostAsync($"/api/v1/agreements/{id}/signatures", new { partyId = "globex", signerName = "Gus Globex", signerRole = "CFO" })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("in_force", signed["status"]!.GetValue<string>());

        var acme = await hosts.ClientAsync(ApiFixture.Acme);
        await (await acme.GetAsync($"/api/v1/agreements/{id}")).ExpectAsync(HttpStatusCode.OK);
        var list = (await (await acme.GetAsync("/api/v1/agreements?memberId=globex")).ExpectAsync(HttpStatusCode.OK)).AsArray();
        Assert.Contains(list, a => a!["id"]!.GetValue<Guid>() == id);
        var initech = await hosts.ClientAsync(ApiFixture.Initech);
        await (await initech.GetAsync($"/api/v1/agreements/{id}")).ExpectAsync(HttpStatusCode.NotFound);
        var initechList = (await (await initech.GetAsync("/api/v1/agreements?memberId=acme")).ExpectAsync(HttpStatusCode.OK)).AsArray();
        Assert.Empty(initechList);

        await (await acme.PostAsync($"/api/v1/agreements/{id}/terminate", new { reason = "x" })).ExpectAsync(HttpStatusCode.Forbidden);
        var terminated = await (await legal.PostAsync($"/api/v1/agreements/{id}/terminate", new { reason = "Superseded" })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("terminated", terminated["status"]!.GetValue<string>());
        await (await legal.PostAsync($"/api/v1/agreements/{id}/terminate", new { reason = "again" })).ExpectRefusalAsync(HttpStatusCode.Conflict, "agreement_not_changeable");
    }

    [Fact]
    public async Task Terminating_the_only_agreement_between_two_members_halts_their_open_cases()
    {
        var acme = await hosts.ClientAsync(ApiFixture.Acme);
        var authorisation = await acme.AuthoriseAsync(["globex"]);
        var (id, _) = await acme.OpenCaseAsync("globex", authorisation);
        var legal = await hosts.ClientAsync(ApiFixture.Legal);
        var globexFramework = (await (await legal.GetAsync("/api/v1/agreements?memberId=globex")).ExpectAsync(HttpStatusCode.OK)).AsArray()
            .Single(a => a!["kind"]!.GetValue<string>() == "framework")!["id"]!.GetValue<Guid>();
        try
        {
            await (await legal.PostAsync($"/api/v1/agreements/{globexFramework}/terminate", new { reason = "Member left" })).ExpectAsync(HttpStatusCode.OK);
            var halted = await (await acme.GetAsync($"/api/v1/cases/{id}")).ExpectAsync(HttpStatusCode.OK);
            Assert.Equal("halted", halted["status"]!.GetValue<string>());
            Assert.Equal("agreement_terminated", halted["haltReason"]!.GetValue<string>());
        }
        finally
        {
            // Other tests of this class rely on globex's framework agreement.
            await using var db = hosts.Database.CreateContext();
            await db.Agreements.Where(a => a.Id == globexFramework).ExecuteUpdateAsync(s => s
                .SetProperty(a => a.Status, Core.Agreements.AgreementStatus.InForce).SetProperty(a => a.TerminatedAt, (DateTime?)null));
        }
    }

    [Fact]
    public async Task Agreement_writes_need_the_legal_admin_and_reads_need_a_token()
    {
        var ops = await hosts.ClientAsync(ApiFixture.Operator);
        await (await ops.PostAsync("/api/v1/agreements", new { kind = "framework" })).ExpectAsync(HttpStatusCode.Forbidden);
        await (await hosts.Anonymous().GetAsync("/api/v1/agreements")).ExpectAsync(HttpStatusCode.Unauthorized);
        var legal = await hosts.ClientAsync(ApiFixture.Legal);
        await (await legal.PostAsync($"/api/v1/agreements/{Guid.NewGuid()}/terminate", new { reason = "x" })).ExpectAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_customer_authorisation_is_visible_to_the_member_that_recorded_it_only()
    {
        var acme = await hosts.ClientAsync(ApiFixture.Acme);
        var id = await acme.AuthoriseAsync(["globex"]);
        var read = await (await acme.GetAsync($"/api/v1/customer-authorisations/{id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("acme", read["submittingMemberId"]!.GetValue<string>());
        Assert.Equal("carla@contoso.example", read["authorisedBy"]!["email"]!.GetValue<string>());

        var globex = await hosts.ClientAsync(ApiFixture.Globex);
        await (await globex.GetAsync($"/api/v1/customer-authorisations/{id}")).ExpectAsync(HttpStatusCode.NotFound);
        await (await globex.PostAsync($"/api/v1/customer-authorisations/{id}/withdraw", null)).ExpectAsync(HttpStatusCode.NotFound);
        var admin = await hosts.ClientAsync(ApiFixture.AcmeAdmin);
        await (await admin.GetAsync($"/api/v1/customer-authorisations/{id}")).ExpectAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_customer_authorisation_with_special_categories_a_past_expiry_or_a_submittingMemberId_is_a_400()
    {
        var acme = await hosts.ClientAsync(ApiFixture.Acme);
        var body = await (await acme.PostAsync("/api/v1/customer-authorisations", new
        {
            customerOrganisation = "Contoso",
            authorisedBy = new { name = "C", role = "R", email = "not-an-email" },
            receivingMemberIds = new[] { "globex" },
            purpose = "p",
            captureMethod = "email",
            evidenceReference = "e",
            dataCategories = new[] { "special" },
            expiresAt = DateTime.UtcNow.AddDays(-1),
        })).ExpectAsync(HttpStatusCode.BadRequest);
        var errors = body["errors"]!.AsObject();
        Assert.True(errors.ContainsKey("authorisedBy.email"), body.ToJsonString());
        Assert.True(errors.ContainsKey("expiresAt"), body.ToJsonString());
        Assert.True(errors.ContainsKey("dataCategories[0]"), body.ToJsonString());

        var smuggled = await acme.PostAsync("/api/v1/customer-authorisations", """{"submittingMemberId":"globex","customerOrganisation":"C"}""");
        await smuggled.ExpectRefusalAsync(HttpStatusCode.BadRequest, "invalid_json");
    }

    [Fact]
    public async Task The_field_catalogue_lists_every_field_with_its_category()
    {
        var acme = await hosts.ClientAsync(ApiFixture.Acme);
        var fields = (await (await acme.GetAsync("/api/v1/field-catalogue")).ExpectAsync(HttpStatusCode.OK)).AsArray();
        var categories = fields.ToDictionary(f => f!["name"]!.GetValue<string>(), f => f!["category"]!.GetValue<string>());
        Assert.Equal("technical", categories["logExcerpt"]);
        Assert.Equal("organisation", categories["customerOrganisation"]);
        Assert.Equal("contact", categories["customerContactPhone"]);
        Assert.Equal("special", categories["healthImpact"]);
    }

    [Fact]
    public async Task The_openapi_document_is_served_at_swagger()
    {
        var response = await hosts.Anonymous().GetAsync("/swagger/v1/swagger.json");
        var body = await response.ExpectAsync(HttpStatusCode.OK);
        Assert.NotNull(body["paths"]!["/api/v1/cases/{id}/accept"]);
    }
}
