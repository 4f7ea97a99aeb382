using System.Text.Encodings.Web;

namespace Exchange.Identity.Account;

/// <summary>
/// Identity's few server-rendered pages: no script at all, a stylesheet from this origin only,
/// never framed, never cached.
/// </summary>
public sealed class HtmlPage(string title, string body, int statusCode = StatusCodes.Status200OK) : IResult
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'";

    public static string Encode(string? value) => HtmlEncoder.Default.Encode(value ?? string.Empty);

    public static HtmlPage Error(string message) =>
        new("Sign-in problem", $"<h1>Sign-in problem</h1><p>{Encode(message)}</p>", StatusCodes.Status400BadRequest);

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = statusCode;
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.CacheControl = "no-store";
        response.Headers.Pragma = "no-cache";
        response.ContentType = "text/html; charset=utf-8";
        await response.WriteAsync($"""
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{Encode(title)} - Exchange</title><link rel="stylesheet" href="/account/site.css"></head>
            <body><main>{body}</main></body>
            </html>
            """, httpContext.RequestAborted);
    }

    public static IResult Stylesheet(HttpContext context)
    {
        context.Response.Headers.CacheControl = "public, max-age=3600";
        return Results.Text(
            "body{font-family:system-ui,sans-serif;background:#f4f5f7;margin:0}main{max-width:24rem;margin:4rem auto;background:#fff;padding:2rem;border-radius:.5rem}" +
            "label{display:block;margin:.75rem 0 .25rem}input{width:100%;padding:.5rem;box-sizing:border-box}button{margin-top:1rem;padding:.5rem 1rem}.error{color:#a00}",
            "text/css; charset=utf-8");
    }
}
