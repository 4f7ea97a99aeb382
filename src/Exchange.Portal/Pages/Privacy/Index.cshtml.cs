using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Exchange.Portal.Pages.Privacy;

/// <summary>Placeholders until Exchange.Api offers data-subject requests and records of processing.</summary>
public sealed class IndexModel : PageModel
{
    public void OnGet()
    {
    }
}
