using Exchange.Portal.Api;
using Exchange.Portal.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Exchange.Portal.Pages.Cases;

/// <summary>
/// One case: its shared fields, the people on it, the notes thread, the audit trail (changes, and
/// reads summed up) and the actions the API says this user may take now (the case's
/// `allowedActions`, from the lifecycle's one rule): the page never works the state machine out
/// itself. Every state change sends the ETag of the version the engineer was looking at. A purged
/// case shows its tombstone and its audit trail.
/// </summary>
public sealed class DetailsModel(ExchangeApi api, TimeProvider clock) : PageModel
{
    private static readonly Dictionary<string, string> Done = new()
    {
        ["accept"] = "You accepted the case.",
        ["reject"] = "You rejected the case.",
        ["request-information"] = "Your question was sent to the submitter.",
        ["provide-information"] = "Your answer was sent; the case is back with the receiver.",
        ["resolve"] = "The case is resolved.",
        ["withdraw"] = "You withdrew the request; the receiver has been told.",
    };

    [FromRoute]
    public Guid Id { get; set; }

    public CaseDto? Case { get; private set; }
    public string? ETag { get; private set; }
    public IReadOnlyList<NoteDto> Notes { get; private set; } = [];
    public CaseAudit? Audit { get; private set; }

    /// <summary>The page of the audit trail's changes to show (1 = the newest).</summary>
    [FromQuery(Name = "audit")]
    public int AuditPage { get; set; } = 1;
    public ApiProblem? Problem { get; private set; }
    public DateTimeOffset Now { get; private set; }

    [TempData]
    public string? Message { get; set; }

    [BindProperty]
    public ActionInput Input { get; set; } = new();

    public bool IsReceiver => Case is not null && Case.ReceivingMemberId == User.MemberOf();
    public bool IsSubmitter => Case is not null && Case.SubmittingMemberId == User.MemberOf();
    public bool IsOpen => Case?.Status is "submitted" or "information_requested" or "accepted";

    /// <summary>Whether the API offers this user any state change now (notes aside).</summary>
    public bool HasActions => Case?.AllowedActions?.Any(a => a != "add_note") == true;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        return await LoadAsync(ct) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostActionAsync(string action, CancellationToken ct)
    {
        object? body = action switch
        {
            "accept" => new { receiverCaseReference = Blank(Input.ReceiverCaseReference) },
            "reject" => new { reason = Input.Reason },
            "request-information" => new { question = Input.Question },
            "provide-information" => new { answer = Input.Answer },
            "resolve" => new { stepsTaken = Input.StepsTaken, conclusion = Input.Conclusion },
            "withdraw" => new { },
            _ => null,
        };
        if (body is null)
        {
            return BadRequest();
        }

        var result = action == "withdraw"
            ? await api.WithdrawCaseAsync(Id, Input.ETag ?? "", ct)
            : await api.ChangeStateAsync(Id, action, body, Input.ETag ?? "", ct);
        if (result.Ok)
        {
            Message = Done[action];
            return RedirectToPage(new { id = Id });
        }

        return await ShowProblemAsync(result.Problem, ct);
    }

    public async Task<IActionResult> OnPostNoteAsync(CancellationToken ct)
    {
        var result = await api.AddNoteAsync(Id, Input.Note ?? "", ct);
        if (result.Ok)
        {
            Message = "Your note was added.";
            return RedirectToPage(new { id = Id });
        }

        return await ShowProblemAsync(result.Problem, ct);
    }

    private async Task<IActionResult> ShowProblemAsync(ApiProblem? problem, CancellationToken ct)
    {
        if (!await LoadAsync(ct))
        {
            return NotFound();
        }

        // A stale ETag: the page now shows the current version; the typed text stays in the form.
        Problem = problem;
        return Page();
    }

    /// <summary>False when the case is not visible to this user (the API's 404: no hint whether it exists).</summary>
    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        Now = clock.GetUtcNow();
        var result = await api.CaseAsync(Id, ct);
        if (result.NotFound)
        {
            return false;
        }

        if (!result.Ok || result.Value is null)
        {
            Problem = result.Problem;
            return true;
        }

        Case = result.Value;
        ETag = result.ETag;
        // One after the other: HttpContext (where the token lives) is not for concurrent use.
        // A purged case has no notes left (they went with its data); its audit trail remains.
        if (!Case.IsPurged)
        {
            var notes = await api.NotesAsync(Id, ct);
            Notes = notes.Value ?? [];
        }

        var audit = await api.AuditAsync(Id, ct);
        Audit = audit.Ok ? CaseAudit.From(audit.Value ?? [], AuditPage) : null;
        return true;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    public sealed class ActionInput
    {
        public string? ETag { get; set; }
        public string? ReceiverCaseReference { get; set; }
        public string? Reason { get; set; }
        public string? Question { get; set; }
        public string? Answer { get; set; }
        public string? StepsTaken { get; set; }
        public string? Conclusion { get; set; }
        public string? Note { get; set; }
    }
}
