using System.Net;
using Exchange.Core.Agreements;
using Exchange.Core.Cases;
using Exchange.Core.Data;
using Exchange.Core.Members;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Api.Tests;

public sealed class GateFixture : ApiFixture
{
    public TestClient GateA { get; private set; } = null!;

    protected override Task SeedMoreAsync(ExchangeDbContext db)
    {
        GateA = AddMemberWithClient(db, "gx-a", "EU");
        var contactPolicy = DefaultPolicy();
        contactPolicy.RequiredFields = [FieldCatalogue.Summary, FieldCatalogue.CustomerContactName];
        AddMemberWithClient(db, "gx-c", "EU", contactPolicy);
        AddMemberWithClient(db, "gx-d", "EU");
        AddMemberWithClient(db, "gx-e", "EU");
        AddMemberWithClient(db, "gx-us", "US");
        AddMemberWithClient(db, "gx-strict", "EU", DefaultPolicy(FreeTextPersonalDataPolicy.Refuse));
        AddAgreement(db, AgreementKind.Bilateral, ["gx-a", "gx-c"], [DataCategory.Technical, DataCategory.Organisation], ["EU"]);
        AddAgreement(db, AgreementKind.Bilateral, ["gx-a", "gx-d"], [DataCategory.Technical], ["EU"], AgreementStatus.Terminated);
        AddAgreement(db, AgreementKind.Bilateral, ["gx-a", "gx-e"], [DataCategory.Technical], ["EU"],
            effectiveFrom: DateTime.UtcNow.AddYears(-2), expiresAt: DateTime.UtcNow.AddDays(-1));
        AddAgreement(db, AgreementKind.Framework, ["gx-us"], [DataCategory.Technical, DataCategory.Organisation, DataCategory.Contact], ["EU", "UK", "US"]);
        AddAgreement(db, AgreementKind.Framework, ["gx-strict"], [DataCategory.Technical, DataCategory.Organisation, DataCategory.Contact], ["EU"]);
        return Task.CompletedTask;
    }
}

/// <summary>Each gate's refusal code, the gates' order, and that a refused request leaves nothing behind.</summary>
public sealed class CaseGateTests(GateFixture hosts) : IClassFixture<GateFixture>
{
    private static readonly Dictionary<string, string> ContactFields = new()
    {
        ["summary"] = "Sync job fails",
        ["product"] = "Sync",
        ["customerContactName"] = "Dana Doe",
    };

    [Fact]
    public async Task Submitting_to_a_member_without_any_common_agreement_is_refused_with_agreement_missing()
    {
        var acme = await hosts.ClientAsync(ApiFixture.Acme);
        var authorisation = await acme.AuthoriseAsync(["initech"]);
        await RefusedAndNothingStoredAsync(acme, Api.CaseBody("initech", authorisation), "agreement_missing");
    }

    [Fact]
    public async Task Submitting_under_a_terminated_or_expired_agreement_is_refused_with_agreement_not_in_force()
    {
        var a = await hosts.ClientAsync(hosts.GateA);
        var authorisation = await a.AuthoriseAsync(["gx-d", "gx-e"]);
        await RefusedAndNothingStoredAsync(a, Api.CaseBody("gx-d", authorisation), "agreement_not_in_force");
        await RefusedAndNothingStoredAsync(a, Api.CaseBody("gx-e", authorisation), "agreement_not_in_force");
    }

    [Fact]
    public async Task A_receiver_requiring_contact_data_the_agreement_does_not_permit_is_refused_with_agreement_category_not_permitted()
    {
        var a = await hosts.ClientAsync(hosts.GateA);
        var authorisation = await a.AuthoriseAsync(["gx-c"]);
        await RefusedAndNothingStoredAsync(a, Api.CaseBody("gx-c", authorisation, ContactFields), "agreement_category_not_permitted");
    }

    [Fact]
    public async Task Citing_an_unknown_authorisation_or_another_members_is_refused_with_authorisation_missing()
    {
        var acme = await hosts.ClientAsync(ApiFixture.Acme);
        await RefusedAndNothingStoredAsync(acme, Api.CaseBody("globex", Guid.NewGuid()), "authorisation_missing");

        var globex = await hosts.ClientAsync(ApiFixture.Globex);
        var globexOwn = await globex.AuthoriseAsync(["acme"]);
        await RefusedAndNothingStoredAsync(acme, Api.CaseBody("globex", globexOwn), "authorisation_missing");
    }

