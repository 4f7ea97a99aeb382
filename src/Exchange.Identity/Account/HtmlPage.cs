using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Antiforgery;

namespace Exchange.Identity.Account;

/// <summary>
/// Identity's few server-rendered pages: no script at all, a stylesheet from this origin only,
/// never framed, never cached. They wear the portal's look: its stylesheet (compiled in from the
/// portal's source, so there is one copy of the colours), its header and its name.
/// </summary>
public sealed class HtmlPage(string title, string body, int statusCode = StatusCodes.Status200OK) : IResult
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'";

    public const string StylesheetPath = "/account/site.css";
    public const string IconPath = "/favicon.svg";

    public static string Encode(string? value) => HtmlEncoder.Default.Encode(value ?? string.Empty);

    public static HtmlPage Error(string message) =>
        new("Sign-in problem", $"""<h1>Sign-in problem</h1><div class="alert error" role="alert"><p>{Encode(message)}</p></div>""", StatusCodes.Status400BadRequest);

    public static string Csrf(AntiforgeryTokenSet tokens) =>
        $"""<input type="hidden" name="{Encode(tokens.FormFieldName)}" value="{Encode(tokens.RequestToken)}">""";

    /// <summary>The errors above a form, each linking to its field; it takes the focus when the page loads (no script needed).</summary>
    public static string ErrorSummary(IReadOnlyDictionary<string, string>? errors, IReadOnlyDictionary<string, string> names) =>
        errors is not { Count: > 0 }
            ? string.Empty
            : $"""
              <div class="alert error" role="alert" id="error-summary" tabindex="-1" autofocus>
              <h2>{(errors.Count == 1 ? "There is a problem" : $"There are {errors.Count} problems")}</h2>
              <ul>{string.Concat(errors.Select(e => $"""<li><a href="#{Encode(e.Key)}">{Encode(names.GetValueOrDefault(e.Key, e.Key))}: {Encode(e.Value)}</a></li>"""))}</ul>
              </div>
              """;

    /// <summary>A labelled input with its error beside it, tied by aria-describedby and marked aria-invalid.</summary>
    public static string Field(string id, string label, string type, string autocomplete, IReadOnlyDictionary<string, string>? errors, string? value = null)
    {
        var error = errors?.GetValueOrDefault(id);
        var invalid = error == null ? "" : $""" aria-invalid="true" aria-describedby="{id}-error" """;
        var message = error == null ? "" : $"""<p class="field-error" id="{id}-error">{Encode(error)}</p>""";
        var valueAttribute = value == null ? "" : $""" value="{Encode(value)}" """;
        return $"""<div class="field"><label for="{id}">{Encode(label)}</label>{message}<input id="{id}" name="{id}" type="{type}" autocomplete="{autocomplete}" required{invalid}{valueAttribute}></div>""";
    }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = statusCode;
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.CacheControl = "no-store";
        response.Headers.Pragma = "no-cache";
        // Links in these pages' addresses carry single-use tokens: never pass them on.
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.ContentType = "text/html; charset=utf-8";
        await response.WriteAsync($"""
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{Encode(title)} · Support Exchange</title><link rel="stylesheet" href="{StylesheetPath}"><link rel="icon" href="{IconPath}" type="image/svg+xml"></head>
            <body>
            <header class="top"><div class="brand"><span>Support Exchange</span></div></header>
            <main id="main"><div class="panel account">{body}</div></main>
            <footer><p>Support Exchange: collaboration between vendors, with the customer's authorisation and no more data than the problem needs.</p></footer>
            </body>
            </html>
            """, httpContext.RequestAborted);
    }

    private static string Resource(string name)
    {
        using var stream = typeof(HtmlPage).Assembly.GetManifestResourceStream("Exchange.Identity." + name)
            ?? throw new InvalidOperationException($"The portal's {name} is not compiled into Identity.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static readonly Lazy<string> Icon = new(() => Resource("favicon.svg"));

    public static IResult Favicon(HttpContext context)
    {
        context.Response.Headers.CacheControl = "public, max-age=86400";
        return Results.Text(Icon.Value, "image/svg+xml; charset=utf-8");
    }

    private static readonly Lazy<string> Css = new(() =>
    {
        // The portal's rules, then what only these pages need: a narrow card and password inputs.
        return Resource("portal.css") + """

            .brand span { font-weight: 700; font-size: 1.15rem; }
            .panel.account { max-width: 30rem; margin: 2rem auto; }
            .account form.stack { max-width: none; }
            input[type=password] { font: inherit; padding: .5rem; border: 1px solid #8c959f; border-radius: .375rem; width: 100%; background: #fff; min-height: 2.5rem; }
            .field-error { color: var(--danger); margin: 0; font-weight: 600; }
            .account .links { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; margin-top: 1rem; }
            """;
    });

    public static IResult Stylesheet(HttpContext context)
    {
        context.Response.Headers.CacheControl = "public, max-age=3600";
        return Results.Text(Css.Value, "text/css; charset=utf-8");
    }
}
