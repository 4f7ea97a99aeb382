using System.Net;
using Exchange.Core.Agreements;
using Exchange.Core.Cases;
using Exchange.Core.Content;
using Exchange.Core.Data;
using Exchange.Core.Members;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Api.Tests;

public sealed class MinimisationFixture : ApiFixture
{
    public TestClient Submitter { get; private set; } = null!;

    protected override Task SeedMoreAsync(ExchangeDbContext db)
    {
        Submitter = AddMemberWithClient(db, "mx-sub", "EU");
        AddMemberWithClient(db, "mx-rcv", "EU", new IntakePolicy
        {
            RequiredFields = [FieldCatalogue.Summary],
            AcceptedFields = [FieldCatalogue.Summary, FieldCatalogue.Description, FieldCatalogue.Product, FieldCatalogue.ErrorCode,
                FieldCatalogue.CustomerOrganisation, FieldCatalogue.CustomerContactName, FieldCatalogue.CustomerContactEmail],
            FreeTextPersonalData = FreeTextPersonalDataPolicy.Redact,
            ResponseTargets = new() { [2] = TimeSpan.FromDays(1) },
        });
        // The agreement permits technical and contact data, not organisation data.
        AddAgreement(db, AgreementKind.Bilateral, ["mx-sub", "mx-rcv"], [DataCategory.Technical, DataCategory.Contact], ["EU"]);
        return Task.CompletedTask;
    }
}

/// <summary>What is stored is submitted ∩ intake accepted ∩ agreement permitted ∩ authorised, and nothing withheld reaches the database.</summary>
public sealed class MinimisationTests(MinimisationFixture hosts) : IClassFixture<MinimisationFixture>
{
    private const string WithheldVersion = "9.8.7-withheld-version";
    private const string WithheldOrganisation = "Withheld Organisation Plc";
    private const string WithheldEmail = "withheld.contact@contoso.example";
    private const string RedactedEmail = "leaky.person@contoso.example";

    private static Dictionary<string, string> Submitted() => new()
    {
        ["summary"] = "Export to CSV hangs",
        ["product"] = "Reports",
        ["productVersion"] = WithheldVersion,
        ["customerOrganisation"] = WithheldOrganisation,
        ["customerContactEmail"] = WithheldEmail,
        ["description"] = $"Hangs when {RedactedEmail} exports more than 10k rows.",
    };

    [Fact]
    public async Task The_stored_case_is_the_four_way_intersection_and_each_withheld_field_says_why()
    {
        var client = await hosts.ClientAsync(hosts.Submitter);
        // Authorised: technical and organisation, not contact.
        var authorisation = await client.AuthoriseAsync(["mx-rcv"], categories: ["technical", "organisation"], organisation: WithheldOrganisation);
        var response = await client.PostAsync("/api/v1/cases", Api.CaseBody("mx-rcv", authorisation, Submitted()));
        var body = await response.ExpectAsync(HttpStatusCode.Created);
        var id = body["id"]!.GetValue<Guid>();

        var fields = body["fields"]!.AsObject().ToDictionary(f => f.Key, f => f.Value!.GetValue<string>());
        Assert.Equal(["description", "product", "summary"], fields.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("Hangs when [redacted:email] exports more than 10k rows.", fields["description"]);
        var withheld = body["withheldFields"]!.AsArray().ToDictionary(w => w!["field"]!.GetValue<string>(), w => w!["reason"]!.GetValue<string>());
        Assert.Equal(new Dictionary<string, string>
        {
            ["customerContactEmail"] = "category_not_authorised",
            ["customerOrganisation"] = "category_not_permitted_by_agreement",
            ["description"] = "personal_data_redacted",
            ["productVersion"] = "not_accepted_by_receiver",
        }, withheld);

        // Content is ciphertext in the database: the stored values are read through the case's key.
        await using var db = hosts.Database.CreateContext();
        await db.UnlockAsync(await db.Cases.Select(c => c.Id).ToListAsync());
        var stored = await db.CaseFields.Where(f => f.CaseId == id).ToDictionaryAsync(f => f.Name, f => f.Value);
        Assert.Equal(fields, stored);
        var allFields = await db.CaseFields.Select(f => f.Value).ToListAsync();
        var references = await db.Cases.ToListAsync();

        // No withheld or redacted value anywhere a case leaves traces, decrypted or not.
        foreach (var secret in new[] { WithheldVersion, WithheldEmail, RedactedEmail })
        {
            Assert.DoesNotContain(allFields, v => v.Contains(secret, StringComparison.Ordinal));
            Assert.False(await db.WithheldFields.AnyAsync(f => f.Reason.Contains(secret) || f.Name.Contains(secret)), secret);
            Assert.False(await db.AuditEntries.AnyAsync(e => e.Details != null && e.Details.Contains(secret)), secret);
            Assert.False(await db.OutboxMessages.AnyAsync(m => m.Payload.Contains(secret)), secret);
            Assert.DoesNotContain(references, c => c.SubmitterCaseReference.Contains(secret, StringComparison.Ordinal));
        }

        Assert.DoesNotContain(allFields, v => v.Contains(WithheldOrganisation, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Preview_answers_what_create_would_store_and_stores_nothing()
    {
        var client = await hosts.ClientAsync(hosts.Submitter);
        var authorisation = await client.AuthoriseAsync(["mx-rcv"], categories: ["technical", "organisation"], organisation: WithheldOrganisation);
        await using var db = hosts.Database.CreateContext();
        var cases = await db.Cases.CountAsync();
        var audit = await db.AuditEntries.CountAsync();

        var preview = await (await client.PostAsync("/api/v1/cases/preview", Api.CaseBody("mx-rcv", authorisation, Submitted()))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(cases, await db.Cases.CountAsync());
        Assert.Equal(audit, await db.AuditEntries.CountAsync());

        var created = await (await client.PostAsync("/api/v1/cases", Api.CaseBody("mx-rcv", authorisation, Submitted()))).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(created["fields"]!.ToJsonString(), preview["fields"]!.ToJsonString());
        Assert.Equal(created["withheldFields"]!.ToJsonString(), preview["withheldFields"]!.ToJsonString());
    }

    [Fact]
    public async Task Preview_refuses_with_the_same_gate_codes_as_create()
    {
        var client = await hosts.ClientAsync(hosts.Submitter);
        var response = await client.PostAsync("/api/v1/cases/preview", Api.CaseBody("mx-rcv", Guid.NewGuid(), Submitted()));
        await response.ExpectRefusalAsync(HttpStatusCode.UnprocessableEntity, "authorisation_missing");
    }
}
