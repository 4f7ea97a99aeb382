using System.Net;
using System.Text.Json.Nodes;
using Exchange.Core.Agreements;
using Exchange.Core.Cases;
using Exchange.Core.Data;
using Exchange.Core.Members;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Api.Tests;

/// <summary>One member per way an agreement can cover (or fail to cover) requests from cv-sender.</summary>
public sealed class CoverageFixture : ApiFixture
{
    public TestClient Sender { get; private set; } = null!;
    public TestClient Receiver { get; private set; } = null!;
    public TestClient Lonely { get; private set; } = null!;

    protected override Task SeedMoreAsync(ExchangeDbContext db)
    {
        var contactRequired = DefaultPolicy();
        contactRequired.RequiredFields = [FieldCatalogue.Summary, FieldCatalogue.Product, FieldCatalogue.CustomerContactName];
        Sender = AddMemberWithClient(db, "cv-sender", "EU");
        Receiver = AddMemberWithClient(db, "cv-framework", "EU");
        AddMemberWithClient(db, "cv-abroad", "US");
        AddMemberWithClient(db, "cv-unsigned", "EU");
        AddMemberWithClient(db, "cv-narrow", "EU", contactRequired);
        AddMemberWithClient(db, "cv-bilateral", "US");
        Lonely = AddMemberWithClient(db, "cv-none", "EU");

        DataCategory[] all = [DataCategory.Technical, DataCategory.Organisation, DataCategory.Contact];
        AddAgreement(db, AgreementKind.Framework, ["cv-sender"], all, ["EU", "UK"]);
        AddAgreement(db, AgreementKind.Framework, ["cv-framework"], [DataCategory.Technical, DataCategory.Organisation], ["EU"]);
        AddAgreement(db, AgreementKind.Framework, ["cv-abroad"], all, ["EU", "US"]);
        AddAgreement(db, AgreementKind.Framework, ["cv-unsigned"], all, ["EU"], AgreementStatus.AwaitingSignatures);
        AddAgreement(db, AgreementKind.Bilateral, ["cv-sender", "cv-narrow"], [DataCategory.Technical, DataCategory.Organisation], ["EU"]);
        AddAgreement(db, AgreementKind.Bilateral, ["cv-sender", "cv-bilateral"], all, ["EU", "US"]);
        return Task.CompletedTask;
    }
}

/// <summary>
/// GET /agreements/coverage answers from the agreement gate itself: for each receiver, what every
/// submission to it would meet, which the tests check by submitting.
/// </summary>
public sealed class CoverageTests(CoverageFixture hosts) : IClassFixture<CoverageFixture>
{
    private const string Coverage = "/api/v1/agreements/coverage";

    private static JsonNode Entry(JsonNode list, string member) =>
        list.AsArray().Single(e => e!["memberId"]!.GetValue<string>() == member)!;

    private static List<string> Strings(JsonNode node) => node.AsArray().Select(n => n!.GetValue<string>()).ToList();

