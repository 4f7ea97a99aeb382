using Exchange.Core.Identity;
using OpenIddict.Abstractions;
using Microsoft.AspNetCore;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Exchange.Identity.Server;

/// <summary>
/// Where the exchange is stricter than OpenIddict's defaults (decision 0101), as OpenIddict event
/// handlers: they run inside OpenIddict's pipeline, so errors take OpenIddict's usual way back
/// (to the client with state and iss once its redirect URI is known, as a page before).
/// </summary>
public static class ServerHandlers
{
    public static void Register(OpenIddictServerBuilder server)
    {
        // Late in validation: the client and its redirect URI are genuine by now, so a refusal goes back to it.
        server.AddEventHandler<ValidateAuthorizationRequestContext>(b => b.UseInlineHandler(StrictAuthorizationRequest).SetOrder(int.MaxValue - 100_000));
        server.AddEventHandler<ApplyAuthorizationResponseContext>(b => b.UseScopedHandler<RedirectErrorsToGenuineClients>()
            .SetOrder(OpenIddictServerHandlers.Authentication.InferResponseMode.Descriptor.Order + 500));
        server.AddEventHandler<ApplyAuthorizationResponseContext>(b => b.UseInlineHandler(EchoFirstState)
            .SetOrder(OpenIddictServerHandlers.Authentication.AttachResponseState.Descriptor.Order + 500));
        server.AddEventHandler<ValidateTokenRequestContext>(b => b.UseInlineHandler(NoUserScopesForMachines).SetOrder(int.MinValue + 1_000));
        server.AddEventHandler<ValidateTokenRequestContext>(b => b.UseScopedHandler<ScopesTheClientMayHave>()
            .SetOrder(OpenIddictServerHandlers.Exchange.ValidateScopePermissions.Descriptor.Order - 1));
        server.AddEventHandler<ValidateTokenRequestContext>(b => b.UseInlineHandler(StrictTokenRequest)
            .SetOrder(OpenIddictServerHandlers.Exchange.ValidateGrantType.Descriptor.Order + 1));
        server.AddEventHandler<ValidateTokenRequestContext>(b => b.UseInlineHandler(NoWiderRefresh)
            .SetOrder(OpenIddictServerHandlers.Exchange.ValidateAuthentication.Descriptor.Order + 1));
        server.AddEventHandler<HandleConfigurationRequestContext>(b => b.UseInlineHandler(PublishUserInfo).SetOrder(int.MaxValue - 100_000));
        server.AddEventHandler<ApplyConfigurationResponseContext>(b => b.UseInlineHandler(PublishAssertionAlgorithms).SetOrder(int.MinValue + 50_000));
        server.AddEventHandler<GenerateTokenContext>(b => b.UseInlineHandler(NotBeforeIsIssuedAt)
            .SetOrder(OpenIddictServerHandlers.Protection.GenerateIdentityModelToken.Descriptor.Order - 1));
        server.AddEventHandler<ProcessSignInContext>(b => b.UseInlineHandler(ExactExpiresIn).SetOrder(OpenIddictServerHandlers.AttachSignInParameters.Descriptor.Order + 2));
        server.AddEventHandler<ProcessSignInContext>(b => b.UseInlineHandler(AlwaysNameScopes).SetOrder(OpenIddictServerHandlers.AttachSignInParameters.Descriptor.Order + 1));
        server.AddEventHandler<ApplyTokenResponseContext>(b => b.UseInlineHandler(c => SameAnswerForEveryBadClient(c.Response)).SetOrder(int.MinValue + 50_000));
        server.AddEventHandler<ApplyTokenResponseContext>(b => b.UseInlineHandler(BadAssertionIsInvalidClient)
            .SetOrder(OpenIddictServerHandlers.Exchange.NormalizeErrorResponse.Descriptor.Order + 1_000));
        server.AddEventHandler<ApplyIntrospectionResponseContext>(b => b.UseInlineHandler(InactiveForAnyOtherTokenType).SetOrder(int.MinValue + 50_000));
        server.AddEventHandler<ApplyIntrospectionResponseContext>(b => b.UseInlineHandler(c => SameAnswerForEveryBadClient(c.Response)).SetOrder(int.MinValue + 60_000));
        server.AddEventHandler<ApplyRevocationResponseContext>(b => b.UseInlineHandler(c => SameAnswerForEveryBadClient(c.Response)).SetOrder(int.MinValue + 60_000));
        server.AddEventHandler(SingleUseClientAssertions.Descriptor);
        server.AddEventHandler<HandleIntrospectionRequestContext>(b => b.UseInlineHandler(DescribeTokenToItsClient).SetOrder(OpenIddictServerHandlers.Introspection.AttachApplicationClaims.Descriptor.Order + 1_000));
    }