    [Fact]
    public async Task Citing_a_withdrawn_authorisation_is_refused_with_authorisation_withdrawn()
    {
        var acme = await hosts.ClientAsync(ApiFixture.Acme);
        var authorisation = await acme.AuthoriseAsync(["globex"]);
        await (await acme.PostAsync($"/api/v1/customer-authorisations/{authorisation}/withdraw", new { reason = "customer asked" })).ExpectAsync(HttpStatusCode.OK);
        await RefusedAndNothingStoredAsync(acme, Api.CaseBody("globex", authorisation), "authorisation_withdrawn");
    }

    [Fact]
    public async Task Citing_an_expired_authorisation_is_refused_with_authorisation_expired()
    {
        var acme = await hosts.ClientAsync(ApiFixture.Acme);
        var authorisation = await acme.AuthoriseAsync(["globex"]);
        await using (var db = hosts.Database.CreateContext())
        {
            await db.CustomerAuthorisations.Where(a => a.Id == authorisation)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.ExpiresAt, DateTime.UtcNow.AddMinutes(-1)));
        }

        await RefusedAndNothingStoredAsync(acme, Api.CaseBody("globex", authorisation), "authorisation_expired");
    }

    [Fact]
    public async Task An_authorisation_for_another_receiver_customer_or_categories_is_refused_with_authorisation_scope()
    {
        var acme = await hosts.ClientAsync(ApiFixture.Acme);
        var otherReceiver = await acme.AuthoriseAsync(["initech"]);
        await RefusedAndNothingStoredAsync(acme, Api.CaseBody("globex", otherReceiver), "authorisation_scope");

        var otherCustomer = await acme.AuthoriseAsync(["globex"], organisation: "Fabrikam");
        await RefusedAndNothingStoredAsync(acme, Api.CaseBody("globex", otherCustomer), "authorisation_scope");

        // Globex requires summary and product (technical); an authorisation for organisation data only cannot carry them.
        var organisationOnly = await acme.AuthoriseAsync(["globex"], categories: ["organisation"]);
        await RefusedAndNothingStoredAsync(acme, Api.CaseBody("globex", organisationOnly), "authorisation_scope");
    }

    [Fact]
    public async Task A_receiver_region_outside_the_agreement_or_the_authorisation_is_refused_with_transfer_region_not_permitted()
    {
        var acme = await hosts.ClientAsync(ApiFixture.Acme);
        var toUs = await acme.AuthoriseAsync(["gx-us"]);
        await RefusedAndNothingStoredAsync(acme, Api.CaseBody("gx-us", toUs), "transfer_region_not_permitted");

        var ukOnly = await acme.AuthoriseAsync(["globex"], regions: ["UK"]);
        await RefusedAndNothingStoredAsync(acme, Api.CaseBody("globex", ukOnly), "transfer_region_not_permitted");
    }

    [Fact]
    public async Task Personal_data_in_free_text_to_a_receiver_that_refuses_it_is_refused_with_personal_data_in_free_text()
    {
        var acme = await hosts.ClientAsync(ApiFixture.Acme);
        var authorisation = await acme.AuthoriseAsync(["gx-strict"]);
        var fields = new Dictionary<string, string>
        {
            ["summary"] = "Login fails",
            ["product"] = "Portal",
            ["description"] = "The user jane.roe@contoso.example cannot sign in from 10.1.2.3.",
        };
        var response = await acme.PostAsync("/api/v1/cases", Api.CaseBody("gx-strict", authorisation, fields));
        var body = await response.ExpectAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("personal_data_in_free_text", body["code"]!.GetValue<string>());
        Assert.DoesNotContain("jane.roe", body.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("description", body["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        await AssertNothingStoredAsync(before: null);
    }

    [Fact]
    public async Task The_gates_are_checked_in_order_agreement_then_authorisation_then_transfer()
    {
        var acme = await hosts.ClientAsync(ApiFixture.Acme);
        // No agreement and no authorisation: the agreement gate answers.
        await RefusedAndNothingStoredAsync(acme, Api.CaseBody("initech", Guid.NewGuid()), "agreement_missing");

        // Region not permitted and the authorisation withdrawn: the authorisation gate answers first.
        var withdrawn = await acme.AuthoriseAsync(["gx-us"]);
        await (await acme.PostAsync($"/api/v1/customer-authorisations/{withdrawn}/withdraw", null)).ExpectAsync(HttpStatusCode.OK);
        await RefusedAndNothingStoredAsync(acme, Api.CaseBody("gx-us", withdrawn), "authorisation_withdrawn");
    }

    [Fact]
    public async Task An_unknown_catalogue_field_is_a_400_naming_its_position_not_its_name()
    {
        var acme = await hosts.ClientAsync(ApiFixture.Acme);
        var authorisation = await acme.AuthoriseAsync(["globex"]);
        // A made-up property name can itself be personal data, so the answer does not repeat it.
        var fields = new Dictionary<string, string> { ["summary"] = "s", ["product"] = "p", ["carla.customer@contoso.example"] = "blue" };
        var body = await (await acme.PostAsync("/api/v1/cases", Api.CaseBody("globex", authorisation, fields))).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Equal("validation_failed", body["code"]!.GetValue<string>());
        Assert.Contains("Property 3 of fields", body["errors"]!["fields"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("carla", body.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_special_category_field_is_refused()
    {
        var acme = await hosts.ClientAsync(ApiFixture.Acme);
        var authorisation = await acme.AuthoriseAsync(["globex"]);
        var fields = new Dictionary<string, string> { ["summary"] = "s", ["product"] = "p", ["healthImpact"] = "Operator was injured" };
        var body = await (await acme.PostAsync("/api/v1/cases", Api.CaseBody("globex", authorisation, fields))).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(body["errors"]!["fields.healthImpact"]);
        Assert.DoesNotContain("injured", body.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_field_the_receiver_requires_but_the_body_lacks_is_a_400_naming_it()
    {
        var acme = await hosts.ClientAsync(ApiFixture.Acme);
        var authorisation = await acme.AuthoriseAsync(["globex"]);
        var fields = new Dictionary<string, string> { ["summary"] = "Only a summary" };
        var body = await (await acme.PostAsync("/api/v1/cases", Api.CaseBody("globex", authorisation, fields))).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(body["errors"]!["fields.product"]);
    }

    [Fact]
    public async Task Validation_lists_every_invalid_field_as_problem_details()
    {
        var acme = await hosts.ClientAsync(ApiFixture.Acme);
        var response = await acme.PostAsync("/api/v1/cases", new { receivingMemberId = "globex", customerAuthorisationId = Guid.NewGuid(), severity = 9, submitterCaseReference = "", fields = new { } });
        var body = await response.ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = body["errors"]!.AsObject();
        Assert.Equal(["fields", "severity", "submitterCaseReference"], errors.Select(e => e.Key).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("status", "\"accepted\"")]
    [InlineData("submittingMemberId", "\"globex\"")]
    [InlineData("id", "\"0196a3b4-0000-7000-8000-000000000001\"")]
    [InlineData("openedBy", "\"someone-else\"")]
    [InlineData("createdAt", "\"2020-01-01T00:00:00Z\"")]
    public async Task A_body_setting_a_server_owned_property_is_a_400_and_creates_nothing(string property, string value)
    {
        var acme = await hosts.ClientAsync(ApiFixture.Acme);
        var authorisation = await acme.AuthoriseAsync(["globex"]);
        var reference = "MASS-" + property;
        var json = $$"""
            {"receivingMemberId":"globex","customerAuthorisationId":"{{authorisation}}","severity":2,"submitterCaseReference":"{{reference}}",
             "fields":{"summary":"s","product":"p"},"{{property}}":{{value}}}
            """;
        var body = await (await acme.PostAsync("/api/v1/cases", json)).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Equal("invalid_json", body["code"]!.GetValue<string>());

        var outbox = await (await acme.GetAsync("/api/v1/cases?box=outbox&limit=100")).ExpectAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(outbox["items"]!.AsArray(), i => i!["submitterCaseReference"]?.GetValue<string>() == reference);
    }

    [Fact]
    public async Task Opening_a_case_to_oneself_is_refused()
    {
        var acme = await hosts.ClientAsync(ApiFixture.Acme);
        var body = await (await acme.PostAsync("/api/v1/cases", Api.CaseBody("acme", Guid.NewGuid()))).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(body["errors"]!["receivingMemberId"]);
    }

    private async Task RefusedAndNothingStoredAsync(HttpClient client, object body, string code)
    {
        var before = await CountsAsync();
        var response = await client.PostAsync("/api/v1/cases", body, idempotencyKey: Guid.NewGuid().ToString());
        await response.ExpectRefusalAsync(HttpStatusCode.UnprocessableEntity, code);
        await AssertNothingStoredAsync(before);
    }

    private async Task AssertNothingStoredAsync(int[]? before)
    {
        var after = await CountsAsync();
        if (before is not null)
        {
            Assert.Equal(before, after);
        }

        await using var db = hosts.Database.CreateContext();
        Assert.False(await db.CaseFields.AnyAsync(f => f.Value.Contains("jane.roe")));
    }

    private async Task<int[]> CountsAsync()
    {
        await using var db = hosts.Database.CreateContext();
        return
        [
            await db.Cases.CountAsync(), await db.CaseFields.CountAsync(), await db.WithheldFields.CountAsync(),
            await db.OutboxMessages.CountAsync(), await db.IdempotencyRecords.CountAsync(), await db.AuditEntries.CountAsync(),
        ];
    }
}
