using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Exchange.Api;
using Exchange.Core.Cases;
using Exchange.Core.Data;
using Exchange.Core.Identity;
using Exchange.Core.Members;
using Exchange.Core.Webhooks;
using Exchange.Identity;
using Exchange.Testing;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Jobs.Tests;

public sealed class WebhookApiFixture : IdentityBackedHosts<IdentityHost, ApiHost>
{
    public const string OperatorClient = "jobs-test-ops";
    public const string OperatorSecret = "test-jobs-ops-secret-0123456789";

    protected override Task SeedAsync(ExchangeDbContext db)
    {
        db.OAuthClients.Add(new OAuthClient
        {
            ClientId = OperatorClient,
            DisplayName = OperatorClient,
            MemberId = Member.OperatorId,
            Type = ClientType.Confidential,
            SecretHash = SecretHasher.Hash(OperatorSecret),
            AllowedGrantTypes = [GrantTypes.ClientCredentials],
            AllowedScopes = [Scopes.Operator],
            Roles = [Roles.Operator],
            CreatedAt = DateTime.UtcNow,
        });
        return db.SaveChangesAsync();
    }

    public async Task<HttpClient> AsAsync(string clientId, string secret, string? scope = null) => ServiceClient(await TokenAsync(clientId, secret, scope));

    public Task<HttpClient> AcmeAsync() => AsAsync("acme-crm", "dev-acme-crm-secret");

    public Task<HttpClient> GlobexAsync() => AsAsync("globex-crm", "dev-globex-crm-secret");
}

