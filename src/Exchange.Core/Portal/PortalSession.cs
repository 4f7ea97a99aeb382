namespace Exchange.Core.Portal;

/// <summary>
/// A signed-in portal session. The browser holds only the session key; the ticket (claims and
/// the user's tokens) stays here, encrypted with data protection, so every portal node can serve
/// the session and signing out deletes it for good.
/// </summary>
public sealed class PortalSession
{
    /// <summary>A random key, the only thing the session cookie carries.</summary>
    public required string Key { get; init; }
    /// <summary>The authentication ticket, serialised and protected (it holds access and refresh tokens).</summary>
    public required string ProtectedTicket { get; set; }
    /// <summary>The user's subject id, so every session of one user can be ended together.</summary>
    public string? SubjectId { get; set; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; set; }
    /// <summary>After this the row is dead and may be deleted.</summary>
    public DateTime ExpiresAt { get; set; }
}
