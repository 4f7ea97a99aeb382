using Exchange.ClientFlows.Kiota;
using Exchange.ClientFlows.Kiota.Models;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware.Options;

namespace Exchange.ClientFlows;

/// <summary>The demo flow with the client Kiota generates (Generated/Kiota).</summary>
public static class KiotaFlow
{
    public static async Task<Guid> RunAsync(string api, string acmeToken, string globexToken)
    {
        var acme = Client(api, acmeToken);
        var globex = Client(api, globexToken);

        var authorisation = await acme.Api.V1.CustomerAuthorisations.PostAsync(new CreateAuthorisationRequest
        {
            CustomerOrganisation = Demo.Customer,
            AuthorisedBy = new AuthorisedByDto { Name = Demo.AuthorisedByName, Role = Demo.AuthorisedByRole, Email = Demo.AuthorisedByEmail },
            ReceivingMemberIds = ["globex"],
            Purpose = Demo.Purpose,
            CaptureMethod = CaptureMethod.Email,
            EvidenceReference = Demo.Evidence,
            DataCategories = [DataCategory.Technical, DataCategory.Organisation, DataCategory.Contact],
            ExpiresAt = DateTimeOffset.UtcNow.AddDays(30),
        });

        var fields = new CreateCaseRequest_fields();
        foreach (var (name, value) in Demo.Fields)
        {
            fields.AdditionalData[name] = value;
        }

        var created = await acme.Api.V1.Cases.PostAsync(new CreateCaseRequest
        {
            ReceivingMemberId = "globex",
            CustomerAuthorisationId = authorisation!.Id,
            Severity = 2,
            SubmitterCaseReference = Demo.SubmitterReference,
            Fields = fields,
        }, config => config.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString()));
        var id = created!.Id!.Value;
        Demo.Check(created.WithheldFields!.Any(w => w.Field == "customerContactPhone"), "customerContactPhone not withheld");

        var inbox = await globex.Api.V1.Cases.GetAsync(config => config.QueryParameters.Box = CaseBox.Inbox);
        Demo.Check(inbox!.Items!.Any(c => c.Id == id), "the case is not in globex's inbox");

        var readHeaders = new HeadersInspectionHandlerOption { InspectResponseHeaders = true };
        await globex.Api.V1.Cases[id].GetAsync(config => config.Options.Add(readHeaders));
        var acceptHeaders = new HeadersInspectionHandlerOption { InspectResponseHeaders = true };
        var accepted = await globex.Api.V1.Cases[id].Accept.PostAsync(new AcceptRequest { ReceiverCaseReference = Demo.ReceiverReference }, config =>
        {
            config.Headers.Add("If-Match", ETag(readHeaders));
            config.Options.Add(acceptHeaders);
        });
        Demo.Check(accepted!.Status == CaseStatus.Accepted, $"accept answered {accepted.Status}");

        var note = await globex.Api.V1.Cases[id].Notes.PostAsync(new NoteRequest { Body = Demo.Note });
        Demo.Check(note?.Body is not null, "no note came back");

        // The note changed the case: resolve with its current ETag.
        var current = new HeadersInspectionHandlerOption { InspectResponseHeaders = true };
        await globex.Api.V1.Cases[id].GetAsync(config => config.Options.Add(current));
        Demo.Check(ETag(current) != ETag(acceptHeaders), "the note did not change the ETag");
        var resolved = await globex.Api.V1.Cases[id].Resolve.PostAsync(new ResolveRequest { StepsTaken = Demo.StepsTaken, Conclusion = Demo.Conclusion },
            config => config.Headers.Add("If-Match", ETag(current)));
        Demo.Check(resolved!.Status == CaseStatus.Resolved, $"resolve answered {resolved.Status}");
        return id;
    }

    private static ExchangeKiotaClient Client(string api, string token)
    {
        var adapter = new HttpClientRequestAdapter(new AnonymousAuthenticationProvider(), httpClient: Bearer(token)) { BaseUrl = api };
        return new ExchangeKiotaClient(adapter);
    }

    private static HttpClient Bearer(string token)
    {
        var http = KiotaClientFactory.Create();
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private static string ETag(HeadersInspectionHandlerOption inspection) =>
        inspection.ResponseHeaders.TryGetValue("ETag", out var values) ? values.Single() : throw new InvalidOperationException("no ETag");
}
