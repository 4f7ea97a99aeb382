using System.Collections.Concurrent;
using System.Data.Common;
using System.Net;
using Exchange.Core.Agreements;
using Exchange.Core.Cases;
using Exchange.Core.Data;
using Exchange.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Exchange.Api.Tests;

/// <summary>
/// The database round trips each request makes: every command EF Core sends and every commit, by
/// request. Keyed by the request's trace id, so concurrent requests of other tests do not mix in.
/// </summary>
public sealed class RoundTrips(IHttpContextAccessor http) : DbCommandInterceptor, IDbTransactionInterceptor
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _byRequest = new();

    /// <summary>What the request with this trace id sent, in order (commands by their text, commits as COMMIT).</summary>
    public IReadOnlyList<string> Of(string traceId) => _byRequest.TryGetValue(traceId, out var list) ? [.. list] : [];

    private void Record(string what)
    {
        if (http.HttpContext is { } context)
        {
            context.Response.Headers["X-Test-Trace"] = context.TraceIdentifier;
            _byRequest.GetOrAdd(context.TraceIdentifier, _ => new()).Enqueue(what);
        }
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Record(command.CommandText);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Record(command.CommandText);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Record(command.CommandText);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Record(command.CommandText);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        Record(command.CommandText);
        return result;
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Record(command.CommandText);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult TransactionCommitting(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result)
    {
        Record("COMMIT");
        return result;
    }

    public ValueTask<InterceptionResult> TransactionCommittingAsync(
        DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        Record("COMMIT");
        return ValueTask.FromResult(result);
    }
}

public sealed class RoundTripFixture : ApiFixture
{
    protected override void ConfigureService(IServiceCollection services, HttpMessageHandler identity)
    {
        base.ConfigureService(services, identity);
        services.AddHttpContextAccessor();
        services.AddSingleton<RoundTrips>();
        services.AddSingleton<IInterceptor>(sp => sp.GetRequiredService<RoundTrips>());
    }

    protected override Task SeedMoreAsync(ExchangeDbContext db)
    {
        // More agreements than the two members need, so a query per agreement or per party would show.
        for (var i = 0; i < 5; i++)
        {
            AddMemberWithClient(db, $"rt-other-{i}", "EU");
            AddAgreement(db, AgreementKind.Bilateral, ["acme", $"rt-other-{i}"], [DataCategory.Technical], ["EU"]);
        }

        return Task.CompletedTask;
    }
}

/// <summary>
/// Issue 13: a case submission makes a fixed, small number of round trips, whatever the number of
/// agreements, fields or withheld values: the gates' inputs load together, nothing is read twice
/// between validation and the rules, and the writes go in one batch.
/// </summary>
public sealed class SubmissionRoundTripTests(RoundTripFixture hosts) : IClassFixture<RoundTripFixture>
{
    /// <summary>
    /// Commands plus commits of one accepted submission without an Idempotency-Key: the gates' inputs
    /// (1), the audit chain's lock and head (2, the audit log's own), the batched insert (1) and the
    /// commit (1). Was 9 before issue 13: the receiver, the agreements and the authorisation in three
    /// queries, and a look for the data key and blind index of the case being inserted (two more).
    /// </summary>
    public const int MaxPerSubmission = 5;

    private RoundTrips Trips => hosts.Service.Services.GetRequiredService<RoundTrips>();

    private async Task<IReadOnlyList<string>> SubmitAsync(HttpClient acme, object body, HttpStatusCode expected, string? idempotencyKey = null)
    {
        using var response = await acme.PostAsync("/api/v1/cases", body, idempotencyKey: idempotencyKey);
        await response.ExpectAsync(expected);
        var trips = Trips.Of(response.Headers.GetValues("X-Test-Trace").Single());
        return hosts.Database.Provider == DatabaseProvider.Sqlite ? AsBatches(trips) : trips;
    }

    /// <summary>
    /// EF Core's SQLite provider sends each row's write as its own in-process statement (there is no
    /// network to save); PostgreSQL's sends them in one batch. Consecutive writes count as one here,
    /// so both providers are held to the same bound.
    /// </summary>
    private static List<string> AsBatches(IReadOnlyList<string> trips)
    {
        static bool IsWrite(string sql) => sql.StartsWith("INSERT", StringComparison.Ordinal) || sql.StartsWith("UPDATE", StringComparison.Ordinal)
            || sql.StartsWith("DELETE", StringComparison.Ordinal);
        var batches = new List<string>();
        foreach (var trip in trips)
        {
            if (IsWrite(trip) && batches.Count > 0 && IsWrite(batches[^1]))
            {
                batches[^1] += "\n" + trip;
            }
            else
            {
                batches.Add(trip);
            }
        }

        return batches;
    }

