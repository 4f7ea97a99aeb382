using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Exchange.Portal.Pages;

[AllowAnonymous]
public sealed class SignedOutModel : PageModel
{
    public void OnGet()
    {
    }
}

[AllowAnonymous]
public sealed class SignInFailedModel : PageModel
{
    public void OnGet()
    {
    }
}

public sealed class AccessDeniedModel : PageModel
{
    public void OnGet()
    {
    }
}
