using System.Net;

namespace Exchange.Api.Tests;

/// <summary>
/// Need-to-know as a matrix: every case route against the owner, the counterpart, a third member,
/// operator staff, no token and a token without case scopes.
/// </summary>
public sealed class IsolationTests(ApiFixture hosts) : IClassFixture<ApiFixture>
{
    public enum Who { Owner, Counterpart, ThirdMember, Operator, NoToken, WrongScope }

    private static readonly (string Method, string Path, object? Body)[] Routes =
    [
        ("GET", "", null),
        ("POST", "/accept", new { receiverCaseReference = "R" }),
        ("POST", "/reject", new { reason = "r" }),
        ("POST", "/information-requests", new { question = "q" }),
        ("POST", "/request-information", new { question = "q" }),
        ("POST", "/provide-information", new { answer = "a" }),
        ("POST", "/resolve", new { stepsTaken = "s", conclusion = "c" }),
        ("POST", "/withdraw", null),
        ("GET", "/notes", null),
        ("POST", "/notes", new { body = "n" }),
        ("GET", "audit", null),
    ];

    public static TheoryData<Who, int> Matrix()
    {
        var data = new TheoryData<Who, int>();
        foreach (var who in Enum.GetValues<Who>())
        {
            for (var route = 0; route < Routes.Length; route++)
            {
                data.Add(who, route);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Every_case_route_answers_each_kind_of_caller_as_need_to_know_requires(Who who, int route)
    {
        var acme = await hosts.ClientAsync(ApiFixture.Acme);
        var authorisation = await acme.AuthoriseAsync(["globex"]);
        var (id, etag) = await acme.OpenCaseAsync("globex", authorisation);
        var (method, path, body) = Routes[route];
        var url = path == "audit" ? $"/api/v1/audit?caseId={id}" : $"/api/v1/cases/{id}{path}";

        var client = who switch
        {
            Who.Owner => acme,
            Who.Counterpart => await hosts.ClientAsync(ApiFixture.Globex),
            Who.ThirdMember => await hosts.ClientAsync(ApiFixture.Initech),
            Who.Operator => await hosts.ClientAsync(ApiFixture.Operator),
            Who.WrongScope => await hosts.ClientAsync(ApiFixture.AcmeNoCases),
            _ => hosts.Anonymous(),
        };
        // A member's change without If-Match stops at 428, which is past the need-to-know check;
        // everyone else sends the right ETag, so only need-to-know can stop them.
        var member = who is Who.Owner or Who.Counterpart;
        using var response = method == "GET"
            ? await client.GetAsync(url)
            : await client.PostAsync(url, body, ifMatch: member ? null : etag);

        switch (who)
        {
            case Who.NoToken:
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
                Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
                break;
            case Who.WrongScope:
                Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
                Assert.Contains("insufficient_scope", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
                break;
            case Who.ThirdMember or Who.Operator:
                await response.ExpectAsync(HttpStatusCode.NotFound);
                Assert.DoesNotContain("Printer", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
                break;
            default:
                var expected = method == "GET" ? HttpStatusCode.OK : path == "/notes" ? HttpStatusCode.Created : HttpStatusCode.PreconditionRequired;
                Assert.Equal(expected, response.StatusCode);
                break;
        }

        // Whatever was tried, the case is unchanged unless a member changed it.
        var after = await acme.GetAsync($"/api/v1/cases/{id}");
        Assert.Equal("submitted", (await after.ExpectAsync(HttpStatusCode.OK))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Lists_show_a_member_only_its_own_cases_and_operators_only_metadata()
    {
        var acme = await hosts.ClientAsync(ApiFixture.Acme);
        var authorisation = await acme.AuthoriseAsync(["globex"]);
        var (id, _) = await acme.OpenCaseAsync("globex", authorisation);

        var initech = await (await (await hosts.ClientAsync(ApiFixture.Initech)).GetAsync("/api/v1/cases?limit=100")).ExpectAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(initech["items"]!.AsArray(), i => i!["id"]!.GetValue<Guid>() == id);

        var globex = await (await (await hosts.ClientAsync(ApiFixture.Globex)).GetAsync("/api/v1/cases?box=inbox&limit=100")).ExpectAsync(HttpStatusCode.OK);
        var line = globex["items"]!.AsArray().Single(i => i!["id"]!.GetValue<Guid>() == id)!;
        Assert.Equal("Printer driver crashes the ERP client", line["summary"]!.GetValue<string>());

        var ops = await (await (await hosts.ClientAsync(ApiFixture.Operator)).GetAsync("/api/v1/cases?limit=100")).ExpectAsync(HttpStatusCode.OK);
        var metadata = ops["items"]!.AsArray().Single(i => i!["id"]!.GetValue<Guid>() == id)!;
        Assert.Equal("acme", metadata["submittingMemberId"]!.GetValue<string>());
        Assert.Equal("submitted", metadata["status"]!.GetValue<string>());
        Assert.Null(metadata["summary"]);
        Assert.DoesNotContain("Printer", ops.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_member_comes_from_the_token_never_from_a_header_or_query()
    {
        var initech = await hosts.ClientAsync(ApiFixture.Initech);
        var acme = await hosts.ClientAsync(ApiFixture.Acme);
        var authorisation = await acme.AuthoriseAsync(["globex"]);
        var (id, _) = await acme.OpenCaseAsync("globex", authorisation);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/cases/{id}?memberId=acme&member_id=acme");
        request.Headers.Add("X-Member-Id", "acme");
        request.Headers.Add("member_id", "acme");
        using var response = await initech.SendAsync(request);
        await response.ExpectAsync(HttpStatusCode.NotFound);
    }
}
