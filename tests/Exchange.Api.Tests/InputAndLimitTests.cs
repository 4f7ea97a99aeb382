using System.Net;
using System.Text;

namespace Exchange.Api.Tests;

public sealed class LimitedFixture : ApiFixture
{
    public TestClient Opener { get; private set; } = null!;

    protected override Task SeedMoreAsync(Exchange.Core.Data.ExchangeDbContext db)
    {
        Opener = AddMemberWithClient(db, "rl-opener", "EU");
        return Task.CompletedTask;
    }

    protected override IDictionary<string, string?> ServiceSettings => new Dictionary<string, string?>
    {
        ["Exchange:Api:RequestsPerWindow"] = "8",
        ["Exchange:Api:RateLimitWindow"] = "00:01:00",
        ["Exchange:Api:MaxRequestBodyBytes"] = "4096",
        ["Exchange:Api:CaseCreationsPerWindow"] = "2",
    };
}

/// <summary>Unreadable, oversized and too frequent requests get problem details, never a 500.</summary>
public sealed class InputAndLimitTests(LimitedFixture hosts) : IClassFixture<LimitedFixture>
{
    [Fact]
    public async Task Bad_bodies_are_400_413_or_415_problem_details_without_internals()
    {
        var client = await hosts.ClientAsync(ApiFixture.Acme);
        var cases = new (string Body, string ContentType, HttpStatusCode Status)[]
        {
            ("{not json", "application/json", HttpStatusCode.BadRequest),
            ("""{"receivingMemberId":"globex","receivingMemberId":"initech"}""", "application/json", HttpStatusCode.BadRequest),
            ("""{"severity":"high"}""", "application/json", HttpStatusCode.BadRequest),
            ("receivingMemberId=globex", "application/x-www-form-urlencoded", HttpStatusCode.UnsupportedMediaType),
            (new string('[', 100) + new string(']', 100), "application/json", HttpStatusCode.BadRequest),
            ("{\"fields\":{\"summary\":\"" + new string('x', 5000) + "\"}}", "application/json", HttpStatusCode.RequestEntityTooLarge),
        };
        foreach (var (body, contentType, status) in cases)
        {
            using var content = new StringContent(body, Encoding.UTF8);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
            using var response = await client.PostAsync("/api/v1/cases/preview", content);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(status == response.StatusCode, $"{body[..Math.Min(40, body.Length)]}: {(int)response.StatusCode} {text}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Exchange.Api", text, StringComparison.Ordinal);
        }

        // Bytes that are not UTF-8 inside a JSON string.
        using var badUtf8 = new ByteArrayContent([.. "{\"submitterCaseReference\":\""u8.ToArray(), 0xC3, 0x28, .. "\"}"u8.ToArray()]);
        badUtf8.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var utf8Response = await client.PostAsync("/api/v1/cases/preview", badUtf8);
        Assert.Equal(HttpStatusCode.BadRequest, utf8Response.StatusCode);
    }

    [Fact]
    public async Task A_client_over_its_request_rate_gets_429_with_Retry_After_while_other_clients_go_on()
    {
        var globex = await hosts.ClientAsync(ApiFixture.Globex);
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 20 && limited is null; i++)
        {
            var response = await globex.GetAsync("/api/v1/field-catalogue");
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
        }

        Assert.NotNull(limited);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal("rate_limited", await limited.CodeAsync());

        var initech = await hosts.ClientAsync(ApiFixture.Initech);
        await (await initech.GetAsync("/api/v1/field-catalogue")).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Case_creation_has_its_own_tighter_limit_per_client()
    {
        var opener = await hosts.ClientAsync(hosts.Opener);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await opener.PostAsync("/api/v1/cases", Api.CaseBody("globex", Guid.NewGuid()));
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.UnprocessableEntity, HttpStatusCode.UnprocessableEntity, HttpStatusCode.TooManyRequests], statuses);
        await (await opener.GetAsync("/api/v1/field-catalogue")).ExpectAsync(HttpStatusCode.OK);
    }
}
