using System.Security.Cryptography;
using Exchange.Portal.Api;
using Exchange.Portal.Auth;
using Exchange.Portal.Pages.Shared;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;

namespace Exchange.Portal.Pages.Cases;

/// <summary>
/// Opening a request: choose the receiving member, fill in its intake form (only the fields its
/// intake policy asks for or accepts), cite the customer's authorisation, preview what the
/// receiver will see, send. The API applies the gates and minimisation; this page shows its
/// answer: the withheld fields and why, or a refusal in plain words. Before any of that, the
/// API's coverage answer says which members an agreement covers now: the form is offered only
/// for those, and an uncovered one is shown with what to do instead.
/// </summary>
public sealed class NewModel(ExchangeApi api, TimeProvider clock) : PageModel
{
    /// <summary>The form's fields as the API names them in a validation problem, and as this page does.</summary>
    public static readonly FormFieldMap FieldMap = new FormFieldMap()
        .Add("receiver", "Receiving member", "receivingMemberId", "Input.Receiver")
        .Add("auth", "Customer authorisation", "customerAuthorisationId", "Input.AuthorisationId")
        .Add("severity", "Severity", "severity", "Input.Severity")
        .Add("ref", "Your case reference", "submitterCaseReference", "Input.SubmitterCaseReference")
        .WithCatalogueFields();

    [FromQuery(Name = "receiver")]
    public string? Receiver { get; set; }

    [FromQuery(Name = "authorisation")]
    public Guid? AuthorisationFromQuery { get; set; }

    [BindProperty]
    public NewCaseInput Input { get; set; } = new();

    /// <summary>Every other member with whether an agreement covers requests to it now (the API's agreement gate).</summary>
    public IReadOnlyList<CoverageDto> Members { get; private set; } = [];
    public CoverageDto? ReceiverCoverage { get; private set; }
    public MemberDto? ReceiverMember { get; private set; }
    public FormErrors Errors { get; private set; } = FormErrors.None;

    /// <summary>Each offered authorisation's option text, told apart from its look-alikes.</summary>
    public IReadOnlyDictionary<Guid, string> AuthorisationLabels { get; private set; } = new Dictionary<Guid, string>();
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
            return Answer();
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

        return Answer();
    }

    public async Task<IActionResult> OnPostSubmitAsync(CancellationToken ct)
    {
        Receiver = Input.Receiver;
        if (!await LoadAsync(ct) || Body() is not { } body)
        {
            return Answer();
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

        return Answer();
    }

    /// <summary>
    /// The page again, with the API's validation problem (or this page's own) turned into errors
    /// beside the fields; a rule's refusal stays a refusal in plain words above the form.
    /// </summary>
    private PageResult Answer()
    {
        var validation = Problem is { Errors.Count: > 0 } ? Problem : null;
        Errors = FormErrors.From(FieldMap, validation, ModelState);
        if (validation is not null)
        {
            Problem = null;
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
        var coverage = await api.CoverageAsync(ct);
        if (!coverage.Ok)
        {
            Problem = coverage.Problem;
            return false;
        }

        Members = (coverage.Value ?? []).OrderBy(m => m.LegalName, StringComparer.CurrentCultureIgnoreCase).ToList();
        if (string.IsNullOrEmpty(Receiver))
        {
            return false;
        }

        // No form for a member no agreement covers: every request to it would be refused.
        ReceiverCoverage = Members.FirstOrDefault(m => m.MemberId == Receiver);
        if (ReceiverCoverage is not { Covered: true })
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
        AuthorisationLabels = LabelsFor(Authorisations, Receiver, Members);

        return true;
    }

    /// <summary>
    /// Option texts that tell authorisations apart: customer, purpose, categories and expiry; the
    /// other members it names when there are any; and, for two that would still read the same,
    /// when each was recorded and the start of its id.
    /// </summary>
    public static IReadOnlyDictionary<Guid, string> LabelsFor(IReadOnlyList<CustomerAuthorisationDto> authorisations, string receiver, IReadOnlyList<CoverageDto> members)
    {
        string Name(string id) => members.FirstOrDefault(m => m.MemberId == id)?.LegalName ?? id;
        var labels = authorisations.ToDictionary(a => a.Id, a =>
        {
            var others = a.ReceivingMemberIds.Where(r => r != receiver).Select(Name).ToList();
            return $"{a.CustomerOrganisation} · {Shorten(a.Purpose, 60)} · {string.Join(", ", a.DataCategories)} · until {a.ExpiresAt:yyyy-MM-dd}"
                + (others.Count > 0 ? $" · also names {string.Join(", ", others)}" : "");
        });
        foreach (var group in authorisations.GroupBy(a => labels[a.Id]).Where(g => g.Count() > 1))
        {
            foreach (var a in group)
            {
                labels[a.Id] += (a.CreatedAt is { } at ? $" · recorded {at:yyyy-MM-dd HH:mm}" : "") + $" · id …{a.Id.ToString()[^8..]}";
            }
        }

        return labels;
    }

    public DateTimeOffset Now => clock.GetUtcNow();

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
