using Exchange.Core.Cases;

namespace Exchange.Core.Authorisations;

public enum CaptureMethod
{
    Email,
    Phone,
    Ticket,
    Portal,
}

/// <summary>The record that the shared customer agreed to the collaboration.</summary>
public sealed class CustomerAuthorisation
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    /// <summary>The member that recorded it and may cite it.</summary>
    public required string SubmittingMemberId { get; init; }
    public required string CustomerOrganisation { get; set; }
    public required string AuthorisedByName { get; set; }
    public string? AuthorisedByRole { get; set; }
    public string? AuthorisedByEmail { get; set; }
    public List<string> ReceivingMemberIds { get; set; } = [];
    public required string Purpose { get; set; }
    public CaptureMethod CaptureMethod { get; set; }
    /// <summary>A reference into the member's own system (ticket number, mail id), never the evidence itself.</summary>
    public required string EvidenceReference { get; set; }
    public List<DataCategory> DataCategories { get; set; } = [];
    /// <summary>Regions the data may go to; empty means no restriction beyond the agreement's.</summary>
    public List<string> AllowedRegions { get; set; } = [];
    public DateTime CreatedAt { get; init; }
    public DateTime ExpiresAt { get; set; }
    public DateTime? WithdrawnAt { get; set; }
    public DateTime? RestrictedAt { get; set; }
}
