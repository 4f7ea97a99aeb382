using Exchange.Portal.Api;

namespace Exchange.Portal.Pages.Cases;

/// <summary>How many times one member read the case, and when last.</summary>
public sealed record ReadSummary(string Member, int Count, DateTimeOffset Last);

/// <summary>
/// A case's audit trail as a person reads it: the changes (newest first, a page at a time) and the
/// reads summed up per member ("read 12 times by globex"), since a trail of page views hides the
/// few entries that matter. The full trail stays in the API (GET /api/v1/audit?caseId=).
/// </summary>
public sealed record CaseAudit(IReadOnlyList<AuditEntryDto> Changes, IReadOnlyList<ReadSummary> Reads, int Page, int Pages, int TotalChanges)
{
    public const int PageSize = 10;

    public static bool IsRead(string action) =>
        action.EndsWith(".read", StringComparison.Ordinal) || action.EndsWith("_read", StringComparison.Ordinal);

    public static CaseAudit From(IReadOnlyList<AuditEntryDto> entries, int page)
    {
        var changes = entries.Where(e => !IsRead(e.Action)).OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.Sequence).ToList();
        var reads = entries.Where(e => IsRead(e.Action))
            .GroupBy(e => e.ActorMemberId ?? "exchange")
            .Select(g => new ReadSummary(g.Key, g.Count(), g.Max(e => e.OccurredAt)))
            .OrderBy(r => r.Member, StringComparer.Ordinal)
            .ToList();
        var pages = Math.Max(1, (changes.Count + PageSize - 1) / PageSize);
        var current = Math.Clamp(page, 1, pages);
        return new CaseAudit(changes.Skip((current - 1) * PageSize).Take(PageSize).ToList(), reads, current, pages, changes.Count);
    }

    /// <summary>An audit action in plain words.</summary>
    public static string Describe(string action) => action switch
    {
        "case.created" => "Opened the request",
        "case.accepted" => "Accepted",
        "case.rejected" => "Rejected",
        "case.information_requested" => "Asked for information",
        "case.information_provided" => "Answered the question",
        "case.resolved" => "Resolved",
        "case.withdrawn" => "Withdrew the request",
        "case.halted" => "Halted",
        "case.note_added" => "Added a note",
        "case.purged" => "Purged the case's data",
        "case.purge_confirmed" => "Confirmed deleting its copy",
        "case.purge_brought_forward" => "Brought the purge forward",
        "case.purge_renotified" => "Reminded the members to delete their copies",
        "case.deadline_passed" => "Response deadline passed",
        "case.data_subject_request" => "Acted on a data-subject request",
        _ => action,
    };
}
