using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Exchange.Portal.Pages;

/// <summary>Friendly pages for error status codes; the status code itself is kept.</summary>
[AllowAnonymous]
[IgnoreAntiforgeryToken]
public sealed class StatusModel : PageModel
{
    [FromRoute]
    public int Code { get; set; }

    public string Heading { get; private set; } = "";
    public string Text { get; private set; } = "";

    public void OnGet() => Describe();

    public void OnPost() => Describe();

    private void Describe()
    {
        (Heading, Text) = Code switch
        {
            404 => ("Not found", "There is nothing here, or it is not visible to your organisation."),
            400 => ("The request was not valid", "If you submitted a form, reload the page and try again."),
            _ => ("Something went wrong", "The portal could not complete this. Try again in a moment."),
        };
    }
}
