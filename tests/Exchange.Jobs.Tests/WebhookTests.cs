using System.Net;
using Exchange.Core.Cases;
using Exchange.Core.Webhooks;
using Exchange.Jobs.Scheduling;
using Exchange.Jobs.Webhooks;
using Exchange.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Exchange.Jobs.Tests;

public sealed class WebhookTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private sealed record Setup(TestDatabase Database, JobsFactory Factory, Receiver Receiver, string Secret, Guid SubscriptionId) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Factory.DisposeAsync();
            await Receiver.DisposeAsync();
            await Database.DisposeAsync();
        }
    }

    /// <summary>
    /// A Jobs host, a receiver for acme, and one case.created event in the outbox for acme and globex.
    /// Further subscriptions come through <paramref name="others"/>, saved with the event: the dispatcher
    /// fans an event out to the subscriptions that exist when it runs, which may be at once.
    /// </summary>
    private static async Task<Setup> StartAsync(
        Action<Receiver>? configure = null, string memberId = "acme", Action<WebhookSubscription, WebhookSecret>? subscription = null,
        Dictionary<string, string?>? settings = null, Func<IServiceProvider, IEnumerable<WebhookSubscription>>? others = null)
    {
        var database = await TestDatabase.CreateAsync();
        await database.MigrateAsync();
        var receiver = await Receiver.StartAsync();
        configure?.Invoke(receiver);
        var factory = new JobsFactory(database, settings);
        var secret = WebhookSecret.Generate();
        await using var db = database.CreateContext();
        var authorisation = await TestData.MembersAndAuthorisationAsync(db);
        var collaboration = TestData.Case(authorisation, "hook", CaseStatus.Submitted, DateTime.UtcNow, null);
        db.Cases.Add(collaboration);
        var registered = TestData.Subscription(factory.Services, memberId, receiver.Url, secret);
        subscription?.Invoke(registered, factory.Services.GetRequiredService<WebhookSecret>());
        db.WebhookSubscriptions.Add(registered);
        db.WebhookSubscriptions.AddRange(others?.Invoke(factory.Services) ?? []);
        db.OutboxMessages.Add(CaseEvents.ForCase(CaseEvents.Created, collaboration, DateTime.UtcNow));
        await db.SaveChangesAsync();
        return new Setup(database, factory, receiver, secret, registered.Id);
    }

    [Fact]
    public async Task An_endpoint_that_fails_twice_then_succeeds_receives_the_event_once_with_a_signature_that_verifies()
    {
        await using var setup = await StartAsync(receiver => receiver.Respond = (call, context) =>
        {
            context.Response.StatusCode = call <= 2 ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
            return Task.CompletedTask;
        });

        await using var db = setup.Database.CreateContext();
        var delivery = await TestData.EventuallyAsync(() => db.WebhookDeliveries.AsNoTracking().SingleOrDefaultAsync(),
            d => d?.Status == DeliveryStatus.Succeeded, Patience, "a successful delivery");

        Assert.Equal(3, delivery!.Attempts);
        Assert.Equal(3, setup.Receiver.Requests.Count);
        // Every retry carries the same webhook-id, so the receiver sees one event, delivered once.
        Assert.Single(setup.Receiver.Requests.Select(r => r.Id).Distinct());
        var last = setup.Receiver.Requests.Last();
        Assert.Equal(delivery.MessageId, last.Id);
        Assert.True(WebhookSignature.Verify(setup.Secret, last.Id, long.Parse(last.Timestamp, System.Globalization.CultureInfo.InvariantCulture), last.Body, last.Signature));
        Assert.Contains("\"type\":\"case.created\"", last.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("Umbrella", last.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_subscription_whose_secret_cannot_be_decrypted_fails_alone_with_the_reason_on_its_delivery()
    {
        // Issue 14, defect 1: one undecryptable subscription blocked every member's deliveries, which
        // stayed pending with no attempt and no error for ever.
        await using var globexReceiver = await Receiver.StartAsync();
        await using var setup = await StartAsync(
            subscription: (s, _) => s.ProtectedSecret = "CfDJ8-not-from-this-key-ring",
            others: services => [TestData.Subscription(services, "globex", globexReceiver.Url, WebhookSecret.Generate())]);

        await using var check = setup.Database.CreateContext();
        var broken = await TestData.EventuallyAsync(
            () => check.WebhookDeliveries.AsNoTracking().FirstOrDefaultAsync(d => d.SubscriptionId == setup.SubscriptionId),
            d => d is { Attempts: >= 1 }, Patience, "an attempt at the broken subscription's delivery");
        await TestData.EventuallyAsync(() => Task.FromResult(globexReceiver.Requests.Count), n => n == 1, Patience, "the other member's delivery");

        Assert.Contains("signing secret unreadable", broken!.LastError, StringComparison.Ordinal);
        Assert.NotNull(broken.LastAttemptAt);
        Assert.Empty(setup.Receiver.Requests);
        var delivered = await check.WebhookDeliveries.AsNoTracking().SingleAsync(d => d.MemberId == "globex");
        Assert.Equal(DeliveryStatus.Succeeded, delivered.Status);
    }

    [Fact]
    public async Task A_dead_endpoint_ends_in_the_dead_letter_state_and_is_disabled()
    {
        await using var setup = await StartAsync(receiver => receiver.Respond = (_, context) =>
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return Task.CompletedTask;
        }, settings: new() { ["Exchange:Jobs:Webhooks:MaxAttempts"] = "3" });

        await using var db = setup.Database.CreateContext();
        var delivery = await TestData.EventuallyAsync(() => db.WebhookDeliveries.AsNoTracking().SingleOrDefaultAsync(),
            d => d?.Status == DeliveryStatus.Dead, Patience, "a dead-lettered delivery");

        Assert.Equal(3, delivery!.Attempts);
        Assert.Equal(500, delivery.LastStatusCode);
        var subscription = await TestData.EventuallyAsync(() => db.WebhookSubscriptions.AsNoTracking().SingleAsync(),
            s => s.DisabledAt is not null, Patience, "the endpoint disabled");
        Assert.Equal(WebhookDispatcher.PersistentFailureReason, subscription.DisabledReason);
        Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == "webhook_subscription.disabled" && e.ObjectId == subscription.Id.ToString()));
    }

    [Fact]
    public async Task A_410_answer_disables_the_endpoint()
    {
        await using var setup = await StartAsync(receiver => receiver.Respond = (_, context) =>
        {
            context.Response.StatusCode = StatusCodes.Status410Gone;
            return Task.CompletedTask;
        });

        await using var db = setup.Database.CreateContext();
        var subscription = await TestData.EventuallyAsync(() => db.WebhookSubscriptions.AsNoTracking().SingleAsync(),
            s => s.DisabledAt is not null, Patience, "the endpoint disabled");

        Assert.Equal(WebhookDispatcher.GoneReason, subscription.DisabledReason);
        var delivery = await db.WebhookDeliveries.AsNoTracking().SingleAsync();
        Assert.Equal(DeliveryStatus.Dead, delivery.Status);
        Assert.Equal(1, delivery.Attempts);
        Assert.Single(setup.Receiver.Requests);
    }

    [Fact]
    public async Task During_a_rotation_both_signatures_are_sent_and_each_verifies()
    {
        var previous = WebhookSecret.Generate();
        await using var setup = await StartAsync(subscription: (s, secrets) =>
        {
            s.PreviousProtectedSecret = secrets.Protect(previous);
            s.PreviousSecretExpiresAt = DateTime.UtcNow.AddHours(1);
        });

        var received = await TestData.EventuallyAsync(() => Task.FromResult(setup.Receiver.Requests.ToList()), r => r.Count > 0, Patience, "a delivery");
        var request = received[0];
        var signatures = request.Signature.Split(' ');
        Assert.Equal(2, signatures.Length);
        var timestamp = long.Parse(request.Timestamp, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(WebhookSignature.Verify(setup.Secret, request.Id, timestamp, request.Body, signatures[0]));
        Assert.True(WebhookSignature.Verify(previous, request.Id, timestamp, request.Body, signatures[1]));
        Assert.False(WebhookSignature.Verify(setup.Secret, request.Id, timestamp, request.Body, signatures[1]));
    }

    [Fact]
    public async Task Only_the_two_members_of_a_case_receive_its_events()
    {
        await using var setup = await StartAsync(memberId: "initech");
        await using var db = setup.Database.CreateContext();
        await TestData.EventuallyAsync(() => db.OutboxMessages.CountAsync(m => m.ProcessedAt != null), n => n == 1, Patience, "the fan-out");
        await Task.Delay(1000);

        Assert.Empty(setup.Receiver.Requests);
        Assert.False(await db.WebhookDeliveries.AnyAsync());
    }

    [Fact]
    public void One_byte_changed_anywhere_breaks_the_signature()
    {
        var secret = WebhookSecret.Generate();
        const string id = "msg_1";
        const long timestamp = 1_800_000_000;
        const string body = "{\"type\":\"case.created\",\"data\":{\"caseId\":\"0193\"}}";
        var header = WebhookSignature.Sign(secret, id, timestamp, body);

        Assert.StartsWith("v1,", header, StringComparison.Ordinal);
        Assert.True(WebhookSignature.Verify(secret, id, timestamp, body, header));
        Assert.False(WebhookSignature.Verify(secret, id, timestamp, body.Replace("0193", "0194", StringComparison.Ordinal), header));
        Assert.False(WebhookSignature.Verify(secret, "msg_2", timestamp, body, header));
        Assert.False(WebhookSignature.Verify(secret, id, timestamp + 1, body, header));
        Assert.False(WebhookSignature.Verify(WebhookSecret.Generate(), id, timestamp, body, header));
        var tampered = header.ToCharArray();
        tampered[5] = tampered[5] == 'A' ? 'B' : 'A';
        Assert.False(WebhookSignature.Verify(secret, id, timestamp, body, new string(tampered)));
    }

    [Fact]
    public void The_signature_is_the_base64_HMAC_SHA256_of_id_timestamp_and_body()
    {
        var key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        var secret = WebhookSecret.Prefix + Convert.ToBase64String(key);
        var expected = Convert.ToBase64String(System.Security.Cryptography.HMACSHA256.HashData(key, "msg_1.1800000000.{}"u8.ToArray()));

        Assert.Equal("v1," + expected, WebhookSignature.Sign(secret, "msg_1", 1_800_000_000, "{}"));
    }

    [Fact]
    public void Each_endpoint_secret_is_at_least_24_random_bytes()
    {
        var secrets = Enumerable.Range(0, 50).Select(_ => WebhookSecret.Generate()).ToList();

        Assert.All(secrets, s => Assert.StartsWith(WebhookSecret.Prefix, s, StringComparison.Ordinal));
        Assert.All(secrets, s => Assert.True(WebhookSecret.KeyBytes(s).Length >= 24));
        Assert.Equal(secrets.Count, secrets.Distinct().Count());
    }

    [Fact]
    public void Retries_back_off_exponentially_with_jitter_and_honour_Retry_After()
    {
        var options = Options.Create(new WebhookJobOptions { RetryBaseDelay = TimeSpan.FromSeconds(10), MaxRetryDelay = TimeSpan.FromHours(6) });
        var dispatcher = new WebhookDispatcher(null!, null!, null!, null!, null!, options, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<WebhookDispatcher>.Instance);

        Assert.InRange(dispatcher.RetryDelay(1, null), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(12.5));
        Assert.InRange(dispatcher.RetryDelay(4, null), TimeSpan.FromSeconds(80), TimeSpan.FromSeconds(100));
        Assert.Equal(TimeSpan.FromHours(6), dispatcher.RetryDelay(30, null));
        Assert.Equal(TimeSpan.FromMinutes(30), dispatcher.RetryDelay(1, TimeSpan.FromMinutes(30)));
        var jitter = Enumerable.Range(0, 20).Select(_ => dispatcher.RetryDelay(3, null)).Distinct().Count();
        Assert.True(jitter > 1);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/hook")]
    [InlineData("https://127.0.0.1/hook")]
    [InlineData("https://[::1]/hook")]
    [InlineData("https://localhost/hook")]
    [InlineData("https://169.254.169.254/latest/meta-data")]
    [InlineData("https://10.1.2.3/hook")]
    [InlineData("https://172.20.0.1/hook")]
    [InlineData("https://192.168.1.10/hook")]
    [InlineData("https://[fd00::1]/hook")]
    [InlineData("https://[fe80::1]/hook")]
    [InlineData("https://[::ffff:10.0.0.1]/hook")]
    public void Loopback_private_and_link_local_targets_are_refused_in_Production(string url)
    {
        Assert.NotNull(new WebhookTargetPolicy(allowLoopback: false).RefusalFor(new Uri(url)));
    }

    [Fact]
    public void Public_https_targets_are_allowed_and_Development_allows_loopback_only()
    {
        Assert.Null(new WebhookTargetPolicy(false).RefusalFor(new Uri("https://hooks.example.com/exchange")));
        Assert.Null(new WebhookTargetPolicy(false).RefusalFor(new Uri("https://93.184.216.34/hook")));
        Assert.Null(new WebhookTargetPolicy(true).RefusalFor(new Uri("http://127.0.0.1:5099/hook")));
        Assert.NotNull(new WebhookTargetPolicy(true).RefusalFor(new Uri("http://10.0.0.5/hook")));
        Assert.NotNull(new WebhookTargetPolicy(true).RefusalFor(new Uri("http://169.254.169.254/")));
    }

    [Fact]
    public async Task In_Production_the_sender_refuses_a_loopback_receiver_even_by_host_name_and_sends_nothing()
    {
        await using var receiver = await Receiver.StartAsync();
        using var sender = new WebhookSender(new WebhookTargetPolicy(allowLoopback: false), Options.Create(new WebhookJobOptions()));
        var secret = WebhookSecret.Generate();

        // By literal address, caught before any connection.
        var literal = await sender.SendAsync(receiver.Url, "msg_1", "{}", [secret], DateTimeOffset.UtcNow, CancellationToken.None);
        // By a name that resolves to loopback or a private address (the machine's own name, where it
        // does), caught at connect time after DNS resolution rather than by looking at the URL.
        var policy = new WebhookTargetPolicy(allowLoopback: false);
        var host = (await Dns.GetHostAddressesAsync(Environment.MachineName)).Any(a => !policy.IsAllowed(a)) ? Environment.MachineName : "localhost";
        var byName = new UriBuilder(receiver.Url) { Host = host }.Uri;
        var resolved = await sender.SendAsync(byName, "msg_2", "{}", [secret], DateTimeOffset.UtcNow, CancellationToken.None);

        Assert.False(literal.Succeeded);
        Assert.StartsWith("target refused", literal.Error, StringComparison.Ordinal);
        Assert.False(resolved.Succeeded);
        Assert.StartsWith("target refused", resolved.Error, StringComparison.Ordinal);
        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public async Task A_redirect_is_not_followed_and_counts_as_a_failed_attempt()
    {
        await using var target = await Receiver.StartAsync();
        await using var redirecting = await Receiver.StartAsync();
        redirecting.Respond = (_, context) =>
        {
            context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
            context.Response.Headers.Location = target.Url.ToString();
            return Task.CompletedTask;
        };
        using var sender = new WebhookSender(new WebhookTargetPolicy(allowLoopback: true), Options.Create(new WebhookJobOptions()));

        var outcome = await sender.SendAsync(redirecting.Url, "msg_1", "{}", [WebhookSecret.Generate()], DateTimeOffset.UtcNow, CancellationToken.None);

        Assert.False(outcome.Succeeded);
        Assert.Equal((int)HttpStatusCode.TemporaryRedirect, outcome.StatusCode);
        Assert.Empty(target.Requests);
    }
}
