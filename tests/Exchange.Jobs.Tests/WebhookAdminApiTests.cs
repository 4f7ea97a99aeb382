using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Exchange.Core.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Jobs.Tests;

/// <summary>Issue 15 item 12 at the API: a test event, re-enabling an endpoint, and deliveries paged both ways.</summary>
public sealed class WebhookAdminApiTests(WebhookApiFixture hosts) : IClassFixture<WebhookApiFixture>
{
    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    private static async Task<Guid> SubscribeAsync(HttpClient client)
    {
        var created = await client.PostAsync("/api/v1/webhook-subscriptions", Json(new { url = "http://127.0.0.1:9/hook", eventTypes = new[] { CaseEvents.Created } }));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    [Fact]
    public async Task A_test_event_goes_into_the_outbox_for_the_one_endpoint_and_re_enables_a_disabled_one()
    {
        using var acme = await hosts.AcmeAsync();
        using var globex = await hosts.GlobexAsync();
        var id = await SubscribeAsync(acme);
        await using (var db = hosts.Database.CreateContext())
        {
            await db.WebhookSubscriptions.Where(s => s.Id == id).ExecuteUpdateAsync(s => s
                .SetProperty(x => x.DisabledAt, DateTime.UtcNow).SetProperty(x => x.DisabledReason, "persistent_failure").SetProperty(x => x.ConsecutiveFailures, 20));
        }

        // Another member, or no token, gets nothing queued.
        Assert.Equal(HttpStatusCode.NotFound, (await globex.PostAsync($"/api/v1/webhook-subscriptions/{id}/test", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await hosts.ServiceClient().PostAsync($"/api/v1/webhook-subscriptions/{id}/test", null)).StatusCode);
        await using (var db = hosts.Database.CreateContext())
        {
            Assert.False(await db.OutboxMessages.AnyAsync(m => m.SubscriptionId == id));
        }

        var response = await acme.PostAsync($"/api/v1/webhook-subscriptions/{id}/test", null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(CaseEvents.Ping, body.GetProperty("eventType").GetString());

        await using (var db = hosts.Database.CreateContext())
        {
            var message = await db.OutboxMessages.AsNoTracking().SingleAsync(m => m.SubscriptionId == id);
            Assert.Equal(CaseEvents.Ping, message.EventType);
            Assert.Equal(new[] { "acme" }, message.RecipientMemberIds);
            Assert.Null(message.CaseId);
            Assert.Equal("msg_" + message.Id.ToString("N"), body.GetProperty("messageId").GetString());
            var subscription = await db.WebhookSubscriptions.AsNoTracking().SingleAsync(s => s.Id == id);
            Assert.Null(subscription.DisabledAt);
            Assert.Equal(0, subscription.ConsecutiveFailures);
            Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == "webhook_subscription.tested" && e.ObjectId == id.ToString()));
            Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == "webhook_subscription.enabled" && e.ObjectId == id.ToString()));
        }
    }

    [Fact]
    public async Task A_disabled_endpoint_is_shown_with_its_reason_and_re_enabled_by_its_own_member_only()
    {
        using var acme = await hosts.AcmeAsync();
        using var globex = await hosts.GlobexAsync();
        var id = await SubscribeAsync(acme);
        await using (var db = hosts.Database.CreateContext())
        {
            await db.WebhookSubscriptions.Where(s => s.Id == id).ExecuteUpdateAsync(s => s
                .SetProperty(x => x.DisabledAt, DateTime.UtcNow).SetProperty(x => x.DisabledReason, "persistent_failure").SetProperty(x => x.ConsecutiveFailures, 20));
        }

        var listed = (await acme.GetFromJsonAsync<JsonElement>("/api/v1/webhook-subscriptions")).EnumerateArray().Single(s => s.GetProperty("id").GetGuid() == id);
        Assert.Equal("persistent_failure", listed.GetProperty("disabledReason").GetString());
        Assert.Equal(20, listed.GetProperty("consecutiveFailures").GetInt32());

        Assert.Equal(HttpStatusCode.NotFound, (await globex.PostAsync($"/api/v1/webhook-subscriptions/{id}/enable", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await acme.PostAsync($"/api/v1/webhook-subscriptions/{Guid.NewGuid()}/enable", null)).StatusCode);
        await using (var db = hosts.Database.CreateContext())
        {
            Assert.NotNull((await db.WebhookSubscriptions.AsNoTracking().SingleAsync(s => s.Id == id)).DisabledAt);
        }

        var enabled = await acme.PostAsync($"/api/v1/webhook-subscriptions/{id}/enable", null);
        Assert.Equal(HttpStatusCode.OK, enabled.StatusCode);
        var dto = await enabled.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(JsonValueKind.Null, dto.GetProperty("disabledAt").ValueKind);
        Assert.Equal(0, dto.GetProperty("consecutiveFailures").GetInt32());
        await using (var db = hosts.Database.CreateContext())
        {
            Assert.Null((await db.WebhookSubscriptions.AsNoTracking().SingleAsync(s => s.Id == id)).DisabledAt);
            Assert.Equal(1, await db.AuditEntries.CountAsync(e => e.Action == "webhook_subscription.enabled" && e.ObjectId == id.ToString()));
        }
    }

    [Fact]
    public async Task Deliveries_page_both_ways_by_keyset_and_filter_by_endpoint()
    {
        using var acme = await hosts.AcmeAsync();
        var id = await SubscribeAsync(acme);
        var otherId = await SubscribeAsync(acme);
        var ids = new List<Guid>();
        await using (var db = hosts.Database.CreateContext())
        {
            for (var i = 0; i < 5; i++)
            {
                var delivery = new WebhookDelivery
                {
                    SubscriptionId = id,
                    MemberId = "acme",
                    OutboxMessageId = Guid.CreateVersion7(),
                    MessageId = $"msg_page_{i}",
                    EventType = CaseEvents.Created,
                    Payload = "{}",
                    Status = DeliveryStatus.Dead,
                    Attempts = 3,
                    LastStatusCode = 500,
                    LastError = "HTTP 500 Internal Server Error",
                    NextAttemptAt = DateTime.UtcNow,
                    CreatedAt = DateTime.UtcNow,
                };
                ids.Add(delivery.Id);
                db.WebhookDeliveries.Add(delivery);
            }

            db.WebhookDeliveries.Add(new WebhookDelivery
            {
                SubscriptionId = otherId, MemberId = "acme", OutboxMessageId = Guid.CreateVersion7(), MessageId = "msg_other",
                EventType = CaseEvents.Created, Payload = "{}", NextAttemptAt = DateTime.UtcNow, CreatedAt = DateTime.UtcNow,
            });
            await db.SaveChangesAsync();
        }

        async Task<List<Guid>> PageAsync(string query) =>
            (await acme.GetFromJsonAsync<JsonElement>($"/api/v1/webhook-deliveries?subscriptionId={id}&{query}"))
                .EnumerateArray().Select(d => d.GetProperty("id").GetGuid()).ToList();

        // Newest first is id order: version 7 ids made within one millisecond are not in creation order.
        var newest = ids.OrderDescending().ToList();
        var first = await PageAsync("limit=2");
        Assert.Equal(newest.Take(2), first);
        var second = await PageAsync($"limit=2&before={first[^1]}");
        Assert.Equal(newest.Skip(2).Take(2), second);
        var third = await PageAsync($"limit=2&before={second[^1]}");
        Assert.Equal(newest.Skip(4), third);
        Assert.Equal(second, await PageAsync($"limit=2&after={third[0]}"));
        Assert.Equal(first, await PageAsync($"limit=2&after={second[0]}"));

        var line = (await acme.GetFromJsonAsync<JsonElement>($"/api/v1/webhook-deliveries?subscriptionId={id}&limit=1")).EnumerateArray().Single();
        Assert.Equal("HTTP 500 Internal Server Error", line.GetProperty("lastError").GetString());
        Assert.DoesNotContain("msg_other", await acme.GetStringAsync($"/api/v1/webhook-deliveries?subscriptionId={id}"), StringComparison.Ordinal);
        Assert.Contains("msg_other", await acme.GetStringAsync($"/api/v1/webhook-deliveries?subscriptionId={otherId}"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await acme.GetAsync($"/api/v1/webhook-deliveries?before={ids[0]}&after={ids[1]}")).StatusCode);
    }
}