public sealed class WebhookApiTests(WebhookApiFixture hosts) : IClassFixture<WebhookApiFixture>
{
    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    [Fact]
    public async Task Registering_an_endpoint_returns_a_secret_of_at_least_24_random_bytes_once()
    {
        using var acme = await hosts.AcmeAsync();

        var created = await acme.PostAsync("/api/v1/webhook-subscriptions", Json(new { url = "http://127.0.0.1:9/hook", eventTypes = new[] { CaseEvents.Created } }));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var secret = body.GetProperty("secret").GetString()!;
        Assert.True(WebhookSecret.KeyBytes(secret).Length >= 24);

        var list = await acme.GetStringAsync("/api/v1/webhook-subscriptions");
        Assert.Contains(body.GetProperty("id").GetString()!, list, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, list, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", list, StringComparison.OrdinalIgnoreCase);

        await using var db = hosts.Database.CreateContext();
        var stored = await db.WebhookSubscriptions.AsNoTracking().SingleAsync(s => s.Id == body.GetProperty("id").GetGuid());
        Assert.DoesNotContain(secret[WebhookSecret.Prefix.Length..], stored.ProtectedSecret, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotating_a_secret_shows_the_new_one_once_and_keeps_signing_with_the_old_one_for_a_while()
    {
        using var acme = await hosts.AcmeAsync();
        using var globex = await hosts.GlobexAsync();
        var created = await (await acme.PostAsync("/api/v1/webhook-subscriptions", Json(new { url = "http://127.0.0.1:9/hook", eventTypes = Array.Empty<string>() })))
            .Content.ReadFromJsonAsync<JsonElement>();
        var id = created.GetProperty("id").GetGuid();
        var oldSecret = created.GetProperty("secret").GetString()!;

        Assert.Equal(HttpStatusCode.NotFound, (await globex.PostAsync($"/api/v1/webhook-subscriptions/{id}/rotate-secret", null)).StatusCode);
        var rotated = await acme.PostAsync($"/api/v1/webhook-subscriptions/{id}/rotate-secret", null);
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var newSecret = (await rotated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("secret").GetString()!;
        Assert.NotEqual(oldSecret, newSecret);

        await using var db = hosts.Database.CreateContext();
        var stored = await db.WebhookSubscriptions.AsNoTracking().SingleAsync(s => s.Id == id);
        var secrets = hosts.Service.Services.GetRequiredService<WebhookSecret>();
        Assert.Equal([newSecret, oldSecret], secrets.SigningSecrets(stored, DateTime.UtcNow));
        Assert.Equal([newSecret], secrets.SigningSecrets(stored, DateTime.UtcNow.AddDays(2)));
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://hooks.example.com/x")]
    [InlineData("http://10.0.0.8/hook")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    public async Task Registering_an_unusable_or_private_target_is_refused(string url)
    {
        using var acme = await hosts.AcmeAsync();

        var response = await acme.PostAsync("/api/v1/webhook-subscriptions", Json(new { url, eventTypes = Array.Empty<string>() }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Registering_an_unknown_event_type_is_refused()
    {
        using var acme = await hosts.AcmeAsync();

        var response = await acme.PostAsync("/api/v1/webhook-subscriptions", Json(new { url = "http://127.0.0.1:9/hook", eventTypes = new[] { "case.everything" } }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Without_a_token_the_webhook_routes_answer_401_and_without_the_scope_403()
    {
        using var anonymous = hosts.ServiceClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/webhook-subscriptions")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/webhook-deliveries")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/jobs")).StatusCode);

        using var narrow = await hosts.AsAsync("acme-crm", "dev-acme-crm-secret", Scopes.CasesRead);
        Assert.Equal(HttpStatusCode.Forbidden, (await narrow.GetAsync("/api/v1/webhook-subscriptions")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await narrow.GetAsync("/api/v1/jobs")).StatusCode);
    }

    [Fact]
    public async Task Another_member_can_neither_see_nor_redeliver_nor_delete_a_members_deliveries()
    {
        using var acme = await hosts.AcmeAsync();
        using var globex = await hosts.GlobexAsync();
        var created = await (await acme.PostAsync("/api/v1/webhook-subscriptions", Json(new { url = "http://127.0.0.1:9/hook", eventTypes = Array.Empty<string>() })))
            .Content.ReadFromJsonAsync<JsonElement>();
        var subscriptionId = created.GetProperty("id").GetGuid();
        var delivery = new WebhookDelivery
        {
            SubscriptionId = subscriptionId,
            MemberId = "acme",
            OutboxMessageId = Guid.CreateVersion7(),
            MessageId = "msg_test",
            EventType = CaseEvents.Created,
            Payload = "{}",
            Status = DeliveryStatus.Dead,
            Attempts = 8,
            NextAttemptAt = DateTime.UtcNow,
            CreatedAt = DateTime.UtcNow,
        };
        await using (var db = hosts.Database.CreateContext())
        {
            db.WebhookDeliveries.Add(delivery);
            await db.SaveChangesAsync();
        }

        Assert.DoesNotContain(delivery.Id.ToString(), await globex.GetStringAsync("/api/v1/webhook-deliveries"), StringComparison.Ordinal);
        Assert.DoesNotContain(subscriptionId.ToString(), await globex.GetStringAsync("/api/v1/webhook-subscriptions"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await globex.PostAsync($"/api/v1/webhook-deliveries/{delivery.Id}/redeliver", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await globex.DeleteAsync($"/api/v1/webhook-subscriptions/{subscriptionId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await globex.PostAsync($"/api/v1/webhook-deliveries/{Guid.NewGuid()}/redeliver", null)).StatusCode);
        await using (var db = hosts.Database.CreateContext())
        {
            Assert.Equal(DeliveryStatus.Dead, (await db.WebhookDeliveries.AsNoTracking().SingleAsync(d => d.Id == delivery.Id)).Status);
        }

        // The owner sees it and can have it sent again, under the same webhook-id.
        Assert.Contains(delivery.Id.ToString(), await acme.GetStringAsync("/api/v1/webhook-deliveries?status=dead"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, (await acme.PostAsync($"/api/v1/webhook-deliveries/{delivery.Id}/redeliver", null)).StatusCode);
        await using (var db = hosts.Database.CreateContext())
        {
            var again = await db.WebhookDeliveries.AsNoTracking().SingleAsync(d => d.Id == delivery.Id);
            Assert.Equal(DeliveryStatus.Pending, again.Status);
            Assert.Equal("msg_test", again.MessageId);
        }

        Assert.Equal(HttpStatusCode.NoContent, (await acme.DeleteAsync($"/api/v1/webhook-subscriptions/{subscriptionId}")).StatusCode);
    }

    [Fact]
    public async Task Only_a_member_of_the_tombstone_can_confirm_a_purge_and_the_tombstone_shows_the_receipts()
    {
        var caseId = Guid.CreateVersion7();
        await using (var db = hosts.Database.CreateContext())
        {
            db.Tombstones.Add(new Tombstone
            {
                CaseId = caseId, SubmittingMemberId = "acme", ReceivingMemberId = "globex", SubmitterInitials = "AA",
                Outcome = CaseStatus.Resolved, OpenedAt = DateTime.UtcNow.AddDays(-1), PurgedAt = DateTime.UtcNow,
            });
            await db.SaveChangesAsync();
        }

        using var initech = await hosts.AsAsync("initech-crm", "dev-initech-crm-secret");
        Assert.Equal(HttpStatusCode.NotFound, (await initech.PostAsync($"/api/v1/cases/{caseId}/purge-receipts", null)).StatusCode);
        using var anonymous = hosts.ServiceClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync($"/api/v1/cases/{caseId}/purge-receipts", null)).StatusCode);

        using var acme = await hosts.AcmeAsync();
        var first = await acme.PostAsync($"/api/v1/cases/{caseId}/purge-receipts", null);
        var second = await acme.PostAsync($"/api/v1/cases/{caseId}/purge-receipts", null);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var receipts = (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("receipts");
        Assert.Equal("acme", Assert.Single(receipts.EnumerateArray()).GetProperty("memberId").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await acme.PostAsync($"/api/v1/cases/{Guid.NewGuid()}/purge-receipts", null)).StatusCode);
    }

    [Fact]
    public async Task The_operator_sees_each_job_with_its_runs()
    {
        await using (var db = hosts.Database.CreateContext())
        {
            db.JobRuns.Add(new Exchange.Core.Jobs.JobRun { JobName = "Purge", Node = "node-1", StartedAt = DateTime.UtcNow.AddSeconds(-2), FinishedAt = DateTime.UtcNow, ItemsProcessed = 7 });
            await db.SaveChangesAsync();
        }

        // The schedule as a Jobs node registers it in Hangfire's storage.
        var storage = Exchange.Core.Jobs.JobStorageFactory.Create(hosts.Database.Options, new Exchange.Core.Jobs.JobStorageOptions());
        new Hangfire.RecurringJobManager(storage).AddOrUpdate("Purge",
            Hangfire.Common.Job.FromExpression<Exchange.Jobs.Purge.PurgeJob>(j => j.ExecuteAsync(CancellationToken.None)),
            Exchange.Core.Jobs.JobSchedule.ToCron(TimeSpan.FromSeconds(30)), new Hangfire.RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });

        using var operatorClient = await hosts.AsAsync(WebhookApiFixture.OperatorClient, WebhookApiFixture.OperatorSecret);
        var response = await operatorClient.GetAsync("/api/v1/jobs");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var jobs = await response.Content.ReadFromJsonAsync<JsonElement>();
        var names = jobs.EnumerateArray().Select(j => j.GetProperty("name").GetString()).ToList();
        Assert.Equal(["Purge", "Webhooks", "PurgeReceipts", "Deadlines", "Housekeeping"], names);
        var purge = jobs.EnumerateArray().First();
        Assert.Equal(7, purge.GetProperty("lastRun").GetProperty("itemsProcessed").GetInt32());
        Assert.Equal(30, purge.GetProperty("intervalSeconds").GetDouble());
        Assert.InRange(purge.GetProperty("nextRunAt").GetDateTime(), DateTime.UtcNow.AddSeconds(-5), DateTime.UtcNow.AddSeconds(35));

        using var acme = await hosts.AcmeAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await acme.GetAsync("/api/v1/jobs")).StatusCode);
    }
}
