using System.Security.Claims;
using Exchange.Core.Audit;
using Exchange.Core.Cases;
using Exchange.Core.Identity;
using Exchange.Core.Members;

namespace Exchange.Api.Auth;

/// <summary>
/// Who is calling, taken from the validated access token only: the member from `member_id`, the
/// actor from `sub`. No header, query or body can change it. Every endpoint takes one.
/// </summary>
public sealed record Caller(string MemberId, string ActorId, string? ClientId, IReadOnlySet<string> Roles, IReadOnlySet<string> Scopes, string Initials)
{
    /// <summary>The person's display name from the token's `name` claim; null for a machine client.</summary>
    public string? Name { get; init; }

    /// <summary>Whether the caller may change cases at all (scope and role); the lifecycle then says what, per state.</summary>
    public bool MayChangeCases => HasScope(Core.Identity.Scopes.CasesWrite) && IsEngineer(this);

    public const string MemberIdClaim = "member_id";

    public bool IsOperator => MemberId == Member.OperatorId;

    public AuditActor Actor => new(MemberId, ActorId);

    /// <summary>Need-to-know for this caller (rule 5): which cases it sees and whether with content.</summary>
    public CaseAccess Access => CaseAccess.ForMember(MemberId);

    public bool HasRole(string role) => Roles.Contains(role);

    public bool HasScope(string scope) => Scopes.Contains(scope);

    /// <summary>Minimal API binding: the authorization policies guarantee the claims exist before any handler runs.</summary>
    public static ValueTask<Caller?> BindAsync(HttpContext context) => ValueTask.FromResult(From(context.User));

    public static Caller? From(ClaimsPrincipal user)
    {
        var member = user.FindFirstValue(MemberIdClaim);
        var subject = user.FindFirstValue("sub");
        if (user.Identity?.IsAuthenticated != true || string.IsNullOrEmpty(member) || string.IsNullOrEmpty(subject))
        {
            return null;
        }

        var roles = user.FindAll("role").Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        // RFC 9068 says space-separated; some issuers send one claim per scope. Accept both.
        var scopes = user.FindAll("scope").SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToHashSet(StringComparer.Ordinal);
        var clientId = user.FindFirstValue("client_id");
        var name = user.FindFirstValue("name");
        // A client-credentials token's subject is the client id; a user's is a Guid. Only a user has a name.
        name = string.IsNullOrWhiteSpace(name) ? null : name.Trim();
        return new Caller(member, subject, clientId, roles, scopes, InitialsOf(name, clientId ?? subject)) { Name = name };
    }

    /// <summary>The initials kept on a case's tombstone: of the person's name, or of the client id for machine clients.</summary>
    private static string InitialsOf(string? name, string fallback)
    {
        var words = (name ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var initials = words.Length > 0
            ? string.Concat(words.Take(3).Select(w => char.ToUpperInvariant(w[0])))
            : new string(fallback.Where(char.IsAsciiLetterOrDigit).Take(2).ToArray()).ToUpperInvariant();
        return initials.Length == 0 ? "?" : initials;
    }

    internal static bool IsEngineer(Caller caller) => caller.HasRole(Core.Identity.Roles.Engineer);
}