    /// <summary>
    /// PKCE with S256 and a well-formed challenge (RFC 7636 4.2), no parameter twice, no request
    /// objects, bounded state and nonce. OpenIddict would default a missing method to plain.
    /// </summary>
    private static ValueTask StrictAuthorizationRequest(ValidateAuthorizationRequestContext context)
    {
        var request = context.Request;
        var http = context.Transaction.GetHttpRequest();
        var raw = http == null ? [] : http.HasFormContentType && HttpMethods.IsPost(http.Method)
            ? http.Form.Select(p => p.Value.Count)
            : http.Query.Select(p => p.Value.Count);
        if (raw.Any(count => count > 1))
        {
            context.Reject(Errors.InvalidRequest, "A parameter is repeated.");
        }
        else if (request.HasParameter(Parameters.Request) || request.HasParameter(Parameters.RequestUri))
        {
            context.Reject(request.HasParameter(Parameters.Request) ? Errors.RequestNotSupported : Errors.RequestUriNotSupported, "Request objects are not supported.");
        }
        else if (string.IsNullOrEmpty(request.CodeChallenge) || string.IsNullOrEmpty(request.CodeChallengeMethod))
        {
            context.Reject(Errors.InvalidRequest, "PKCE is required: code_challenge and code_challenge_method=S256.");
        }
        else if (request.CodeChallengeMethod != CodeChallengeMethods.Sha256)
        {
            context.Reject(Errors.InvalidRequest, "Only code_challenge_method=S256 is supported.");
        }
        else if (!IsPkceValue(request.CodeChallenge))
        {
            context.Reject(Errors.InvalidRequest, "code_challenge must be 43 to 128 unreserved characters.");
        }
        else if (request.Nonce is { Length: > 500 } || request.State is { Length: > 2000 })
        {
            context.Reject(Errors.InvalidRequest, "state or nonce is too long.");
        }

        return default;
    }

    /// <summary>43..128 characters of [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~" (RFC 7636 sections 4.1 and 4.2).</summary>
    public static bool IsPkceValue(string? value) =>
        value is { Length: >= 43 and <= 128 } && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~');

    /// <summary>
    /// Errors OpenIddict finds while validating an authorization request are shown locally, even once
    /// client and redirect URI are known. RFC 6749 4.1.2.1 (and today's contract) sends them back to
    /// a genuine client, with state and iss: if the client is registered for the authorize endpoint
    /// and the redirect URI is byte-identical to one it registered, the error goes there, in the query.
    /// </summary>
    private sealed class RedirectErrorsToGenuineClients(IOpenIddictApplicationManager applications) : IOpenIddictServerHandler<ApplyAuthorizationResponseContext>
    {
        public async ValueTask HandleAsync(ApplyAuthorizationResponseContext context)
        {
            var request = context.Request;
            if (context.RedirectUri != null || string.IsNullOrEmpty(context.Response.Error) || request == null
                || context.Response.Error is Errors.InvalidClient
                || string.IsNullOrEmpty(request.ClientId) || string.IsNullOrEmpty(request.RedirectUri)
                || context.Transaction.GetHttpRequest() is not { } http
                || (HttpMethods.IsPost(http.Method) && http.HasFormContentType ? http.Form : (IEnumerable<KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>>)http.Query)
                    .Any(p => p.Key is Parameters.ClientId or Parameters.RedirectUri && p.Value.Count > 1))
            {
                return;
            }

            var application = await applications.FindByClientIdAsync(request.ClientId);
            if (application != null
                && await applications.HasPermissionAsync(application, Permissions.Endpoints.Authorization)
                && (await applications.GetRedirectUrisAsync(application)).Contains(request.RedirectUri, StringComparer.Ordinal))
            {
                context.RedirectUri = request.RedirectUri;
                context.ResponseMode = ResponseModes.Query;
            }
        }
    }

