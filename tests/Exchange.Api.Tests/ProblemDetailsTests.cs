using System.Net;
using System.Text;

namespace Exchange.Api.Tests;

/// <summary>Every problem the API answers carries a detail, a stable code and a type naming that code.</summary>
public sealed class ProblemDetailsTests(ApiFixture hosts) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Validation_missing_token_not_found_wrong_method_and_media_type_all_carry_detail_and_code()
    {
        var acme = await hosts.ClientAsync(ApiFixture.Acme);
        using var textBody = new StringContent("hello", Encoding.UTF8, "text/plain");
        var answers = new (string What, Func<Task<HttpResponseMessage>> Send, HttpStatusCode Status, string Code)[]
        {
            ("validation", () => acme.PostAsync("/api/v1/cases", new { severity = 9 }), HttpStatusCode.BadRequest, "validation_failed"),
            ("no token", () => hosts.Anonymous().GetAsync("/api/v1/cases"), HttpStatusCode.Unauthorized, "token_missing"),
            ("unknown case", () => acme.GetAsync($"/api/v1/cases/{Guid.NewGuid()}"), HttpStatusCode.NotFound, "not_found"),
            ("unknown route", () => acme.GetAsync("/api/v1/no-such-thing"), HttpStatusCode.NotFound, "not_found"),
            ("wrong method", () => acme.DeleteAsync("/api/v1/field-catalogue"), HttpStatusCode.MethodNotAllowed, "method_not_allowed"),
            ("wrong media type", () => acme.PostAsync("/api/v1/cases", textBody), HttpStatusCode.UnsupportedMediaType, "unsupported_media_type"),
        };
        foreach (var (what, send, status, code) in answers)
        {
            using var response = await send();
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(status == response.StatusCode, $"{what}: {(int)response.StatusCode} {body}");
            Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", $"{what}: {response.Content.Headers.ContentType}");
            var problem = System.Text.Json.Nodes.JsonNode.Parse(body)!;
            Assert.True(code == problem["code"]?.GetValue<string>(), $"{what}: {body}");
            Assert.False(string.IsNullOrWhiteSpace(problem["detail"]?.GetValue<string>()), $"{what}: {body}");
            Assert.Equal("https://exchange.example/docs/problems.md#" + code, problem["type"]?.GetValue<string>());
        }
    }

    [Fact]
    public async Task An_unknown_JSON_property_is_reported_by_position_without_echoing_its_name()
    {
        var acme = await hosts.ClientAsync(ApiFixture.Acme);
        using var response = await acme.PostAsync("/api/v1/cases", """{"severity":2,"carla.customer@contoso.example":"x"}""");
        var body = await response.ExpectAsync(HttpStatusCode.BadRequest);

        Assert.Equal("invalid_json", body["code"]!.GetValue<string>());
        Assert.Contains("line 1", body["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("carla", body.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Text_answers_name_their_charset()
    {
        using var response = await hosts.Anonymous().GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
    }
}
