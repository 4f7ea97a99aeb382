using System.Security.Cryptography;
using Exchange.Portal.Api;
using Exchange.Portal.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;

namespace Exchange.Portal.Pages.Cases;

/// <summary>
/// Opening a request: choose the receiving member, fill in its intake form (only the fields its
/// intake policy asks for or accepts), cite the customer's authorisation, preview what the
/// receiver will see, send. The API applies the gates and minimisation; this page shows its
/// answer: the withheld fields and why, or a refusal in plain words.
/// </summary>
public sealed class NewModel(ExchangeApi api) : PageModel
{
    [FromQuery(Name = "receiver")]
    public string? Receiver { get; set; }

    [FromQuery(Name = "authorisation")]
    public Guid? AuthorisationFromQuery { get; set; }

    [BindProperty]
    public NewCaseInput Input { get; set; } = new();

    public IReadOnlyList<MemberDto> Members { get; private set; } = [];
    public MemberDto? ReceiverMember { get; private set; }
    public IReadOnlyList<CatalogueFieldDto> FormFields { get; private set; } = [];
    public IReadOnlySet<string> RequiredFields { get; private set; } = new HashSet<string>();
    public IReadOnlyList<CustomerAuthorisationDto> Authorisations { get; private set; } = [];
    public ApiProblem? Problem { get; private set; }
    public CasePreviewDto? Preview { get; private set; }
    public CaseDto? Created { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Input.Receiver = Receiver;
        Input.AuthorisationId = AuthorisationFromQuery?.ToString();
        Input.IdempotencyKey = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(16));
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostPreviewAsync(CancellationToken ct)
    {
        Receiver = Input.Receiver;
        if (!await LoadAsync(ct) || Body() is not { } body)
        {
            return Page();
        }

        var result = await api.PreviewCaseAsync(body, ct);
        if (result.Ok)
        {
            Preview = result.Value;
        }
        else
        {
            Problem = result.Problem;
        }

        return Page();
    }

    public async Task<IActionResult> OnPostSubmitAsync(CancellationToken ct)
    {
        Receiver = Input.Receiver;
        if (!await LoadAsync(ct) || Body() is not { } body)
        {
            return Page();
        }

        // The key was minted when the form was shown, so a double click or a resubmitted
        // form gets the first answer back instead of opening a second case.
        var result = await api.CreateCaseAsync(body, Input.IdempotencyKey ?? Guid.NewGuid().ToString("N"), ct);
        if (result.Ok)
        {
            Created = result.Value;
        }
        else
        {
            Problem = result.Problem;
        }

        return Page();
    }

    private object? Body()
    {
        if (!Guid.TryParse(Input.AuthorisationId, out var authorisationId))
        {
            ModelState.AddModelError("Input.AuthorisationId", "Choose the customer authorisation that covers this request, or record one first.");
            return null;
        }

        var fields = Input.Fields
            .Where(f => !string.IsNullOrWhiteSpace(f.Value) && FormFields.Any(ff => ff.Name == f.Key))
            .ToDictionary(f => f.Key, f => f.Value!.Trim());
        return new
        {
            receivingMemberId = Input.Receiver,
            customerAuthorisationId = authorisationId,
            severity = Input.Severity,
            submitterCaseReference = Input.SubmitterCaseReference,
            fields,
        };
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        var members = await api.MembersAsync(ct);
        if (!members.Ok)
        {
            Problem = members.Problem;
            return false;
        }

        var own = User.MemberOf();
        Members = (members.Value ?? []).Where(m => m.Id != own).OrderBy(m => m.LegalName).ToList();
        if (string.IsNullOrEmpty(Receiver))
        {
            return false;
        }

        var member = await api.MemberAsync(Receiver, ct);
        if (!member.Ok || member.Value is null)
        {
            Problem = member.Problem;
            return false;
        }

        ReceiverMember = member.Value;
        var catalogue = await api.FieldCatalogueAsync(ct);
        var policy = ReceiverMember.IntakePolicy;
        var asked = new HashSet<string>((policy?.AcceptedFields ?? []).Concat(policy?.RequiredFields ?? []));
        RequiredFields = new HashSet<string>(policy?.RequiredFields ?? []);
        FormFields = (catalogue.Value ?? [])
            .Where(f => asked.Contains(f.Name) && f.Category != "special")
            .ToList();

        // The API decides which authorisations are usable for this receiver; if it offers none
        // (or cannot answer), the page falls back to typing in an id.
        var authorisations = await api.ActiveAuthorisationsForAsync(Receiver, ct);
        Authorisations = authorisations.Ok ? authorisations.Value ?? [] : [];

        return true;
    }

    /// <summary>A purpose may run to a paragraph; an option shows its start so the list stays readable.</summary>
    public static string Shorten(string text, int max = 80) => text.Length <= max ? text : text[..(max - 1)].TrimEnd() + "…";

    public sealed class NewCaseInput
    {
        public string? Receiver { get; set; }
        public string? AuthorisationId { get; set; }
        public int Severity { get; set; } = 3;
        public string? SubmitterCaseReference { get; set; }
        public Dictionary<string, string?> Fields { get; set; } = new();
        public string? IdempotencyKey { get; set; }
    }
}