    private static string Show(IReadOnlyList<string> trips) =>
        $"{trips.Count} round trips:\n" + string.Join("\n---\n", trips.Select(t => t.Length > 300 ? t[..300] + " ..." : t));

    [Fact]
    public async Task An_accepted_submission_makes_at_most_the_pinned_number_of_round_trips()
    {
        var acme = await hosts.ClientAsync(ApiFixture.Acme);
        var authorisation = await acme.AuthoriseAsync(["globex"]);
        var trips = await SubmitAsync(acme, Api.CaseBody("globex", authorisation), HttpStatusCode.Created);
        Assert.True(trips.Count <= MaxPerSubmission, Show(trips));
        Assert.Single(trips, t => t == "COMMIT");
    }

    [Fact]
    public async Task More_fields_and_withheld_values_add_no_round_trip()
    {
        var acme = await hosts.ClientAsync(ApiFixture.Acme);
        var authorisation = await acme.AuthoriseAsync(["globex"], categories: ["technical", "organisation"]);
        var few = await SubmitAsync(acme, Api.CaseBody("globex", authorisation, new()
        {
            ["summary"] = "Printer driver crashes", ["product"] = "ERP Suite", ["customerOrganisation"] = "Contoso Manufacturing",
        }), HttpStatusCode.Created);
        var many = await SubmitAsync(acme, Api.CaseBody("globex", authorisation, new()
        {
            ["summary"] = "Printer driver crashes", ["product"] = "ERP Suite", ["productVersion"] = "12.4",
            ["description"] = "After the driver update the client stops on print.", ["customerOrganisation"] = "Contoso Manufacturing",
            ["errorCode"] = "0x0000007E", ["logExcerpt"] = "spooler: stopped",
            // Outside the authorisation's categories: withheld by minimisation.
            ["customerContactName"] = "Carla Customer", ["customerContactEmail"] = "carla@contoso.example",
        }), HttpStatusCode.Created);
        Assert.True(many.Count == few.Count, $"few: {Show(few)}\nmany: {Show(many)}");
    }

    [Fact]
    public async Task A_refused_submission_reads_the_gates_inputs_once_and_writes_nothing()
    {
        var acme = await hosts.ClientAsync(ApiFixture.Acme);
        var authorisation = await acme.AuthoriseAsync(["globex"]);
        using var withdrawn = await acme.PostAsync($"/api/v1/customer-authorisations/{authorisation}/withdraw", new { reason = "Customer withdrew" });
        Assert.True(withdrawn.IsSuccessStatusCode, await withdrawn.Content.ReadAsStringAsync());
        var trips = await SubmitAsync(acme, Api.CaseBody("globex", authorisation), HttpStatusCode.UnprocessableEntity);
        Assert.True(trips.Count <= 1, Show(trips));
        Assert.DoesNotContain(trips, t => t.Contains("INSERT", StringComparison.OrdinalIgnoreCase) || t == "COMMIT");
    }

    [Fact]
    public async Task A_case_list_page_reads_its_summaries_by_key_not_through_a_window_over_every_case()
    {
        var acme = await hosts.ClientAsync(ApiFixture.Acme);
        var authorisation = await acme.AuthoriseAsync(["globex"]);
        await acme.OpenCaseAsync("globex", authorisation);
        using var response = await acme.GetAsync("/api/v1/cases?box=outbox&limit=5");
        var page = await response.ExpectAsync(HttpStatusCode.OK);
        Assert.False(string.IsNullOrEmpty(page["items"]![0]!["summary"]?.GetValue<string>()));
        var trips = Trips.Of(response.Headers.GetValues("X-Test-Trace").Single());
        // A window over case_fields grew with the whole table: 300-700 ms a page at 1,000,000 cases (docs/benchmarks.md).
        Assert.DoesNotContain(trips, t => t.Contains("ROW_NUMBER", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(trips, t => t.Contains("case_fields", StringComparison.Ordinal));
    }
}
