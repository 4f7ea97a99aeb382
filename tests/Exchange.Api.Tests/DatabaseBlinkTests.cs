using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Exchange.Core.Data;
using Exchange.Testing;

namespace Exchange.Api.Tests;

/// <summary>Identity and Api on a PostgreSQL server of the test's own, which the test stops and starts.</summary>
public sealed class BlinkingDatabaseFixture : ApiFixture
{
    public ThrowawayPostgres? Postgres { get; private set; }

    protected override async Task<TestDatabase> CreateDatabaseAsync()
    {
        if (TestDatabase.CurrentProvider != DatabaseProvider.Postgres)
        {
            return await base.CreateDatabaseAsync();
        }

        Postgres = await ThrowawayPostgres.StartAsync();
        return await TestDatabase.CreateAsync(DatabaseProvider.Postgres, Postgres.AdminConnectionString);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Postgres is not null)
        {
            await Postgres.DisposeAsync();
        }
    }
}

/// <summary>
/// The database blinks: requests in flight during a PostgreSQL restart are retried and succeed,
/// the first requests after it succeed at the Api and at the token endpoint, and while the
/// database stays down a write answers 503 with Retry-After, never 500.
/// </summary>
public sealed class DatabaseBlinkTests(BlinkingDatabaseFixture hosts) : IClassFixture<BlinkingDatabaseFixture>
{
    [PostgresFact]
    public async Task A_PostgreSQL_restart_under_load_fails_no_request_and_a_database_that_stays_down_answers_503()
    {
        var postgres = hosts.Postgres!;
        var acme = await hosts.ClientAsync(ApiFixture.Acme);
        await acme.AuthoriseAsync(["globex"]);

        // Load: writes (a customer authorisation) and reads that also write an audit entry (a case list).
        var answers = new ConcurrentQueue<(string What, DateTime Started, DateTime Ended, HttpStatusCode Status, string Body)>();
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var started = DateTime.UtcNow;
                using var write = await acme.PostAsync("/api/v1/customer-authorisations", AuthorisationBody());
                answers.Enqueue(("write", started, DateTime.UtcNow, write.StatusCode, await write.Content.ReadAsStringAsync()));
                started = DateTime.UtcNow;
                using var read = await acme.GetAsync("/api/v1/cases?box=outbox&limit=5");
                answers.Enqueue(("read", started, DateTime.UtcNow, read.StatusCode, await read.Content.ReadAsStringAsync()));
            }
        })).ToList();

        await Task.Delay(TimeSpan.FromMilliseconds(500));
        await postgres.StopAsync();
        await Task.Delay(TimeSpan.FromSeconds(1));
        await postgres.StartServerAsync();
        var restartedAt = DateTime.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(2));
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        // Never a 500. Requests caught in the outage were retried: those still running when the
        // server came back succeeded; an outage longer than the retries last may answer 503 only.
        var wrong = answers.Where(a => (int)a.Status >= 300 && a.Status != HttpStatusCode.ServiceUnavailable).ToList();
        Assert.True(wrong.Count == 0, string.Join("\n", wrong.Take(5).Select(f => $"{f.What}: {(int)f.Status} {f.Body}")));
        var bridged = answers.Where(a => a.Started < restartedAt.AddSeconds(-1) && a.Ended > restartedAt).ToList();
        Assert.Contains(bridged, a => a.Status is HttpStatusCode.OK or HttpStatusCode.Created);
        var after = answers.Where(a => a.Started > restartedAt).ToList();
        Assert.NotEmpty(after);
        Assert.All(after, a => Assert.True(a.Status is HttpStatusCode.OK or HttpStatusCode.Created, $"{a.What} after the restart: {(int)a.Status} {a.Body}"));

        // The first token request after the restart, on Identity's now broken pooled connections.
        await postgres.StopAsync();
        await postgres.StartServerAsync();
        using var identity = hosts.Identity.CreateClient();
        using var tokenRequest = new HttpRequestMessage(HttpMethod.Post, "/connect/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }),
        };
        tokenRequest.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ApiFixture.Globex.ClientId}:{ApiFixture.Globex.Secret}")));
        using var token = await identity.SendAsync(tokenRequest);
        Assert.True(token.StatusCode == HttpStatusCode.OK, await token.Content.ReadAsStringAsync());
        await (await acme.GetAsync("/api/v1/cases?box=outbox&limit=5")).ExpectAsync(HttpStatusCode.OK);

        // Down for longer than the retries last: a clear 503 with Retry-After, then back to normal.
        await postgres.StopAsync();
        try
        {
            using var down = await acme.PostAsync("/api/v1/customer-authorisations", AuthorisationBody());
            await down.ExpectRefusalAsync(HttpStatusCode.ServiceUnavailable, "database_unavailable");
            Assert.True(down.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        }
        finally
        {
            await postgres.StartServerAsync();
        }

        await (await acme.PostAsync("/api/v1/customer-authorisations", AuthorisationBody())).ExpectAsync(HttpStatusCode.Created);
    }

    private static object AuthorisationBody() => new
    {
        customerOrganisation = "Contoso Manufacturing",
        authorisedBy = new { name = "Carla Customer", role = "IT manager", email = "carla@contoso.example" },
        receivingMemberIds = new[] { "globex" },
        purpose = "Diagnose the cross-vendor fault",
        captureMethod = "email",
        evidenceReference = "CRM-4711",
        dataCategories = new[] { "technical", "organisation" },
        expiresAt = DateTime.UtcNow.AddDays(30),
    };
}
