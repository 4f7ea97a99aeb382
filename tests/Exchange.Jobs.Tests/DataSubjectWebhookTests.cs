using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Exchange.Api;
using Exchange.Core.Data;
using Exchange.Core.Identity;
using Exchange.Core.Webhooks;
using Exchange.Identity;
using Exchange.Testing;

namespace Exchange.Jobs.Tests;

public sealed class DataSubjectWebhookFixture : IdentityBackedHosts<IdentityHost, ApiHost>
{
    public const string PrivacyClient = "acme-privacy-hooks";
    public const string PrivacySecret = "test-acme-privacy-hooks-secret-0123456789";

    protected override Task SeedAsync(ExchangeDbContext db)
    {
        db.OAuthClients.Add(new OAuthClient
        {
            ClientId = PrivacyClient,
            DisplayName = PrivacyClient,
            MemberId = "acme",
            Type = ClientType.Confidential,
            SecretHash = SecretHasher.Hash(PrivacySecret),
            AllowedGrantTypes = [GrantTypes.ClientCredentials],
            AllowedScopes = [Scopes.Privacy],
            Roles = [Roles.PrivacyOfficer],
            CreatedAt = DateTime.UtcNow,
        });
        return db.SaveChangesAsync();
    }

    public async Task<HttpClient> AsAsync(string clientId, string secret) => ServiceClient(await TokenAsync(clientId, secret));
}

/// <summary>
/// Issue 12: when a data subject exercises a right on a case, the other member's webhook receives
/// `case.data_subject_request` naming the case and the right, and nothing of the person.
/// </summary>
public sealed class DataSubjectWebhookTests(DataSubjectWebhookFixture hosts) : IClassFixture<DataSubjectWebhookFixture>
{
    [Fact]
    public async Task The_other_member_receives_case_data_subject_request_with_the_case_and_the_right_and_none_of_the_persons_data()
    {
        await using var receiver = await Receiver.StartAsync();
        await using var jobs = new JobsFactory(hosts.Database);
        var secret = WebhookSecret.Generate();
        await using (var db = hosts.Database.CreateContext())
        {
            db.WebhookSubscriptions.Add(TestData.Subscription(jobs.Services, "globex", receiver.Url, secret, CaseEvents.DataSubjectRequest));
            await db.SaveChangesAsync();
        }

        var tag = Guid.NewGuid().ToString("N")[..10];
        var email = $"dora.{tag}@subject-person.example";
        var name = "Dora Subject" + tag;
        using var acme = await hosts.AsAsync("acme-crm", "dev-acme-crm-secret");
        var authorisation = await Created(await acme.PostAsJsonAsync("/api/v1/customer-authorisations", new
        {
            customerOrganisation = "Contoso Manufacturing",
            authorisedBy = new { name = "Carla Customer" },
            receivingMemberIds = new[] { "globex" },
            purpose = "Diagnose the fault",
            captureMethod = "email",
            evidenceReference = "CRM-1",
            dataCategories = new[] { "technical", "organisation", "contact" },
            expiresAt = DateTime.UtcNow.AddDays(30),
        }));
        var caseId = await Created(await acme.PostAsJsonAsync("/api/v1/cases", new
        {
            receivingMemberId = "globex",
            customerAuthorisationId = authorisation,
            severity = 2,
            submitterCaseReference = "ACME-DSR",
            fields = new Dictionary<string, string>
            {
                ["summary"] = "Printer crash", ["product"] = "ERP Suite", ["customerOrganisation"] = "Contoso Manufacturing",
                ["customerContactEmail"] = email, ["customerContactName"] = name,
            },
        }));

        using var privacy = await hosts.AsAsync(DataSubjectWebhookFixture.PrivacyClient, DataSubjectWebhookFixture.PrivacySecret);
        var opened = await privacy.PostAsJsonAsync("/api/v1/data-subject-requests", new
        {
            email = email.ToUpperInvariant(), name, identityVerification = "Verified by reply from the address", type = "access",
        });
        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);

        var received = await TestData.EventuallyAsync(() => Task.FromResult(receiver.Requests.ToList()), r => r.Count > 0, TimeSpan.FromSeconds(60), "the webhook");
        var delivery = Assert.Single(received);
        using var body = JsonDocument.Parse(delivery.Body);
        Assert.Equal(CaseEvents.DataSubjectRequest, body.RootElement.GetProperty("type").GetString());
        Assert.Equal(caseId, body.RootElement.GetProperty("data").GetProperty("caseId").GetGuid());
        Assert.Equal("access", body.RootElement.GetProperty("data").GetProperty("right").GetString());
        Assert.DoesNotContain("subject-person.example", delivery.Body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(tag, delivery.Body, StringComparison.OrdinalIgnoreCase);
        Assert.True(WebhookSignature.Verify(secret, delivery.Id, long.Parse(delivery.Timestamp, System.Globalization.CultureInfo.InvariantCulture), delivery.Body, delivery.Signature));
    }

    private static async Task<Guid> Created(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetGuid();
    }
}