    /// <summary>
    /// Refusals at the token endpoint with the codes RFC 6749 5.2 names (and today's tests expect):
    /// a client-credentials request for user scopes is invalid_scope; a code redeemed without its
    /// verifier or redirect URI is invalid_grant, exactly like a wrong one.
    /// </summary>
    private static ValueTask StrictTokenRequest(ValidateTokenRequestContext context)
    {
        var request = context.Request;
        if (request.IsAuthorizationCodeGrantType() && !string.IsNullOrEmpty(request.Code)
            && (string.IsNullOrEmpty(request.CodeVerifier) || string.IsNullOrEmpty(request.RedirectUri)))
        {
            context.Reject(Errors.InvalidGrant, "The code verifier or redirect URI does not match the authorization request.");
        }

        return default;
    }

    /// <summary>A member system acting for itself has no user: asking for openid, profile, email or offline_access is invalid_scope.</summary>
    private static ValueTask NoUserScopesForMachines(ValidateTokenRequestContext context)
    {
        if (context.Request.IsClientCredentialsGrantType() && context.Request.GetScopes().Any(ProtocolPaths.IdentityScopes.Contains))
        {
            context.Reject(Errors.InvalidScope, "A requested scope is not allowed for this client.");
        }

        return default;
    }

    /// <summary>A scope the client is not registered for is invalid_scope (RFC 6749 5.2); OpenIddict would say invalid_request.</summary>
    private sealed class ScopesTheClientMayHave(IOpenIddictApplicationManager applications) : IOpenIddictServerHandler<ValidateTokenRequestContext>
    {
        public async ValueTask HandleAsync(ValidateTokenRequestContext context)
        {
            var scopes = context.Request.GetScopes().Where(s => s != ProtocolPaths.OpenId).ToList();
            if (scopes.Count == 0 || string.IsNullOrEmpty(context.ClientId) || await applications.FindByClientIdAsync(context.ClientId) is not { } application)
            {
                return;
            }

            foreach (var scope in scopes)
            {
                if (!await applications.HasPermissionAsync(application, Permissions.Prefixes.Scope + scope))
                {
                    context.Reject(Errors.InvalidScope, "A requested scope is not allowed for this client.");
                    return;
                }
            }
        }
    }

    /// <summary>A refresh may narrow the scope, never widen it: invalid_scope (RFC 6749 section 6).</summary>
    private static ValueTask NoWiderRefresh(ValidateTokenRequestContext context)
    {
        if (context.Request.IsRefreshTokenGrantType() && context.RefreshTokenPrincipal is { } principal
            && context.Request.GetScopes().Any(s => !principal.HasScope(s)))
        {
            context.Reject(Errors.InvalidScope, "A refresh cannot widen the original scope.");
        }

        return default;
    }

    /// <summary>
    /// Userinfo is ours (the API's bearer rules: header only, insufficient_scope without openid), not
    /// OpenIddict's endpoint; discovery still names it.
    /// </summary>
    private static ValueTask PublishUserInfo(HandleConfigurationRequestContext context)
    {
        if (context.Issuer is { } issuer)
        {
            context.UserInfoEndpoint = new Uri(issuer.AbsoluteUri.TrimEnd('/') + ProtocolPaths.UserInfo);
        }

        return default;
    }

    /// <summary>
    /// What a private_key_jwt assertion may be signed with: the algorithms of the keys ClientKeySet
    /// accepts (decision 0102), so a client library picks one we verify.
    /// </summary>
    private static ValueTask PublishAssertionAlgorithms(ApplyConfigurationResponseContext context)
    {
        if (string.IsNullOrEmpty(context.Response.Error))
        {
            context.Response[Metadata.TokenEndpointAuthSigningAlgValuesSupported] =
                new OpenIddictParameter(System.Text.Json.JsonSerializer.SerializeToElement(ClientKeySet.SigningAlgorithms));
        }

        return default;
    }

