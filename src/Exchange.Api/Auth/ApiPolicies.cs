using Exchange.Core.Identity;
using Microsoft.AspNetCore.Authorization;

namespace Exchange.Api.Auth;

/// <summary>A token scope a route needs; failing it answers 403 with error="insufficient_scope".</summary>
public sealed class ScopeRequirement(params string[] anyOf) : IAuthorizationRequirement
{
    public IReadOnlyList<string> AnyOf { get; } = anyOf;
}

public sealed class ScopeRequirementHandler : AuthorizationHandler<ScopeRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        var caller = Caller.From(context.User);
        if (caller is not null && requirement.AnyOf.Any(caller.HasScope))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}

/// <summary>
/// The named policies, by scope and role. Case routes also let operator tokens through, so that
/// operator staff reach the handler and get the same 404 as any other non-member of a case.
/// </summary>
public static class ApiPolicies
{
    public const string CasesRead = "cases:read";
    public const string CasesWrite = "cases:write";
    public const string Authorisations = "authorisations";
    public const string AgreementsRead = "agreements:read";
    public const string AgreementsWrite = "agreements:write";
    public const string MemberAdmin = "member:admin";
    public const string Operator = "operator";
    public const string Privacy = "privacy";

    public static void Add(AuthorizationOptions options)
    {
        var member = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().RequireClaim(Caller.MemberIdClaim).RequireClaim("sub").Build();
        // Deny by default: a route without its own policy still needs a valid token acting for a member.
        options.DefaultPolicy = member;
        options.FallbackPolicy = member;

        AuthorizationPolicy Policy(ScopeRequirement scope, params string[] anyRole)
        {
            var builder = new AuthorizationPolicyBuilder().Combine(member).AddRequirements(scope);
            if (anyRole.Length > 0)
            {
                builder.RequireClaim("role", anyRole);
            }

            return builder.Build();
        }

        options.AddPolicy(CasesRead, Policy(new ScopeRequirement(Scopes.CasesRead, Scopes.Operator)));
        options.AddPolicy(CasesWrite, Policy(new ScopeRequirement(Scopes.CasesWrite, Scopes.Operator)));
        options.AddPolicy(Authorisations, Policy(new ScopeRequirement(Scopes.AuthorisationsWrite), Roles.Engineer));
        options.AddPolicy(AgreementsRead, Policy(new ScopeRequirement(Scopes.AgreementsRead)));
        options.AddPolicy(AgreementsWrite, Policy(new ScopeRequirement(Scopes.AgreementsWrite), Roles.LegalAdmin));
        options.AddPolicy(MemberAdmin, Policy(new ScopeRequirement(Scopes.MemberAdmin), Roles.MemberAdmin));
        options.AddPolicy(Operator, Policy(new ScopeRequirement(Scopes.Operator), Roles.Operator));
        // A member's privacy officer, or the operator's: data-subject requests, records of processing, breach scoping.
        options.AddPolicy(Privacy, Policy(new ScopeRequirement(Scopes.Privacy), Roles.PrivacyOfficer));
    }
}
