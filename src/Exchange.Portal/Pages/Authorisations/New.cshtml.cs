using Exchange.Portal.Api;
using Exchange.Portal.Auth;
using Exchange.Portal.Pages.Shared;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Exchange.Portal.Pages.Authorisations;

/// <summary>Recording that the shared customer agreed to the collaboration (who, for whom, what, until when).</summary>
public sealed class NewModel(ExchangeApi api, TimeProvider clock) : PageModel
{
    public static readonly string[] Categories = ["technical", "organisation", "contact"];
    public static readonly string[] CaptureMethods = ["email", "phone", "ticket", "portal"];

    /// <summary>The form's fields as the API names them in a validation problem.</summary>
    public static readonly FormFieldMap FieldMap = new FormFieldMap()
        .Add("org", "Customer organisation", "customerOrganisation")
        .Add("by-name", "Name", "authorisedBy", "authorisedBy.name")
        .Add("by-role", "Role", "authorisedBy.role")
        .Add("by-email", "E-mail", "authorisedBy.email")
        .Add("receivers", "Members it names", "receivingMemberIds")
        .Add("purpose", "Purpose", "purpose")
        .Add("method", "How it was captured", "captureMethod")
        .Add("evidence", "Evidence reference", "evidenceReference")
        .Add("categories", "Data it covers", "dataCategories")
        .Add("regions", "Allowed regions", "allowedRegions")
        .Add("expires", "Valid until", "expiresAt", "Input.ExpiresOn");

    [FromQuery(Name = "receiver")]
    public string? Receiver { get; set; }

    [BindProperty]
    public AuthorisationInput Input { get; set; } = new();

    public IReadOnlyList<MemberDto> Members { get; private set; } = [];
    public ApiProblem? Problem { get; private set; }
    public FormErrors Errors { get; private set; } = FormErrors.None;

    public async Task OnGetAsync(CancellationToken ct)
    {
        Input.ReceivingMemberIds = string.IsNullOrEmpty(Receiver) ? [] : [Receiver];
        Input.ExpiresOn = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime.AddDays(90));
        Input.DataCategories = ["technical", "organisation"];
        await LoadMembersAsync(ct);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var body = new
        {
            customerOrganisation = Input.CustomerOrganisation,
            authorisedBy = new { name = Input.AuthorisedByName, role = Input.AuthorisedByRole, email = Blank(Input.AuthorisedByEmail) },
            receivingMemberIds = Input.ReceivingMemberIds,
            purpose = Input.Purpose,
            captureMethod = Input.CaptureMethod,
            evidenceReference = Input.EvidenceReference,
            dataCategories = Input.DataCategories,
            allowedRegions = (Input.AllowedRegions ?? "").Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            expiresAt = Input.ExpiresOn?.ToDateTime(new TimeOnly(23, 59), DateTimeKind.Utc),
        };
        var result = await api.CreateAuthorisationAsync(body, ct);
        if (result.Ok && result.Value is { } created)
        {
            var receiver = Input.ReceivingMemberIds.FirstOrDefault();
            return Redirect(receiver is null ? "/cases/new" : $"/cases/new?receiver={Uri.EscapeDataString(receiver)}&authorisation={created.Id}");
        }

        Problem = result.Problem;
        if (Problem is { Errors.Count: > 0 } || !ModelState.IsValid)
        {
            // Each problem beside its field, in the form's words; a refusal stays above the form.
            Errors = FormErrors.From(FieldMap, Problem is { Errors.Count: > 0 } ? Problem : null, ModelState);
            Problem = Problem is { Errors.Count: > 0 } ? null : Problem;
        }

        await LoadMembersAsync(ct);
        return Page();
    }

    private async Task LoadMembersAsync(CancellationToken ct)
    {
        var members = await api.MembersAsync(ct);
        Members = (members.Value ?? []).Where(m => m.Id != User.MemberOf()).OrderBy(m => m.LegalName).ToList();
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    public sealed class AuthorisationInput
    {
        public string? CustomerOrganisation { get; set; }
        public string? AuthorisedByName { get; set; }
        public string? AuthorisedByRole { get; set; }
        public string? AuthorisedByEmail { get; set; }
        public List<string> ReceivingMemberIds { get; set; } = [];
        public string? Purpose { get; set; }
        public string CaptureMethod { get; set; } = "email";
        public string? EvidenceReference { get; set; }
        // Empty, not pre-filled: with every box unticked the form posts nothing, and a default here
        // would have recorded categories the customer never agreed to. The GET ticks the usual two.
        public List<string> DataCategories { get; set; } = [];
        public string? AllowedRegions { get; set; }
        public DateOnly? ExpiresOn { get; set; }
    }
}
