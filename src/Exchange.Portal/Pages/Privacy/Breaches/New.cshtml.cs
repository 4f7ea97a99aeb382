using System.Globalization;
using Exchange.Portal.Api;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Exchange.Portal.Pages.Privacy.Breaches;

/// <summary>The operator's privacy officer opens a breach assessment: a user or client id and a window (UTC).</summary>
public sealed class NewModel(ExchangeApi api) : PageModel
{
    [BindProperty] public string? ActorId { get; set; }
    [BindProperty] public string? From { get; set; }
    [BindProperty] public string? To { get; set; }
    [BindProperty] public string? Description { get; set; }

    public ApiProblem? Problem { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var result = await api.OpenBreachAssessmentAsync(new { actorId = ActorId, from = Utc(From), to = Utc(To), description = Description }, ct);
        if (result is { Ok: true, Value: { } assessment })
        {
            return Redirect($"/privacy/breaches/{assessment.Id}");
        }

        Problem = result.Problem;
        return Page();
    }

    // datetime-local has no zone: the form says the times are UTC.
    private static DateTime? Utc(string? local) =>
        DateTime.TryParse(local, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at) ? at : null;
}
