using Exchange.Portal.Api;
using Exchange.Portal.Auth;
using Exchange.Portal.Charts;
using Microsoft.AspNetCore.Http;

namespace Exchange.Portal.Tests;

public sealed class PresentationTests
{
    public static readonly TheoryData<string> GateCodes = new()
    {
        "agreement_missing", "agreement_not_in_force", "agreement_category_not_permitted", "authorisation_missing",
        "authorisation_withdrawn", "authorisation_expired", "authorisation_scope", "transfer_region_not_permitted",
        "personal_data_in_free_text",
    };

    [Theory]
    [MemberData(nameof(GateCodes))]
    public void Every_gate_refusal_has_its_own_plain_explanation_naming_the_receiver_where_it_matters(string code)
    {
        var problem = new ApiProblem(422, "Refused", null, code, new Dictionary<string, string[]>());
        var fallback = Explanations.ForRefusal(problem with { Code = null }, "Globex");

        var explanation = Explanations.ForRefusal(problem, "Globex");

        Assert.NotEqual(fallback, explanation);
        Assert.DoesNotContain("_", explanation.What, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(explanation.Action));
    }

    [Fact]
    public void A_problem_body_is_read_with_its_code_and_field_errors()
    {
        var problem = ApiProblem.FromBody(System.Net.HttpStatusCode.BadRequest,
            """{"type":"x","title":"Invalid","status":400,"code":"validation","errors":{"fields.summary":["Required."]}}""");

        Assert.Equal(400, problem.Status);
        Assert.Equal("validation", problem.Code);
        Assert.Equal(["Required."], problem.Errors["fields.summary"]);
        Assert.Null(ApiProblem.FromBody(System.Net.HttpStatusCode.BadGateway, "<html>").Code);
    }

    [Theory]
    [InlineData("summary", "Summary")]
    [InlineData("customerContactEmail", "Customer contact e-mail")]
    [InlineData("effectiveFrom", "Effective from")]
    [InlineData("parties[1].memberId", "Member id")]
    [InlineData("body", "Body")]
    public void A_field_the_API_names_is_shown_in_words_never_as_its_raw_key(string field, string label)
    {
        Assert.Equal(label, Explanations.FieldLabel(field));
        Assert.Equal(label + " must not be empty.", Exchange.Portal.Pages.Shared.FormErrors.Sentence("'x Y' must not be empty.", Explanations.FieldLabel(field)));
    }

    [Fact]
    public void Time_left_reads_as_words_and_says_when_a_deadline_has_passed()
    {
        var now = new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

        Assert.Equal(("3 h 20 min left", false), Explanations.TimeLeft(now.AddHours(3).AddMinutes(20), now));
        Assert.Equal(("overdue by 2 d 4 h", true), Explanations.TimeLeft(now.AddDays(-2).AddHours(-4), now));
        Assert.Equal(("no deadline", false), Explanations.TimeLeft(null, now));
    }

    [Fact]
    public void The_dashboard_counts_cases_per_week_and_the_share_answered_in_time()
    {
        var now = new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero); // a Sunday
        CaseDto Case(DateTimeOffset created, string status, DateTimeOffset? due, DateTimeOffset? responded) =>
            new(Guid.NewGuid(), "acme", "globex", null, 3, status, null, null, null, null, created, responded, due, null, null, null, null, null, responded);

        var outbox = new[] { Case(now.AddDays(-1), "submitted", null, null), Case(now.AddDays(-8), "accepted", null, null) };
        var inbox = new[]
        {
            Case(now.AddDays(-2), "accepted", now.AddDays(-1), now.AddDays(-1.5)),  // in time
            Case(now.AddDays(-3), "resolved", now.AddDays(-2.9), now.AddDays(-2)),  // late
            Case(now.AddDays(-2), "submitted", now.AddDays(1), null),               // not answered
            Case(now.AddDays(-200), "resolved", now.AddDays(-199), now.AddDays(-199.5)), // before the window
        };

        var stats = DashboardStats.Compute(outbox, inbox, now);

        Assert.Equal(8, stats.Weeks.Count);
        Assert.Equal(1, stats.Opened[^1]);
        Assert.Equal(1, stats.Opened[^2]);
        Assert.Equal(3, stats.Received[^1]);
        Assert.Equal(50, stats.AnsweredWithinDeadlinePercent[^1]);
        Assert.Equal(3, stats.Answered);
        Assert.Equal(2, stats.AnsweredInTime);
    }

    [Fact]
    public void A_chart_is_an_accessible_svg_with_one_bar_per_value_and_encoded_labels()
    {
        var html = SvgChart.Bars("c1", "Cases <per> week", ["w1", "w2"], [new Series("Opened", "bar-a", [1, 3]), new Series("Received", "bar-b", [0, 2])]).ToString()!;

        Assert.StartsWith("<svg", html, StringComparison.Ordinal);
        Assert.Contains("role=\"img\"", html, StringComparison.Ordinal);
        Assert.Contains("<title id=\"c1-title\">Cases &lt;per&gt; week</title>", html, StringComparison.Ordinal);
        Assert.Equal(4, html.Split("<rect ").Length - 1);
        Assert.Contains("Opened, w2: 3", html, StringComparison.Ordinal);
        Assert.DoesNotContain("style=", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 2)]
    [InlineData(1, 2)]
    [InlineData(3, 4)]
    [InlineData(7, 8)]
    [InlineData(8, 8)]
    public void A_count_axis_is_marked_in_whole_numbers(double largest, double top)
    {
        Assert.Equal(top, SvgChart.WholeAxisTop(largest));

        var html = SvgChart.Bars("c2", "Counts", ["w1"], [new Series("Opened", "bar-a", [largest])]).ToString()!;
        var marks = System.Text.RegularExpressions.Regex.Matches(html, "text-anchor=\"end\">([^<]*)<").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(["0", (top / 2).ToString(System.Globalization.CultureInfo.InvariantCulture), top.ToString(System.Globalization.CultureInfo.InvariantCulture)], marks);
    }

    [Fact]
    public void Every_other_week_label_is_minor_so_a_phone_can_show_half_of_them()
    {
        var weeks = Enumerable.Range(1, 8).Select(i => $"w{i}").ToList();
        var html = SvgChart.Bars("c3", "Counts", weeks, [new Series("Opened", "bar-a", weeks.Select(_ => 1.0).ToList())]).ToString()!;

        Assert.Equal(4, html.Split("<text class=\"minor\"").Length - 1);
    }

    [Fact]
    public void The_session_cookie_gets_the_host_prefix_and_secure_only_over_https()
    {
        var manager = new HostPrefixCookieManager();
        var https = new DefaultHttpContext();
        https.Request.IsHttps = true;
        var http = new DefaultHttpContext();

        manager.AppendResponseCookie(https, "exchange-portal", "v", new CookieOptions { Domain = "example.com", Path = "/x", HttpOnly = true });
        manager.AppendResponseCookie(http, "exchange-portal", "v", new CookieOptions { HttpOnly = true });

        var secureCookie = https.Response.Headers.SetCookie.ToString();
        Assert.StartsWith("__Host-exchange-portal=v", secureCookie, StringComparison.Ordinal);
        Assert.Contains("secure", secureCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/;", secureCookie + ";", StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("domain", secureCookie, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("exchange-portal=v", http.Response.Headers.SetCookie.ToString(), StringComparison.Ordinal);
    }
}
