using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Exchange.Core.Cases;
using Exchange.Core.Webhooks;
using Exchange.Jobs.Webhooks;
using Exchange.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Jobs.Tests;

/// <summary>
/// Issue 15 item 12 in the Jobs service: an endpoint's run of failures disables it after a
/// configurable length (a success ends the run), each failure keeps its reason but never the
/// answer's body, and a test event reaches the one endpoint it names through the outbox.
/// </summary>
public sealed class WebhookHealthTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_run_of_failed_attempts_disables_the_endpoint_with_the_reason_and_never_the_answers_body()
    {
        await using var database = await TestDatabase.CreateAsync();
        await database.MigrateAsync();
        await using var receiver = await Receiver.StartAsync();
        receiver.Respond = async (_, context) =>
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            await context.Response.WriteAsync("stack trace with customer carla@contoso.example");
        };
        // Each delivery may try 8 times; the endpoint's run of 3 failures stops it first.
        await using var factory = new JobsFactory(database, new Dictionary<string, string?>
        {
            ["Exchange:Jobs:Webhooks:MaxAttempts"] = "8",
            ["Exchange:Jobs:Webhooks:DisableAfterFailures"] = "3",
        });
        Guid subscriptionId;
        await using (var db = database.CreateContext())
        {
            var authorisation = await TestData.MembersAndAuthorisationAsync(db);
            var collaboration = TestData.Case(authorisation, "run", CaseStatus.Submitted, DateTime.UtcNow, null);
            db.Cases.Add(collaboration);
            var subscription = TestData.Subscription(factory.Services, "acme", receiver.Url, WebhookSecret.Generate());
            subscriptionId = subscription.Id;
            db.WebhookSubscriptions.Add(subscription);
            db.OutboxMessages.Add(CaseEvents.ForCase(CaseEvents.Created, collaboration, DateTime.UtcNow));
            await db.SaveChangesAsync();
        }

        await using var check = database.CreateContext();
        var disabled = await TestData.EventuallyAsync(() => check.WebhookSubscriptions.AsNoTracking().SingleAsync(s => s.Id == subscriptionId),
            s => s.DisabledAt is not null, Patience, "the endpoint disabled by its run of failures");
        Assert.Equal(WebhookDispatcher.PersistentFailureReason, disabled.DisabledReason);
        Assert.Equal(3, disabled.ConsecutiveFailures);
        Assert.True(await check.AuditEntries.AnyAsync(e => e.Action == "webhook_subscription.disabled" && e.ObjectId == subscriptionId.ToString()));

        var delivery = await check.WebhookDeliveries.AsNoTracking().SingleAsync();
        Assert.Equal(500, delivery.LastStatusCode);
        Assert.Equal("HTTP 500 Internal Server Error", delivery.LastError);
        Assert.True(delivery.Attempts < 8, $"dead-lettered by the run, not by its own attempts: {delivery.Attempts}");
        Assert.Equal(3, receiver.Requests.Count);
    }

    [Fact]
    public async Task A_success_ends_the_run_and_a_test_event_reaches_only_the_endpoint_it_names()
    {
        await using var database = await TestDatabase.CreateAsync();
        await database.MigrateAsync();
        await using var tested = await Receiver.StartAsync();
        await using var other = await Receiver.StartAsync();
        tested.Respond = (call, context) =>
        {
            context.Response.StatusCode = call <= 2 ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status204NoContent;
            return Task.CompletedTask;
        };
        await using var factory = new JobsFactory(database, new Dictionary<string, string?> { ["Exchange:Jobs:Webhooks:DisableAfterFailures"] = "3" });
        var secret = WebhookSecret.Generate();
        WebhookSubscription target;
        await using (var db = database.CreateContext())
        {
            await TestData.MembersAndAuthorisationAsync(db);
            target = TestData.Subscription(factory.Services, "acme", tested.Url, secret, CaseEvents.Created);
            db.WebhookSubscriptions.Add(target);
            db.WebhookSubscriptions.Add(TestData.Subscription(factory.Services, "acme", other.Url, WebhookSecret.Generate()));
            db.OutboxMessages.Add(CaseEvents.ForTest(target, DateTime.UtcNow));
            await db.SaveChangesAsync();
        }

        await using var check = database.CreateContext();
        var delivery = await TestData.EventuallyAsync(() => check.WebhookDeliveries.AsNoTracking().SingleOrDefaultAsync(),
            d => d?.Status == DeliveryStatus.Succeeded, Patience, "the test event delivered");
        Assert.Equal(target.Id, delivery!.SubscriptionId);
        Assert.Equal(CaseEvents.Ping, delivery.EventType);
        Assert.Equal(3, delivery.Attempts);
        // Two failures then a success: the run ended before reaching 3, and the endpoint stays on.
        var subscription = await check.WebhookSubscriptions.AsNoTracking().SingleAsync(s => s.Id == target.Id);
        Assert.Null(subscription.DisabledAt);
        Assert.Equal(0, subscription.ConsecutiveFailures);

        var last = tested.Requests.Last();
        Assert.True(WebhookSignature.Verify(secret, last.Id, long.Parse(last.Timestamp, System.Globalization.CultureInfo.InvariantCulture), last.Body, last.Signature));
        Assert.Contains("\"type\":\"webhook.ping\"", last.Body, StringComparison.Ordinal);
        // The member's other endpoint takes every event type, yet a test event is for the one endpoint only.
        Assert.Empty(other.Requests);
    }
}
