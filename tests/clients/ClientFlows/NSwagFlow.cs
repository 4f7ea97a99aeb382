using Exchange.ClientFlows.NSwag;

namespace Exchange.ClientFlows;

/// <summary>The demo flow with the client NSwag generates (Generated/NSwag).</summary>
public static class NSwagFlow
{
    public static async Task<Guid> RunAsync(string api, string acmeToken, string globexToken)
    {
        using var acmeHttp = Token.Bearer(acmeToken);
        using var globexHttp = Token.Bearer(globexToken);
        var acme = new ExchangeApiClient(acmeHttp) { BaseUrl = api };
        var globex = new ExchangeApiClient(globexHttp) { BaseUrl = api };

        var authorisation = await acme.CreateCustomerAuthorisationAsync(new CreateAuthorisationRequest
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
        Demo.Check(authorisation.StatusCode == 201, $"authorisation {authorisation.StatusCode}");

        var created = await acme.CreateCaseAsync(new CreateCaseRequest
        {
            ReceivingMemberId = "globex",
            CustomerAuthorisationId = authorisation.Result.Id,
            Severity = 2,
            SubmitterCaseReference = Demo.SubmitterReference,
            Fields = new Dictionary<string, string>(Demo.Fields),
        }, Guid.NewGuid().ToString());
        Demo.Check(created.StatusCode == 201, $"case {created.StatusCode}");
        var id = created.Result.Id;
        // globex's intake policy does not accept the contact phone: withheld, not stored.
        Demo.Check(created.Result.WithheldFields.Any(w => w.Field == "customerContactPhone"), "customerContactPhone not withheld");

        var inbox = await globex.ListCasesAsync(box: CaseBox.Inbox);
        Demo.Check(inbox.Result.Items.Any(c => c.Id == id), "the case is not in globex's inbox");

        var read = await globex.GetCaseAsync(id);
        var accepted = await globex.AcceptCaseAsync(id, ETag(read.Headers), new AcceptRequest { ReceiverCaseReference = Demo.ReceiverReference });
        Demo.Check(accepted.Result.Status == CaseStatus.Accepted, $"accept answered {accepted.Result.Status}");

        var note = await globex.AddCaseNoteAsync(id, new NoteRequest { Body = Demo.Note });
        Demo.Check(note.StatusCode == 201, $"note {note.StatusCode}");

        // The note changed the case: resolve with its current ETag.
        var current = await globex.GetCaseAsync(id);
        var resolved = await globex.ResolveCaseAsync(id, ETag(current.Headers), new ResolveRequest { StepsTaken = Demo.StepsTaken, Conclusion = Demo.Conclusion });
        Demo.Check(resolved.Result.Status == CaseStatus.Resolved, $"resolve answered {resolved.Result.Status}");
        return id;
    }

    private static string ETag(IReadOnlyDictionary<string, IEnumerable<string>> headers) =>
        headers.FirstOrDefault(h => string.Equals(h.Key, "ETag", StringComparison.OrdinalIgnoreCase)).Value?.Single()
        ?? throw new InvalidOperationException("no ETag");
}
