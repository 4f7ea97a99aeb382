using System.Security.Claims;
using System.Text;
using Exchange.Core.Data;
using Exchange.Core.Identity;
using Exchange.Identity.Account;
using Exchange.Identity.Configuration;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Exchange.Identity.Protocol;

/// <summary>
/// GET or POST /connect/authorize (RFC 6749 section 4.1.1, OIDC Core 3.1.2, RFC 7636, RFC 9207).
/// Until the client and its redirect URI are known to be genuine, errors are shown here and never
/// sent anywhere; afterwards they go back to the client with state and iss.
/// </summary>
public static class AuthorizeEndpoint
{
    public static async Task<IResult> HandleAsync(
        HttpContext context,
        ExchangeDbContext db,
        GrantStore grants,
        UserManager<ExchangeUser> users,
        IOptions<IdentityServerOptions> options,
        TimeProvider clock)
    {
        Dictionary<string, StringValues> parameters;
        if (HttpMethods.IsPost(context.Request.Method))
        {
            if (!context.Request.HasFormContentType)
            {
                return HtmlPage.Error("The sign-in request is malformed.");
            }

            parameters = (await context.Request.ReadFormAsync(context.RequestAborted)).ToDictionary(p => p.Key, p => p.Value);
        }
        else
        {
            parameters = context.Request.Query.ToDictionary(p => p.Key, p => p.Value);
        }

        string? Single(string name) => parameters.TryGetValue(name, out var v) && v.Count == 1 && v[0] is { Length: > 0 } s ? s : null;

        var clientId = Single("client_id");
        var client = clientId is { Length: <= 100 }
            ? await db.OAuthClients.AsNoTracking().SingleOrDefaultAsync(c => c.ClientId == clientId, context.RequestAborted)
            : null;
        if (client is not { IsActive: true })
        {
            return HtmlPage.Error("The application that sent you here is not registered. Nothing was sent back to it.");
        }

        var redirectUri = Single("redirect_uri");
        if (redirectUri == null || !client.RedirectUris.Contains(redirectUri, StringComparer.Ordinal))
        {
            return HtmlPage.Error("The application asked to return to an address it has not registered. Nothing was sent back to it.");
        }

        var issuer = options.Value.IssuerUri;
        var state = parameters.TryGetValue("state", out var stateValues) ? stateValues.FirstOrDefault() : null;
        IResult Fail(string error, string description) =>
            Redirect(redirectUri, [("error", error), ("error_description", description), ("state", state), ("iss", issuer)]);

        if (parameters.Any(p => p.Value.Count > 1))
        {
            return Fail(OAuthErrors.InvalidRequest, "A parameter is repeated.");
        }

        var responseType = Single("response_type");
        if (responseType == null)
        {
            return Fail(OAuthErrors.InvalidRequest, "response_type is missing.");
        }

        if (responseType != "code")
        {
            return Fail(OAuthErrors.UnsupportedResponseType, "Only the authorization code flow is supported.");
        }

        if (Single("response_mode") is { } mode && mode != "query")
        {
            return Fail(OAuthErrors.InvalidRequest, "Only response_mode=query is supported.");
        }

        if (parameters.ContainsKey("request") || parameters.ContainsKey("request_uri"))
        {
            return Fail(parameters.ContainsKey("request") ? "request_not_supported" : "request_uri_not_supported", "Request objects are not supported.");
        }

        if (!client.AllowedGrantTypes.Contains(GrantTypes.AuthorizationCode))
        {
            return Fail(OAuthErrors.UnauthorizedClient, "The client may not use the authorization code flow.");
        }

        var challenge = Single("code_challenge");
        var method = Single("code_challenge_method");
        if (challenge == null || method == null)
        {
            return Fail(OAuthErrors.InvalidRequest, "PKCE is required: code_challenge and code_challenge_method=S256.");
        }

        if (method != "S256")
        {
            return Fail(OAuthErrors.InvalidRequest, "Only code_challenge_method=S256 is supported.");
        }

        if (!PkceFormat.IsValid(challenge))
        {
            return Fail(OAuthErrors.InvalidRequest, "code_challenge must be 43 to 128 unreserved characters.");
        }

        var requested = ScopeParser.Parse(Single("scope"));
        if (requested is not { Count: > 0 } || requested.Any(s => !client.AllowedScopes.Contains(s)))
        {
            return Fail(OAuthErrors.InvalidScope, "A requested scope is not allowed for this client.");
        }

        var nonce = Single("nonce");
        if (nonce is { Length: > 500 } || state is { Length: > 2000 })
        {
            return Fail(OAuthErrors.InvalidRequest, "state or nonce is too long.");
        }

        if (!client.FirstParty)
        {
            // Consent screens are not built: only first-party clients may sign users in.
            return Fail(OAuthErrors.AccessDenied, "The client is not permitted to sign users in.");
        }

        var prompt = (Single("prompt") ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var session = await context.AuthenticateAsync(IdentityExtensions.SessionScheme);
        var user = session.Succeeded ? await SessionUserAsync(session.Principal!, users) : null;
        if (user == null || prompt.Contains("login"))
        {
            if (prompt.Contains("none"))
            {
                return Fail(OAuthErrors.LoginRequired, "The user is not signed in.");
            }

            // The login page returns here; prompt is dropped so a fresh sign-in is not asked for again.
            var returnUrl = DiscoveryEndpoints.AuthorizePath + QueryString.Create(
                parameters.Where(p => p.Key != "prompt").Select(p => KeyValuePair.Create(p.Key, (string?)p.Value.ToString())));
            return NoStore(Results.Redirect(LoginEndpoints.LoginPath + QueryString.Create("returnUrl", returnUrl)));
        }

        var roles = await users.GetRolesAsync(user);
        var principal = session.Principal!;
        var settings = options.Value;
        var now = clock.GetUtcNow().UtcDateTime;
        var authTime = long.TryParse(principal.FindFirstValue("auth_time"), out var seconds)
            ? DateTime.UnixEpoch.AddSeconds(seconds)
            : now;
        var code = await grants.CreateAsync(
            GrantStore.CodeType, client.ClientId, user.Id.ToString(), Guid.NewGuid(),
            new GrantData
            {
                Scopes = UserTokens.Permitted(requested, roles),
                RedirectUri = redirectUri,
                CodeChallenge = challenge,
                Nonce = nonce,
                AuthTime = authTime,
                SessionId = principal.FindFirstValue("sid"),
                SecurityStamp = user.SecurityStamp,
                AccessTokenJti = TokenService.NewJti(),
            },
            now + settings.AuthorizationCodeLifetime,
            context.RequestAborted);
        return Redirect(redirectUri, [("code", code), ("state", state), ("iss", issuer)]);
    }

    /// <summary>The signed-in user, if the session is still good: user active and password unchanged since sign-in.</summary>
    public static async Task<ExchangeUser?> SessionUserAsync(ClaimsPrincipal principal, UserManager<ExchangeUser> users)
    {
        var id = principal.FindFirstValue("sub");
        if (id == null || await users.FindByIdAsync(id) is not { IsActive: true } user)
        {
            return null;
        }

        return string.Equals(principal.FindFirstValue(LoginEndpoints.SecurityStampClaim), user.SecurityStamp, StringComparison.Ordinal)
            ? user
            : null;
    }

    private static IResult Redirect(string redirectUri, IEnumerable<(string Name, string? Value)> parameters)
    {
        var url = new StringBuilder(redirectUri);
        var separator = redirectUri.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        foreach (var (name, value) in parameters)
        {
            if (value == null)
            {
                continue;
            }

            url.Append(separator).Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
            separator = '&';
        }

        return NoStore(Results.Redirect(url.ToString()));
    }

    private static IResult NoStore(IResult inner) => new NoStoreResult(inner);

    private sealed class NoStoreResult(IResult inner) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.CacheControl = "no-store";
            return inner.ExecuteAsync(httpContext);
        }
    }
}
