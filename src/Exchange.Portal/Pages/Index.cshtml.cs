using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Exchange.Portal.Pages;

public sealed class IndexModel : PageModel
{
    public void OnGet()
    {
    }
}
