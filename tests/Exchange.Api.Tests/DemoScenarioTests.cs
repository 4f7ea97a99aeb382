using System.Net;

namespace Exchange.Api.Tests;

/// <summary>The "done when", end to end on the demo seed with real tokens.</summary>
public sealed class DemoScenarioTests(ApiFixture hosts) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Acme_opens_a_case_to_globex_which_accepts_it_and_the_audit_chain_stays_intact()
    {
        var acme = await hosts.ClientAsync(ApiFixture.Acme);
        var authorisation = await acme.AuthoriseAsync(["globex", "initech"]);
        var fields = new Dictionary<string, string>
        {
            ["summary"] = "Printer driver crashes the ERP client",
            ["product"] = "ERP Suite",
            ["customerOrganisation"] = "Contoso Manufacturing",
            ["customerContactPhone"] = "+44 20 7946 0958",
        };

        var created = await acme.PostAsync("/api/v1/cases", Api.CaseBody("globex", authorisation, fields));
        var body = await created.ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("submitted", body["status"]!.GetValue<string>());
        var withheld = body["withheldFields"]!.AsArray();
        Assert.Contains(withheld, w => w!["field"]!.GetValue<string>() == "customerContactPhone" && w["reason"]!.GetValue<string>() == "not_accepted_by_receiver");
        var id = body["id"]!.GetValue<Guid>();
        var etag = created.ETag();

        var toInitech = await acme.PostAsync("/api/v1/cases", Api.CaseBody("initech", authorisation, fields));
        await toInitech.ExpectRefusalAsync(HttpStatusCode.UnprocessableEntity, "agreement_missing");

        var initech = await hosts.ClientAsync(ApiFixture.Initech);
        await (await initech.GetAsync($"/api/v1/cases/{id}")).ExpectAsync(HttpStatusCode.NotFound);

        var globex = await hosts.ClientAsync(ApiFixture.Globex);
        var read = await globex.GetAsync($"/api/v1/cases/{id}");
        await read.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(etag, read.ETag());

        var accepted = await globex.PostAsync($"/api/v1/cases/{id}/accept", new { receiverCaseReference = "GLX-77" }, ifMatch: etag);
        Assert.Equal("accepted", (await accepted.ExpectAsync(HttpStatusCode.OK))["status"]!.GetValue<string>());
        var stale = await globex.PostAsync($"/api/v1/cases/{id}/accept", new { receiverCaseReference = "GLX-77" }, ifMatch: etag);
        await stale.ExpectRefusalAsync(HttpStatusCode.PreconditionFailed, "etag_stale");

        await Exchange.Testing.AuditSealing.SealAllAsync(hosts.Database);
        var ops = await hosts.ClientAsync(ApiFixture.Operator);
        var verify = await (await ops.GetAsync("/api/v1/audit/verify")).ExpectAsync(HttpStatusCode.OK);
        Assert.True(verify["intact"]!.GetValue<bool>());
        Assert.True(verify["entries"]!.GetValue<long>() >= 3);
    }
}