    /// <summary>Every JWT says from when it is valid (nbf, RFC 9068 allows it; the API reads it): from its issue.</summary>
    private static ValueTask NotBeforeIsIssuedAt(GenerateTokenContext context)
    {
        if (context.SecurityTokenDescriptor is { IssuedAt: { } issued } descriptor)
        {
            descriptor.NotBefore = issued;
        }

        return default;
    }

    /// <summary>expires_in is the access token's lifetime as issued, not a count-down rounded from the clock.</summary>
    private static ValueTask ExactExpiresIn(ProcessSignInContext context)
    {
        if (context.AccessTokenPrincipal is { } principal && principal.GetCreationDate() is { } created && principal.GetExpirationDate() is { } expires)
        {
            context.Response.ExpiresIn = (long)Math.Round((expires - created).TotalSeconds);
        }

        return default;
    }

    /// <summary>A repeated state is refused; the refusal still carries the client's (first) state back.</summary>
    private static ValueTask EchoFirstState(ApplyAuthorizationResponseContext context)
    {
        if (context.Response.State == null && context.Transaction.GetHttpRequest() is { } http)
        {
            var state = http.HasFormContentType && HttpMethods.IsPost(http.Method) ? http.Form["state"] : http.Query["state"];
            if (state.Count > 0 && !string.IsNullOrEmpty(state[0]))
            {
                context.Response.State = state[0];
            }
        }

        return default;
    }

    /// <summary>Every token response names its scope, even when it is the one asked for (RFC 6749 5.1 allows it; clients read it).</summary>
    private static ValueTask AlwaysNameScopes(ProcessSignInContext context)
    {
        if (context.AccessTokenPrincipal is { } principal && string.IsNullOrEmpty(context.Response.Scope))
        {
            context.Response.Scope = string.Join(' ', principal.GetScopes());
        }

        return default;
    }

    /// <summary>Unknown client, wrong secret, deactivated client, bad client assertion: one answer, nothing that tells them apart.</summary>
    private static ValueTask SameAnswerForEveryBadClient(OpenIddictResponse response)
    {
        if (response.Error == Errors.InvalidClient)
        {
            response.ErrorDescription = null;
            response.ErrorUri = null;
        }

        return default;
    }

    /// <summary>
    /// What is left of invalid_token once OpenIddict has made code and refresh failures invalid_grant
    /// is a client assertion it refused (a foreign audience, say): for the client that is a failed
    /// authentication, invalid_client (RFC 7523 3.2), not a code RFC 6749 5.2 lacks.
    /// </summary>
    private static ValueTask BadAssertionIsInvalidClient(ApplyTokenResponseContext context)
    {
        if (context.Response.Error == Errors.InvalidToken)
        {
            context.Response.Error = Errors.InvalidClient;
            return SameAnswerForEveryBadClient(context.Response);
        }

        return default;
    }

    /// <summary>Introspecting anything but an access or refresh token (an ID token, say) is simply inactive (RFC 7662 2.2).</summary>
    private static ValueTask InactiveForAnyOtherTokenType(ApplyIntrospectionResponseContext context)
    {
        if (context.Response.Error == Errors.UnsupportedTokenType)
        {
            context.Response.Error = null;
            context.Response.ErrorDescription = null;
            context.Response.ErrorUri = null;
            context.Response[Claims.Active] = false;
        }

        return default;
    }

    /// <summary>A client introspecting its own access token learns its member and roles, as the API reads them.</summary>
    private static ValueTask DescribeTokenToItsClient(HandleIntrospectionRequestContext context)
    {
        if (context.GenericTokenPrincipal is { } principal && principal.HasTokenType(TokenTypeIdentifiers.AccessToken)
            && context.Request.ClientId is { } caller && principal.HasPresenter(caller))
        {
            if (principal.GetClaim("member_id") is { } member)
            {
                context.Claims["member_id"] = member;
            }

            var roles = principal.GetClaims("role");
            if (roles.Length > 0)
            {
                context.Claims["role"] = roles.Length == 1 ? new OpenIddictParameter(roles[0]) : new OpenIddictParameter([.. roles]);
            }

            context.Claims["client_id"] = caller;
        }

        return default;
    }
}
