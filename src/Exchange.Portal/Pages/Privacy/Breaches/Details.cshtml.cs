using Exchange.Portal.Api;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Exchange.Portal.Pages.Privacy.Breaches;

/// <summary>A breach assessment's result and the draft notification to the supervisory authority.</summary>
public sealed class DetailsModel(ExchangeApi api) : PageModel
{
    public BreachAssessmentDto? Assessment { get; private set; }
    public BreachNotificationDraftDto? Draft { get; private set; }
    public ApiProblem? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        var assessment = await api.BreachAssessmentAsync(id, ct);
        if (assessment.NotFound)
        {
            return NotFound();
        }

        var draft = await api.BreachNotificationAsync(id, ct);
        Assessment = assessment.Value;
        Draft = draft.Value;
        Problem = assessment.Problem ?? draft.Problem;
        return Page();
    }
}
