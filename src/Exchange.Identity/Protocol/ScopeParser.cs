namespace Exchange.Identity.Protocol;

public static class ScopeParser
{
    public const string OpenId = "openid";
    public const string Profile = "profile";
    public const string Email = "email";
    public const string OfflineAccess = "offline_access";

    public static readonly IReadOnlyList<string> Identity = [OpenId, Profile, Email, OfflineAccess];

    /// <summary>Splits a scope parameter (RFC 6749 section 3.3); null when a scope token holds characters the grammar forbids.</summary>
    public static List<string>? Parse(string? value)
    {
        var scopes = new List<string>();
        foreach (var scope in (value ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (scope.Any(c => c < 0x21 || c == 0x22 || c == 0x5C || c > 0x7E))
            {
                return null;
            }

            if (!scopes.Contains(scope))
            {
                scopes.Add(scope);
            }
        }

        return scopes;
    }
}