    [Fact]
    public async Task Each_receiver_shows_the_terms_in_force_or_the_refusal_every_request_to_it_would_get()
    {
        var sender = await hosts.ClientAsync(hosts.Sender);
        var list = await (await sender.GetAsync(Coverage)).ExpectAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(list.AsArray(), e => e!["memberId"]!.GetValue<string>() is "cv-sender" or Member.OperatorId);

        var framework = Entry(list, "cv-framework");
        Assert.True(framework["covered"]!.GetValue<bool>());
        Assert.Null(framework["code"]);
        Assert.Equal(["technical", "organisation"], Strings(framework["permittedCategories"]!));
        Assert.Equal(["EU"], Strings(framework["permittedRegions"]!));
        Assert.Equal(["technical"], Strings(framework["requiredCategories"]!));
        Assert.Equal("cv-framework Ltd", framework["legalName"]!.GetValue<string>());
        Assert.Single(framework["agreementIds"]!.AsArray());

        var bilateral = Entry(list, "cv-bilateral");
        Assert.True(bilateral["covered"]!.GetValue<bool>());
        Assert.Equal(["EU", "US"], Strings(bilateral["permittedRegions"]!));

        Assert.Equal("transfer_region_not_permitted", Entry(list, "cv-abroad")["code"]!.GetValue<string>());
        Assert.Equal("agreement_not_in_force", Entry(list, "cv-unsigned")["code"]!.GetValue<string>());
        var narrow = Entry(list, "cv-narrow");
        Assert.Equal("agreement_category_not_permitted", narrow["code"]!.GetValue<string>());
        Assert.Contains("contact", narrow["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(["technical", "organisation"], Strings(narrow["permittedCategories"]!));
        var none = Entry(list, "cv-none");
        Assert.False(none["covered"]!.GetValue<bool>());
        Assert.Equal("agreement_missing", none["code"]!.GetValue<string>());
        Assert.Empty(none["permittedCategories"]!.AsArray());
        Assert.Empty(none["agreementIds"]!.AsArray());

        // No second copy of the rule: a submission to each receiver, with an authorisation covering
        // everything, meets exactly the refusal coverage announced, and succeeds where it said covered.
        foreach (var member in new[] { "cv-framework", "cv-bilateral", "cv-abroad", "cv-unsigned", "cv-narrow", "cv-none" })
        {
            var authorisation = await sender.AuthoriseAsync([member]);
            var fields = new Dictionary<string, string>
            {
                ["summary"] = "Coverage check", ["product"] = "ERP Suite", ["customerContactName"] = "Carla Customer",
                ["customerOrganisation"] = "Contoso Manufacturing",
            };
            using var response = await sender.PostAsync("/api/v1/cases", Api.CaseBody(member, authorisation, fields), idempotencyKey: Guid.NewGuid().ToString("N"));
            var entry = Entry(list, member);
            if (entry["covered"]!.GetValue<bool>())
            {
                await response.ExpectAsync(HttpStatusCode.Created);
            }
            else
            {
                await response.ExpectRefusalAsync(HttpStatusCode.UnprocessableEntity, entry["code"]!.GetValue<string>());
            }
        }
    }

    [Fact]
    public async Task One_receiver_can_be_asked_for_and_an_unknown_one_is_not_found()
    {
        var sender = await hosts.ClientAsync(hosts.Sender);
        var one = await (await sender.GetAsync($"{Coverage}?receivingMemberId=cv-abroad")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("cv-abroad", Assert.Single(one.AsArray())!["memberId"]!.GetValue<string>());
        await (await sender.GetAsync($"{Coverage}?receivingMemberId=cv-nobody")).ExpectRefusalAsync(HttpStatusCode.NotFound, "not_found");

        // Coverage is seen from the caller's side: the member with no agreement sees nobody covered.
        var lonely = await (await (await hosts.ClientAsync(hosts.Lonely)).GetAsync(Coverage)).ExpectAsync(HttpStatusCode.OK);
        Assert.All(lonely.AsArray(), e => Assert.False(e!["covered"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task Coverage_needs_a_member_token_with_agreements_read()
    {
        using var anonymous = await hosts.Anonymous().GetAsync(Coverage);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        await (await (await hosts.ClientAsync(ApiFixture.Acme, "cases:read")).GetAsync(Coverage)).ExpectAsync(HttpStatusCode.Forbidden);
        await (await (await hosts.ClientAsync(ApiFixture.Legal)).GetAsync(Coverage)).ExpectRefusalAsync(HttpStatusCode.Forbidden, "role_required");
    }

    [Fact]
    public async Task The_cases_under_an_authorisation_are_listed_open_first_for_its_member_only_and_none_after_withdrawal()
    {
        var sender = await hosts.ClientAsync(hosts.Sender);
        var receiver = await hosts.ClientAsync(hosts.Receiver);
        var authorisation = await sender.AuthoriseAsync(["cv-framework"], categories: ["technical", "organisation"]);
        var other = await sender.AuthoriseAsync(["cv-framework"], categories: ["technical", "organisation"]);
        var (first, firstTag) = await sender.OpenCaseAsync("cv-framework", authorisation);
        var (second, _) = await sender.OpenCaseAsync("cv-framework", authorisation,
            new() { ["summary"] = "Second fault under it", ["product"] = "ERP Suite", ["customerOrganisation"] = "Contoso Manufacturing" });
        var (elsewhere, _) = await sender.OpenCaseAsync("cv-framework", other);
        await (await receiver.PostAsync($"/api/v1/cases/{first}/reject", new { reason = "Not ours" }, ifMatch: firstTag)).ExpectAsync(HttpStatusCode.OK);

        var path = $"/api/v1/customer-authorisations/{authorisation}/cases";
        var list = (await (await sender.GetAsync(path)).ExpectAsync(HttpStatusCode.OK)).AsArray();
        Assert.Equal([second, first], list.Select(c => c!["id"]!.GetValue<Guid>()));
        Assert.True(list[0]!["open"]!.GetValue<bool>());
        Assert.Equal("submitted", list[0]!["status"]!.GetValue<string>());
        Assert.Equal("Second fault under it", list[0]!["summary"]!.GetValue<string>());
        Assert.Equal("ACME-1", list[0]!["submitterCaseReference"]!.GetValue<string>());
        Assert.False(list[1]!["open"]!.GetValue<bool>());
        Assert.DoesNotContain(elsewhere.ToString(), list.ToJsonString(), StringComparison.Ordinal);

        await using (var db = hosts.Database.CreateContext())
        {
            var entry = await db.AuditEntries.Where(e => e.Action == "case.listed" && e.ObjectId == authorisation.ToString()).SingleAsync();
            Assert.Contains(second.ToString(), entry.Details, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("Second fault", entry.Details, StringComparison.Ordinal);
        }

        // The authorisation is the sender's: the receiver, another member and a token without the scope learn nothing.
        await (await receiver.GetAsync(path)).ExpectRefusalAsync(HttpStatusCode.NotFound, "not_found");
        await (await (await hosts.ClientAsync(hosts.Lonely)).GetAsync(path)).ExpectRefusalAsync(HttpStatusCode.NotFound, "not_found");
        await (await (await hosts.ClientAsync(hosts.Sender, "authorisations:write")).GetAsync(path)).ExpectAsync(HttpStatusCode.Forbidden);
        await (await (await hosts.ClientAsync(ApiFixture.Operator)).GetAsync(path)).ExpectAsync(HttpStatusCode.Forbidden);
        using var anonymous = await hosts.Anonymous().GetAsync(path);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        await (await sender.PostAsync($"/api/v1/customer-authorisations/{authorisation}/withdraw", new { })).ExpectAsync(HttpStatusCode.OK);
        Assert.Empty((await (await sender.GetAsync(path)).ExpectAsync(HttpStatusCode.OK)).AsArray());
    }
}
