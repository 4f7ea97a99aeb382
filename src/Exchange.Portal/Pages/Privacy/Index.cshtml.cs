using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Exchange.Portal.Pages.Privacy;

/// <summary>Placeholders until the portal has pages for the API's data-subject requests, records of processing and breach assessments.</summary>
public sealed class IndexModel : PageModel
{
    public void OnGet()
    {
    }
}
