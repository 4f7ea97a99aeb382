using Microsoft.AspNetCore.Authentication.Cookies;

namespace Exchange.Portal.Auth;

/// <summary>
/// Names the session cookie <c>__Host-…</c> whenever the request came over HTTPS, which makes
/// the browser insist on Secure, Path=/ and no Domain: the cookie cannot be set or read by a
/// sibling subdomain. Plain-HTTP loopback development keeps the bare name, since browsers
/// refuse <c>__Host-</c> cookies without HTTPS.
/// </summary>
public sealed class HostPrefixCookieManager : ICookieManager
{
    private const string Prefix = "__Host-";
    private readonly ChunkingCookieManager _inner = new();

    public string? GetRequestCookie(HttpContext context, string key) =>
        _inner.GetRequestCookie(context, NameFor(context, key));

    public void AppendResponseCookie(HttpContext context, string key, string? value, CookieOptions options) =>
        _inner.AppendResponseCookie(context, NameFor(context, key), value, Harden(context, options));

    public void DeleteCookie(HttpContext context, string key, CookieOptions options) =>
        _inner.DeleteCookie(context, NameFor(context, key), Harden(context, options));

    public static string NameFor(HttpContext context, string key) =>
        context.Request.IsHttps && !key.StartsWith(Prefix, StringComparison.Ordinal) ? Prefix + key : key;

    private static CookieOptions Harden(HttpContext context, CookieOptions options)
    {
        if (context.Request.IsHttps)
        {
            options.Secure = true;
            options.Path = "/";
            options.Domain = null;
        }

        return options;
    }
}
