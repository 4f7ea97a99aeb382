using Exchange.Portal.Api;
using Exchange.Portal.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Exchange.Portal.Pages.Cases;

/// <summary>
/// One case: its shared fields, the notes thread, the audit trail and the actions its state
/// allows. Which buttons show is only a convenience; the API decides, and its answer is shown.
/// Every state change sends the ETag of the version the engineer was looking at.
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
    };

    [FromRoute]
    public Guid Id { get; set; }

    public CaseDto? Case { get; private set; }
    public string? ETag { get; private set; }
    public IReadOnlyList<NoteDto> Notes { get; private set; } = [];
    public IReadOnlyList<AuditEntryDto>? Audit { get; private set; }
    public ApiProblem? Problem { get; private set; }
    public DateTimeOffset Now { get; private set; }

    [TempData]
    public string? Message { get; set; }

    [BindProperty]
    public ActionInput Input { get; set; } = new();

    public bool IsReceiver => Case is not null && Case.ReceivingMemberId == User.MemberOf();
    public bool IsSubmitter => Case is not null && Case.SubmittingMemberId == User.MemberOf();
    public bool IsOpen => Case?.Status is "submitted" or "information_requested" or "accepted";

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
            _ => null,
        };
        if (body is null)
        {
            return BadRequest();
        }

        var result = await api.ChangeStateAsync(Id, action, body, Input.ETag ?? "", ct);
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
        if (Case.IsPurged)
        {
            // Notes and the case's content are gone; the tombstone is all there is to show.
            return true;
        }

        // One after the other: HttpContext (where the token lives) is not for concurrent use.
        var notes = await api.NotesAsync(Id, ct);
        Notes = notes.Value ?? [];
        var audit = await api.AuditAsync(Id, ct);
        Audit = audit.Ok ? audit.Value ?? [] : null;
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
